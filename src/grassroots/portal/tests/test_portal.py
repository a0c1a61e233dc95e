"""Residents' pages: report, me too, my reports, rating; elder mode with fewer fields."""

import re

from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel
from grassroots.cases.tests.conftest import report
from grassroots.conftest import PASSWORD


def login(client, user):
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


def test_a_resident_reports_by_door_number_and_follows_it(case_cast, client):
    login(client, case_cast.resident)
    response = client.post(
        "/portal/report/", {"description": "胡同口的垃圾桶三天没人清运，味道很大", "door_number": "银杏胡同8号"}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/portal/cases/{case.pk}/"
    assert case.reporter == case_cast.resident and case.category.code == "garbage" and case.channel == "portal"
    assert case.number in client.get("/portal/mine/").content.decode()


def test_likely_duplicates_offer_me_too_first(case_cast, client):
    first = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    login(client, case_cast.resident2)
    body = {
        "description": "3号楼楼道里堆满纸箱杂物，堵住消防通道",
        "category": "fire_hazard",
        "lng": 116.3201,
        "lat": 39.8501,
    }
    page = client.post("/portal/report/", body).content.decode()
    assert "我也遇到" in page and Case.objects.count() == 1
    offer = re.search(r'name="offer" value="([^"]+)"', page).group(1)
    assert client.post("/portal/me-too/", {"offer": offer}).url == f"/portal/cases/{first.pk}/"
    assert first.followers.filter(user=case_cast.resident2).exists()
    client.post("/portal/report/", {**body, "confirmed": "1"})  # "not the same thing": submit anyway
    assert Case.objects.count() == 2


def test_rating_from_the_portal_closes_or_reopens(case_cast, client):
    from grassroots.cases import handling

    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    handling.accept_case(case_cast.staff_s1, case)
    handling.resolve_case(case_cast.staff_s1, case, note="杂物已清理，通道已畅通")
    login(client, case_cast.resident)
    assert "问题解决了吗" in client.get(f"/portal/cases/{case.pk}/").content.decode()
    client.post(f"/portal/cases/{case.pk}/", {"satisfied": "0", "score": "2", "comment": "还有一半没清"})
    case.refresh_from_db()
    assert case.status == "in_progress" and case.reopen_count == 1


def test_elder_mode_shows_fewer_fields(case_cast, client):
    login(client, case_cast.resident)
    normal = client.get("/portal/report/").content.decode()
    client.cookies["elder_mode"] = "1"
    elder = client.get("/portal/report/").content.decode()
    assert 'name="category"' in normal and 'name="category"' not in elder
    assert 'class="elder"' in elder and 'name="description"' in elder
