"""Joint disposal: the firm reports its rectification into the case timeline, staff review it; acknowledging and
closing need HANDLE_ENV_ALERTS over the alert's region; refusals change nothing."""

from __future__ import annotations

import pytest

from grassroots.audit.models import AuditEntry
from grassroots.cases.models import CaseEvent
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.environment import alerts, disposal
from grassroots.environment.models import Alert, MaintenanceTask, Rectification
from grassroots.environment.tests.rules_world import make_outlet, storm
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlet(cast):
    return make_outlet(cast)


@pytest.fixture
def alert(outlet):
    storm(outlet, 3)
    return Alert.objects.get()


def code_of(call) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_the_firm_reports_its_rectification_into_the_case_timeline(outlet, alert):
    rect = disposal.submit_rectification(outlet.firm_user, alert, text="已更换破损的污水处理设备滤膜")
    event = CaseEvent.objects.get(case_id=alert.case_id, kind="machine_note")
    assert "已更换破损的污水处理设备滤膜" in event.note and event.actor == outlet.firm_user
    assert event.data == {"rectification": rect.pk}
    assert Notification.objects.filter(user=outlet.env_officer, message__contains="报告整改").exists()
    assert AuditEntry.objects.filter(event=844, target_id=str(rect.pk)).exists()


def test_staff_send_it_back_with_a_reason_and_the_firm_is_told(outlet, alert):
    rect = disposal.submit_rectification(outlet.firm_user, alert, text="已更换破损的污水处理设备滤膜")
    assert (
        code_of(lambda: disposal.review_rectification(outlet.staff_s1, rect, accepted=False)) == ErrorCode.NOTE_REQUIRED
    )
    disposal.review_rectification(outlet.staff_s1, rect, accepted=False, note="出水 COD 仍超标，请复查")
    rect.refresh_from_db()
    assert rect.accepted is False and rect.reviewed_by == outlet.staff_s1
    notes = CaseEvent.objects.filter(case_id=alert.case_id, kind="machine_note").values_list("note", flat=True)
    assert list(notes)[-1] == "整改被退回：出水 COD 仍超标，请复查"
    assert Notification.objects.filter(user=outlet.firm_user, message__contains="整改被退回").exists()
    again = lambda: disposal.review_rectification(outlet.staff_s1, rect, accepted=True)  # noqa: E731
    assert code_of(again) == ErrorCode.ALREADY_REVIEWED


def test_only_a_contact_of_the_operating_firm_may_report(outlet, alert):
    assert code_of(lambda: disposal.submit_rectification(outlet.resident, alert, text="已整改完毕，请审核")) == (
        ErrorCode.NOT_OPERATOR
    )
    assert code_of(lambda: disposal.submit_rectification(outlet.staff_s1, alert, text="已整改完毕，请审核")) == (
        ErrorCode.NOT_OPERATOR
    )
    assert not Rectification.objects.exists()


def test_a_firm_cannot_report_on_another_firms_alert(outlet, alert):
    from grassroots.conftest import valid_uscc
    from grassroots.environment.models import OperatorContact
    from grassroots.registry import places

    other = places.create_legal_person(
        None, region=outlet.G4, uscc=valid_uscc("91110101MA01BCDE7"), name="柳荫茶社", address="柳荫街3号", industry="H"
    )
    OperatorContact.objects.create(legal_person=other, user=outlet.resident)
    assert code_of(lambda: disposal.get_firm_alert(outlet.resident, alert.pk)) == ErrorCode.NOT_FOUND


def test_a_short_rectification_is_refused_and_nothing_is_written(outlet, alert):
    events = CaseEvent.objects.count()
    assert code_of(lambda: disposal.submit_rectification(outlet.firm_user, alert, text="好")) == ErrorCode.NOTE_REQUIRED
    assert not Rectification.objects.exists() and CaseEvent.objects.count() == events


def test_acknowledge_then_close_with_a_note(outlet, alert):
    disposal.acknowledge_alert(outlet.staff_s1, alert)
    assert code_of(lambda: disposal.acknowledge_alert(outlet.staff_s1, alert)) == ErrorCode.ALERT_NOT_OPEN
    assert code_of(lambda: disposal.close_alert(outlet.staff_s1, alert, note=" ")) == ErrorCode.NOTE_REQUIRED
    disposal.close_alert(outlet.staff_s1, alert, note="企业已停产整改，复测达标")
    alert.refresh_from_db()
    assert (alert.status, alert.closed_note) == ("closed", "企业已停产整改，复测达标") and alert.closed_at
    assert code_of(lambda: disposal.close_alert(outlet.staff_s1, alert, note="再次关闭")) == ErrorCode.ALERT_CLOSED
    assert code_of(lambda: disposal.submit_rectification(outlet.firm_user, alert, text="已整改完毕，请审核")) == (
        ErrorCode.ALERT_CLOSED
    )
    assert AuditEntry.objects.filter(event__in=[842, 843], target_id=str(alert.pk)).count() == 2


def test_closing_needs_handle_env_alerts_in_scope(outlet, alert):
    # Street leader and community staff see alerts but do not handle them; the outsider (C3) covers no G1.
    for who in (outlet.leader_s1, outlet.worker_c1, outlet.grid_g1, outlet.resident):
        assert code_of(lambda who=who: disposal.close_alert(who, alert, note="越权关闭")) == ErrorCode.PERMISSION_DENIED
    from grassroots.accounts import services as accounts
    from grassroots.accounts.roles import Role

    accounts.grant_membership(None, outlet.outsider, role=Role.STREET_STAFF, region=outlet.S2)
    outlet.outsider._gr_grants = None
    assert code_of(lambda: disposal.close_alert(outlet.outsider, alert, note="越界关闭")) == ErrorCode.NOT_FOUND
    alert.refresh_from_db()
    assert alert.status == "open"


def test_close_a_maintenance_task(outlet):
    from grassroots.environment import rules
    from grassroots.environment.models import Rule, RuleKind
    from grassroots.environment.tests.rules_world import hours_ago, only, write

    only(Rule.objects.create(name="range", kind=RuleKind.HEALTH, params={"check": "range"}))
    rules.evaluate_batch(write(outlet.cod, [(hours_ago(1), -3.0)]))
    task = MaintenanceTask.objects.get()
    assert code_of(lambda: disposal.close_task(outlet.leader_s1, task, note="已校准")) == ErrorCode.PERMISSION_DENIED
    disposal.close_task(outlet.staff_s1, task, note="已更换传感器并校准")
    assert code_of(lambda: disposal.close_task(outlet.staff_s1, task, note="再次完成")) == ErrorCode.TASK_CLOSED
    assert alerts.get_task_for(outlet.staff_s1, task.pk).status == "done"
