"""Issue 11 regressions in the case pages and notices: open redirects, and e-mails that show recipients."""

import pytest
from django.core import mail

from grassroots.cases.intake import open_case
from grassroots.cases.models import Channel
from grassroots.cases.tests.conftest import report
from grassroots.cases.tests.test_views import login
from grassroots.notifications.services import notify


@pytest.mark.parametrize(
    "target", ["/\\evil.example", "//evil.example", "https://evil.example/", "javascript:alert(1)"]
)
def test_an_action_never_redirects_off_site(case_cast, client, target):
    case = open_case(case_cast.resident, report(category="street_vending"), channel=Channel.PORTAL)
    login(client, case_cast.officer)
    response = client.post(f"/cases/{case.pk}/act/accept/", {"next": target})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"


def test_an_action_follows_a_next_on_this_site(case_cast, client):
    case = open_case(case_cast.resident, report(category="street_vending"), channel=Channel.PORTAL)
    login(client, case_cast.officer)
    response = client.post(f"/cases/{case.pk}/act/accept/", {"next": "/cases/?mine=1"})
    assert response["Location"] == "/cases/?mine=1"


def test_each_recipient_gets_a_message_of_their_own(cast, django_capture_on_commit_callbacks):
    for i, user in enumerate((cast.grid_g1, cast.worker_c1, cast.staff_s1)):
        user.email = f"u{i}@example.org"
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify([cast.grid_g1, cast.worker_c1, cast.staff_s1], "测试通知", topic="cases.progress")
    assert sorted(m.to[0] for m in mail.outbox) == ["u0@example.org", "u1@example.org", "u2@example.org"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)


@pytest.mark.parametrize("channel", ["machine", "open311", "hotline", "portal", "api"])
def test_the_staff_entry_page_refuses_any_other_channel(case_cast, client, channel):
    from grassroots.cases.models import Case

    login(client, case_cast.grid_g1)
    response = client.post("/cases/new/", {"channel": channel, "title": "楼道堆放杂物", "description": "x" * 20})
    assert response.status_code == 400 and not Case.objects.exists()


@pytest.mark.parametrize("channel", ["patrol", "assisted"])
def test_a_resident_cannot_report_through_a_staff_channel(case_cast, api_client, channel):
    from grassroots.cases.models import Case

    body = {"title": "楼道堆放杂物", "description": "3号楼楼道里堆满纸箱和旧家具，堵住了消防通道", "lng": 116.32}
    body |= {"lat": 39.85, "channel": channel, "reporter_name": "某人", "reporter_phone": "13800000000"}
    response = api_client.as_user(case_cast.resident).post("/api/v1/cases/", body)
    assert response.status_code == 403 and not Case.objects.exists()


def test_a_signed_in_user_cannot_file_as_the_system(case_cast):
    from grassroots.core.errors import DomainError

    for channel in (Channel.MACHINE, Channel.OPEN311):
        with pytest.raises(DomainError) as error:
            open_case(case_cast.grid_g1, report(), channel=channel)
        assert error.value.status == 403
