"""Joint disposal (联合处置): staff acknowledge and close alerts, the firm reports its rectification, staff accept
it or send it back; maintenance tasks are closed when the sensor is fixed.

Staff act with HANDLE_ENV_ALERTS over the alert's region (accounts.scope). A firm acts through a login that is
an OperatorContact of the LegalPerson operating the station; it sees only its own stations' alerts. When the
alert has a case, each rectification and its review is written into the case timeline
(cases.intake.note_machine_case), so the department handling the case sees the firm's side as well.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_in_scope
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.environment.alerts import ALERT_TOPIC, contacts_of
from grassroots.environment.models import (
    Alert,
    AlertStatus,
    MaintenanceTask,
    OperatorContact,
    Rectification,
    TaskStatus,
)
from grassroots.notifications.services import notify

MIN_NOTE = 4
MAX_TEXT = 2000


def _note(text: str, message: str, minimum: int = MIN_NOTE) -> str:
    text = (text or "").strip()
    if len(text) < minimum:
        raise DomainError(ErrorCode.NOTE_REQUIRED, message)
    if len(text) > MAX_TEXT:
        raise DomainError(ErrorCode.INVALID_INPUT, _("说明不得超过 %(n)d 个字") % {"n": MAX_TEXT})
    return text


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("station", "rule").get(pk=alert.pk)


def _case_note(alert: Alert, text: str, actor, data: dict) -> None:
    if alert.case_id:
        from grassroots.cases.intake import note_machine_case

        note_machine_case(source=f"environment:{alert.pk}", note=text, actor=actor, data=data)


@transaction.atomic
def acknowledge_alert(actor, alert: Alert, *, note: str = "") -> Alert:
    require_in_scope(actor, Perm.HANDLE_ENV_ALERTS, alert.region_path)
    alert = _locked(alert)
    if alert.status != AlertStatus.OPEN:
        raise DomainError(ErrorCode.ALERT_NOT_OPEN, _("只有待处置的告警可以响应"))
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.save(update_fields=["status"])
    record(actor=actor, event=AuditEvent.ENV_ALERT_ACKNOWLEDGED, target=alert, extra={"note": (note or "")[:200]})
    return alert


@transaction.atomic
def close_alert(actor, alert: Alert, *, note: str) -> Alert:
    """Closing needs a note saying how it was disposed of; a later exceedance then opens a new alert."""
    require_in_scope(actor, Perm.HANDLE_ENV_ALERTS, alert.region_path)
    alert = _locked(alert)
    if alert.status == AlertStatus.CLOSED:
        raise DomainError(ErrorCode.ALERT_CLOSED, _("告警已关闭"))
    text = _note(note, _("请写明处置情况（至少 4 个字）"))
    alert.status, alert.closed_at, alert.closed_note = AlertStatus.CLOSED, timezone.now(), text
    alert.save(update_fields=["status", "closed_at", "closed_note"])
    record(actor=actor, event=AuditEvent.ENV_ALERT_CLOSED, target=alert, extra={"count": alert.count})
    return alert


def firm_alerts(user) -> QuerySet:
    """The alerts of the stations operated by the firms this login speaks for (nothing for anyone else)."""
    firms = OperatorContact.objects.filter(user=user).values("legal_person_id")
    return Alert.objects.filter(station__operator_id__in=firms).select_related("station", "rule")


def require_operator(user) -> None:
    if not getattr(user, "is_authenticated", False) or not OperatorContact.objects.filter(user=user).exists():
        raise DomainError(ErrorCode.NOT_OPERATOR, _("您的账号不是任何运营单位的联系人"))


def get_firm_alert(user, alert_id: int) -> Alert:
    require_operator(user)
    alert = firm_alerts(user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert


@transaction.atomic
def submit_rectification(actor, alert: Alert, *, text: str) -> Rectification:
    """The firm's report of what it did: recorded, written into the case timeline, the case owners told."""
    alert = _locked(get_firm_alert(actor, alert.pk))
    if alert.status == AlertStatus.CLOSED:
        raise DomainError(ErrorCode.ALERT_CLOSED, _("告警已关闭，无需再报整改情况"))
    body = _note(text, _("请写明整改措施（至少 5 个字）"), minimum=5)
    rect = Rectification.objects.create(alert=alert, author=actor, text=body)
    firm = alert.station.operator_name or str(alert.station.operator or "")
    _case_note(
        alert, _("运营单位%(firm)s报告整改：%(text)s") % {"firm": firm, "text": body}, actor, {"rectification": rect.pk}
    )
    record(actor=actor, event=AuditEvent.ENV_RECTIFICATION_SUBMITTED, target=rect, extra={"alert": alert.pk})
    return rect


@transaction.atomic
def review_rectification(actor, rect: Rectification, *, accepted: bool, note: str = "") -> Rectification:
    """Staff accept the firm's report, or send it back with the reason; the firm is told either way."""
    alert = rect.alert
    require_in_scope(actor, Perm.HANDLE_ENV_ALERTS, alert.region_path)
    rect = Rectification.objects.select_for_update().select_related("alert__station").get(pk=rect.pk)
    if rect.accepted is not None:
        raise DomainError(ErrorCode.ALREADY_REVIEWED, _("该整改报告已审核"))
    text = (note or "").strip()[:MAX_TEXT] if accepted else _note(note, _("退回整改须写明理由（至少 4 个字）"))
    rect.accepted, rect.reviewed_by, rect.review_note = accepted, actor, text
    rect.save(update_fields=["accepted", "reviewed_by", "review_note"])
    verdict = _("整改已通过审核") if accepted else _("整改被退回")
    line = f"{verdict}：{text}" if text else verdict
    _case_note(rect.alert, line, actor, {"rectification": rect.pk, "accepted": accepted})
    record(actor=actor, event=AuditEvent.ENV_RECTIFICATION_REVIEWED, target=rect, extra={"accepted": accepted})
    station = rect.alert.station
    message = _("站点“%(station)s”告警：%(line)s") % {"station": station.name, "line": line}
    notify(
        contacts_of(station), message, topic=ALERT_TOPIC, link=reverse("environment:firm"), ref=f"env-alert:{alert.pk}"
    )
    return rect


def get_rectification_for(actor, alert: Alert, rect_id: int) -> Rectification:
    rect = alert.rectifications.filter(pk=rect_id).first()
    if rect is None:
        raise NotFound()
    return rect


@transaction.atomic
def close_task(actor, task: MaintenanceTask, *, note: str) -> MaintenanceTask:
    """The sensor is fixed (or the finding was wrong): a note says which; a new finding opens a new task."""
    require_in_scope(actor, Perm.HANDLE_ENV_ALERTS, task.region_path)
    task = MaintenanceTask.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise DomainError(ErrorCode.TASK_CLOSED, _("运维任务已完成"))
    text = _note(note, _("请写明处理情况（至少 4 个字）"))
    task.status, task.closed_at, task.closed_by, task.note = TaskStatus.DONE, timezone.now(), actor, text
    task.save(update_fields=["status", "closed_at", "closed_by", "note"])
    record(actor=actor, event=AuditEvent.ENV_TASK_CLOSED, target=task, extra={"problem": task.problem})
    return task
