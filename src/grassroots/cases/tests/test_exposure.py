"""Issue 11 item 5: residents could read other residents' cases through the duplicate search and "follow".

Resident A reports from home under their real name; resident B, the attacker, searches for duplicates nearby
and tries to follow. B must learn no description, address, point, photo or reporter, follow nothing they were
not offered, and as a follower see the public progress only, never the staff's internal notes.
"""

import datetime as dt
import json

import pytest
from django.core import signing
from django.urls import reverse

from grassroots.cases import duplicates, handling, residents
from grassroots.cases.evidence import Photo
from grassroots.cases.intake import open_case
from grassroots.cases.models import Channel, Follower
from grassroots.cases.tests.conftest import report
from grassroots.cases.tests.test_views import login

SECRET_TEXT = "3号楼楼道里堆满纸箱和旧家具，堵住了消防通道，我家老人出不了门"
ADDRESS = "银杏胡同8号院内东侧楼道"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
FIXED = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
SEARCH = "/api/v1/cases/duplicates?category=fire_hazard&lng=116.3201&lat=39.8501&text=楼道里堆满纸箱杂物堵住消防通道"


@pytest.fixture
def a_case(case_cast):
    """Resident A's real-name report, located by their own door number, with a photo."""
    from grassroots.registry.services import link_account

    link_account(case_cast.worker_c1, case_cast.p1, case_cast.resident)
    return open_case(
        case_cast.resident,
        report(
            description=SECRET_TEXT,
            door_number="银杏胡同8号",
            lng=None,
            lat=None,
            address=ADDRESS,
            photos=[Photo("a.png", PNG)],
        ),
        channel=Channel.PORTAL,
    )


def _leaks(body) -> list[str]:
    text = json.dumps(body, ensure_ascii=False)
    secrets = [SECRET_TEXT, ADDRESS, "银杏胡同", "116.32", "39.85", "张三丰", "张**", "13812345678", "138****5678"]
    secrets += ["/media/", "evidence/"]
    return [s for s in secrets if s in text]


def test_the_duplicate_offer_carries_nothing_of_the_report(a_case, case_cast, api_client):
    found = api_client.as_user(case_cast.resident2).get(SEARCH)
    assert found.status_code == 200
    [offer] = found.json()
    assert set(offer) == {"title", "category", "category_name", "status", "status_label", "distance_m", "followers"} | {
        "offer"
    }
    assert (offer["title"], offer["category"], offer["followers"]) == (a_case.title, "fire_hazard", 1)
    assert offer["distance_m"] % 10 == 0
    assert _leaks(found.json()) == []


def test_staff_search_duplicates_only_in_their_own_scope(a_case, case_cast, api_client):
    assert api_client.as_user(case_cast.outsider).get(SEARCH).json() == []  # 三社区 staff: not their area
    assert len(api_client.as_user(case_cast.staff_s1).get(SEARCH).json()) == 1


def test_the_case_page_offers_merges_only_from_the_viewers_scope(case_cast, client):
    """Two reports of one problem either side of the G1/G2 border: the G1 grid worker is offered only G1's."""
    text = {"description": "路口的消防栓被车撞坏了一直在漏水，很危险", "category": "fire_hazard"}
    here = open_case(case_cast.resident, report(**text, lng=116.3499, lat=39.85), channel=Channel.PORTAL)
    there = open_case(case_cast.resident2, report(**text, lng=116.3501, lat=39.85), channel=Channel.PORTAL)
    login(client, case_cast.grid_g1)
    assert [c.case.pk for c in client.get(f"/cases/{here.pk}/").context["candidates"]] == []
    login(client, case_cast.staff_s1)
    assert [c.case.pk for c in client.get(f"/cases/{here.pk}/").context["candidates"]] == [there.pk]


def _follow(api_client, user, body):
    return api_client.as_user(user).post("/api/v1/cases/follow", body)


def test_only_an_offered_case_can_be_followed(a_case, case_cast, api_client):
    b = case_cast.resident2
    # The old way, by case id alone, no longer exists.
    assert api_client.as_user(b).post(f"/api/v1/cases/{a_case.pk}/follow").status_code in (404, 405)
    assert not Follower.objects.filter(case=a_case, user=b).exists()
    forged = signing.TimestampSigner(salt="something else").sign_object({"u": b.pk, "c": a_case.pk})
    made_for_a = duplicates.make_offer(case_cast.resident, a_case)
    genuine = duplicates.make_offer(b, a_case)
    tampered = ("A" if genuine[0] != "A" else "B") + genuine[1:]
    for offer in ("", "x", forged, made_for_a, tampered):
        response = _follow(api_client, b, {"offer": offer} if offer else {})
        assert response.status_code in (403, 422), offer
        if response.status_code == 403:
            assert response.json()["code"] == "offer_invalid"
    assert not Follower.objects.filter(case=a_case, user=b).exists()
    [offered] = api_client.as_user(b).get(SEARCH).json()
    assert _follow(api_client, b, {"offer": offered["offer"]}).status_code == 200
    assert Follower.objects.filter(case=a_case, user=b).exists()


def test_an_offer_expires_after_a_few_minutes(a_case, case_cast, api_client, monkeypatch):
    import time

    stale = time.time() - duplicates.OFFER_MAX_AGE.total_seconds() - 5
    monkeypatch.setattr(signing.time, "time", lambda: stale)
    offer = duplicates.make_offer(case_cast.resident2, a_case)
    monkeypatch.undo()
    response = _follow(api_client, case_cast.resident2, {"offer": offer})
    assert (response.status_code, response.json()["code"]) == (403, "expired")
    assert not Follower.objects.filter(case=a_case, user=case_cast.resident2).exists()


@pytest.fixture
def worked_case(a_case, case_cast):
    """A's case followed by B and worked by staff: a public progress note and resolution, an internal
    supervision note, a category correction."""
    handling.accept_case(case_cast.staff_s1, a_case)
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    handling.supervise_case(case_cast.leader_s1, a_case, deadline=deadline, note="内部督办意见务必今日办结")
    residents.follow_case(case_cast.resident2, a_case)
    handling.add_progress(case_cast.staff_s1, a_case, note="已通知物业明早清理")
    handling.resolve_case(
        case_cast.staff_s1, a_case, note="杂物已清理完毕，通道已畅通", photos=[Photo("fix.png", FIXED)]
    )
    return a_case


def test_a_follower_sees_the_public_progress_only(worked_case, case_cast, api_client):
    body = api_client.as_user(case_cast.resident2).get(f"/api/v1/cases/{worked_case.pk}").json()
    assert body["description"] == "" and body["address"] == "" and body["view"] == "follower"
    assert (body["lng"], body["lat"], body["reporter_name"], body["reporter_door"]) == (None, None, None, None)
    assert _leaks({k: v for k, v in body.items() if k != "photos"}) == []
    notes = [e["note"] for e in body["events"]]
    assert "已通知物业明早清理" in notes and "杂物已清理完毕，通道已畅通" in notes
    assert "内部督办意见务必今日办结" not in json.dumps(body, ensure_ascii=False)
    assert all(e["actor"] is None and e["data"] == {} for e in body["events"])
    assert "me_too" not in {e["kind"] for e in body["events"]}
    # The rectification photo, to judge the fix by; not A's photo of the report.
    report_photo = reverse("cases:evidence", args=[worked_case.evidence.get(stage="report").pk])
    assert len(body["photos"]) == 1 and report_photo not in body["photos"]
    listed = api_client.as_user(case_cast.resident2).get("/api/v1/cases/").json()["items"]
    assert [r["view"] for r in listed] == ["follower"] and _leaks([r | {"photos": []} for r in listed]) == []


def test_the_reporter_and_staff_still_see_the_whole_case(worked_case, case_cast, api_client):
    mine = api_client.as_user(case_cast.resident).get(f"/api/v1/cases/{worked_case.pk}").json()
    assert mine["view"] == "full" and mine["description"] == SECRET_TEXT and mine["address"] == ADDRESS
    staff = api_client.as_user(case_cast.leader_s1).get(f"/api/v1/cases/{worked_case.pk}").json()
    assert staff["view"] == "full" and "内部督办意见务必今日办结" in [e["note"] for e in staff["events"]]


def test_the_follower_pages_show_no_details(worked_case, case_cast, client):
    login(client, case_cast.resident2)
    staff_page = client.get(f"/cases/{worked_case.pk}/")  # the staff page sends a resident to the portal
    assert (staff_page.status_code, staff_page["Location"]) == (302, "/portal/")
    for url in (f"/portal/cases/{worked_case.pk}/",):
        page = client.get(url).content.decode()
        assert "杂物已清理完毕" in page, url
        for secret in (SECRET_TEXT, ADDRESS, "内部督办意见", "张三丰", "张**"):
            assert secret not in page, (url, secret)
