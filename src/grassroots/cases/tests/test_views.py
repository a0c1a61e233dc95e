"""Workbench pages: queue, detail, actions through forms, patrol and assisted entry; and the denials."""

from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel
from grassroots.cases.tests.conftest import report
from grassroots.conftest import PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def login(client, user):
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


def test_the_officer_works_a_case_through_the_pages(case_cast, client):
    case = open_case(
        case_cast.resident,
        report(title="门口占道经营", description="小区门口每天早上有人摆摊卖菜，占了人行道", category="street_vending"),
        channel=Channel.PORTAL,
    )
    login(client, case_cast.officer)
    assert case.number in client.get("/cases/").content.decode()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "签收" in page
    client.post(f"/cases/{case.pk}/act/accept/")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        f"/cases/{case.pk}/act/resolve/",
        {"note": "摊点已清理，安排巡查", "photos": [SimpleUploadedFile("after.png", PNG, "image/png")]},
    )
    case.refresh_from_db()
    assert case.status == "resolved" and case.evidence.filter(stage="rectify").count() == 1


def test_a_bad_action_shows_the_reason_and_changes_nothing(case_cast, client):
    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    login(client, case_cast.staff_s1)
    response = client.post(f"/cases/{case.pk}/act/return/", {"reason": "", "likely_owner": ""}, follow=True)
    assert "退回理由" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "dispatched"


def test_others_cannot_see_or_act(case_cast, client):
    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    login(client, case_cast.outsider)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/accept/").status_code == 404


def test_assisted_entry_page(case_cast, client):
    login(client, case_cast.grid_g1)
    response = client.post(
        "/cases/new/",
        {
            "channel": "assisted",
            "description": "刘奶奶反映楼道灯坏了，晚上上下楼看不见",
            "door_number": "银杏胡同8号",
            "reporter_name": "刘秀英",
            "reporter_phone": "13600001234",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.channel == "assisted" and case.assisted_by == case_cast.grid_g1
    assert case.title.startswith("刘奶奶反映楼道灯坏了")


def test_patrol_outside_ones_grid_is_refused_on_the_page(case_cast, client):
    login(client, case_cast.grid_g1)
    response = client.post(
        "/cases/new/", {"channel": "patrol", "description": "路灯不亮已经好几天了", "lng": 116.45, "lat": 39.85}
    )
    assert response.status_code == 200 and "只能在本人负责的区域内" in response.content.decode()
    assert Case.objects.count() == 0


def test_workbench_filters_by_grid_and_overdue(case_cast, client):
    import datetime as dt

    from grassroots.core.time import now

    inside = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    other = open_case(case_cast.resident, report(lng=116.37, lat=39.95), channel=Channel.PORTAL)
    Case.objects.filter(pk=other.pk).update(due_at=now() - dt.timedelta(hours=1))
    login(client, case_cast.staff_s1)
    body = client.get(f"/cases/?mine=0&region={case_cast.G1.pk}").content.decode()
    assert inside.number in body and other.number not in body
    body = client.get("/cases/?mine=0&overdue=1").content.decode()
    assert other.number in body and inside.number not in body
    assert client.get(f"/cases/?region={case_cast.G4.pk}").status_code == 404
