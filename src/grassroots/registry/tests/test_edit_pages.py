"""Registry editing through the API and the pages: 4xx for bad input, 409 when stale, denials, masking."""

from __future__ import annotations

import json

from django.test import Client

from grassroots.registry.models import Person, PersonChange, PersonStatus


def patch(api_client, user, url, body):
    headers = api_client.as_user(user).headers
    return Client().patch(url, json.dumps(body), content_type="application/json", headers=headers)


def test_api_edit_returns_the_masked_record_with_its_new_version(cast, api_client):
    url = f"/api/v1/registry/persons/{cast.p1.pk}"
    response = patch(api_client, cast.leader_s1, url, {"version": 1, "phone": "13600004444"})
    assert response.status_code == 403  # a street leader sees the registry but does not edit it
    response = patch(api_client, cast.staff_s1, url, {"version": 1, "phone": "13600004444"})
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2 and body["phone"] == "136****4444"  # street staff see phones partly
    assert Person.objects.get(pk=cast.p1.pk).phone == "13600004444"


def test_api_stale_and_bad_edits_change_nothing(cast, api_client):
    url = f"/api/v1/registry/persons/{cast.p1.pk}"
    stale = patch(api_client, cast.grid_g1, url, {"version": 7, "phone": "13600004444"})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    bad = patch(api_client, cast.grid_g1, url, {"version": 1, "residence": "martian"})
    # The vocabulary is in the schema (an enum), so the API refuses it before the service: 422, not 400.
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    malformed = api_client.as_user(cast.grid_g1).post(
        f"/api/v1/registry/persons/{cast.p1.pk}/move", {"version": 1, "house_id": "not-a-number"}
    )
    assert malformed.status_code == 422  # the id's pattern is in the schema: refused before the service
    outside = patch(api_client, cast.grid_g1, f"/api/v1/registry/persons/{cast.p4.pk}", {"version": 1, "name": "王"})
    assert outside.status_code == 404
    person = Person.objects.get(pk=cast.p1.pk)
    assert person.version == 1 and person.phone == "13812345678" and not PersonChange.objects.exists()


def test_api_departure_and_history(cast, api_client):
    client = api_client.as_user(cast.grid_g1)
    response = client.post(f"/api/v1/registry/persons/{cast.p1.pk}/departure", {"version": 1, "status": "moved_out"})
    assert response.status_code == 200 and response.json()["status"] == PersonStatus.MOVED_OUT
    again = client.post(f"/api/v1/registry/persons/{cast.p1.pk}/departure", {"version": 2, "status": "deceased"})
    assert again.status_code == 409 and again.json()["code"] == "person_inactive"
    rows = api_client.as_user(cast.leader_s1).get(f"/api/v1/registry/persons/{cast.p1.pk}/history").json()
    assert [r["kind"] for r in rows] == ["moved_out"]
    assert {c["field"]: c["before"] for c in rows[0]["changes"]}["house"] == cast.h1.door_number


def test_the_edit_page_never_prefills_a_masked_value(cast, client):
    client.force_login(cast.staff_s1)  # sees names in full, phones partly
    page = client.get(f"/registry/persons/{cast.p1.pk}/edit/").content.decode()
    assert 'value="张三丰"' in page and "1381" not in page and "5678" not in page  # no phone, not even masked
    response = client.post(
        f"/registry/persons/{cast.p1.pk}/edit/", {"version": "1", "name": "", "residence": "floating"}
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=cast.p1.pk)
    assert person.name == "张三丰" and person.phone == "13812345678" and person.residence == "floating"


def test_a_stale_page_edit_is_409_and_shown_on_the_form(cast, client):
    client.force_login(cast.grid_g1)
    url = f"/registry/persons/{cast.p1.pk}/edit/"
    assert client.post(url, {"version": "1", "phone": "13600004444", "residence": "registered"}).status_code == 302
    response = client.post(url, {"version": "1", "phone": "13600005555", "residence": "registered"})
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    assert Person.objects.get(pk=cast.p1.pk).phone == "13600004444"


def test_edit_pages_deny_outside_the_area_and_without_the_permission(cast, client):
    client.force_login(cast.outsider)
    assert client.get(f"/registry/persons/{cast.p1.pk}/edit/").status_code == 404
    assert client.post(f"/registry/houses/{cast.h1.pk}/edit/", {"version": "1"}).status_code == 404
    client.force_login(cast.dept_d)
    assert client.get(f"/registry/legal-persons/{cast.firm.pk}/edit/").status_code == 403
    assert (
        client.post(f"/registry/persons/{cast.p1.pk}/departure/", {"version": "1", "status": "deceased"}).status_code
        == 403
    )
    assert Person.objects.get(pk=cast.p1.pk).status == PersonStatus.ACTIVE


def test_a_move_by_door_number_and_the_history_on_the_person_page(cast, client):
    client.force_login(cast.worker_c1)
    from grassroots.registry import places

    h2 = places.create_house(None, region=cast.G2, road="银杏胡同", number="9号")
    response = client.post(f"/registry/persons/{cast.p1.pk}/move/", {"version": "1", "door_number": h2.door_number})
    assert response.status_code == 302
    detail = client.get(f"/registry/persons/{cast.p1.pk}/").content.decode()
    assert f"/registry/persons/{cast.p1.pk}/history/" in detail
    history = client.get(f"/registry/persons/{cast.p1.pk}/history/").content.decode()
    assert "更换住房" in history and h2.door_number in history
    client.force_login(cast.dept_d)  # a department officer sees names partly, also in the history
    assert "更换住房" in client.get(f"/registry/persons/{cast.p1.pk}/history/").content.decode()


def test_a_missing_door_number_is_a_400_on_the_form(cast, client):
    client.force_login(cast.grid_g1)
    response = client.post(f"/registry/persons/{cast.p1.pk}/move/", {"version": "1", "door_number": "无此门牌"})
    assert response.status_code == 400 and "请先登记房屋" in response.content.decode()


def test_edit_links_are_offered_only_to_editors(cast, client):
    link = f"/registry/houses/{cast.h1.pk}/edit/"
    client.force_login(cast.grid_g1)
    assert link in client.get(f"/registry/houses/{cast.h1.pk}/").content.decode()
    client.force_login(cast.leader_s1)
    assert link not in client.get(f"/registry/houses/{cast.h1.pk}/").content.decode()
