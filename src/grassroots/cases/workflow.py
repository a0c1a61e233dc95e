"""The case state machine (DESIGN.md §3): one transition table, one verb per transition.

Every verb checks role and scope, moves the status through `transition`, which writes the timeline event
and the audit entry in the same transaction, and notifies followers and owners.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases.models import Case, CaseEvent, Status
from grassroots.cases.notify import followers_of, notify
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.time import now

S = Status
# verb → (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.DISPATCHED}), S.ACCEPTED),
    "return": (frozenset({S.DISPATCHED, S.ACCEPTED}), S.RETURNED),
    "arbitrate": (frozenset({S.RETURNED}), S.DISPATCHED),
    "reroute": (frozenset({S.RETURNED}), S.DISPATCHED),
    "start": (frozenset({S.ACCEPTED}), S.IN_PROGRESS),
    "progress": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), None),
    "resolve": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.RESOLVED),
    "close_unfixed": (frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.CLOSED),
    "refer": (frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS}), S.CLOSED),
    "confirm": (frozenset({S.RESOLVED}), S.CLOSED),
    "auto_confirm": (frozenset({S.RESOLVED}), S.CLOSED),
    "reopen": (frozenset({S.RESOLVED}), S.IN_PROGRESS),
    "merge": (frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED}), S.MERGED),
    "escalate": (frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED}), S.DISPATCHED),
    "supervise": (frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED, S.RESOLVED}), None),
    "reclassify": (frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.RETURNED}), None),
}
AUDIT = {
    "accept": AuditEvent.CASE_ACCEPTED,
    "return": AuditEvent.CASE_RETURNED,
    "arbitrate": AuditEvent.CASE_ARBITRATED,
    "reroute": AuditEvent.CASE_DISPATCHED,
    "start": AuditEvent.CASE_UPDATED,
    "progress": AuditEvent.CASE_UPDATED,
    "resolve": AuditEvent.CASE_RESOLVED,
    "close_unfixed": AuditEvent.CASE_CLOSED,
    "refer": AuditEvent.CASE_CLOSED,
    "confirm": AuditEvent.CASE_RATED,
    "auto_confirm": AuditEvent.CASE_CLOSED,
    "reopen": AuditEvent.CASE_REOPENED,
    "merge": AuditEvent.CASE_MERGED,
    "escalate": AuditEvent.CASE_ESCALATED,
    "supervise": AuditEvent.CASE_SUPERVISED,
    "reclassify": AuditEvent.CASE_RECLASSIFIED,
}
KIND_LABELS = {
    "open": "受理",
    "accept": "签收",
    "return": "退回",
    "arbitrate": "裁定",
    "reroute": "重新派单",
    "start": "开始处置",
    "progress": "进展",
    "resolve": "处置完毕",
    "close_unfixed": "未解决办结",
    "refer": "转交",
    "confirm": "群众确认",
    "auto_confirm": "逾期自动办结",
    "reopen": "重新办理",
    "merge": "合并",
    "escalate": "升级",
    "supervise": "督办",
    "reclassify": "更正类别",
    "me_too": "我也遇到",
    "machine_note": "关联方反馈",  # intake.note_machine_case: e.g. a firm's rectification of an environment alert
}
MESSAGES = {
    "accept": "已签收，正在安排处置",
    "return": "承办单位已退回，正在重新分派",
    "arbitrate": "已裁定承办单位",
    "reroute": "已重新派单",
    "start": "已开始处置",
    "resolve": "已处置完毕，请确认是否解决",
    "close_unfixed": "已办结（暂未解决）",
    "refer": "非本级职责，已转交相关单位",
    "confirm": "已确认解决，事件办结",
    "auto_confirm": "逾期未评价，按已解决办结",
    "reopen": "群众不满意，事件已重新办理",
    "merge": "已与同类事件合并办理",
    "escalate": "已超时或超出权限，升级至上级办理",
    "supervise": "领导已督办",
}


def transition(
    case: Case,
    verb: str,
    actor,
    *,
    note: str = "",
    data: dict | None = None,
    notify_message: str | None = None,
    extra_recipients=(),
) -> CaseEvent:
    """Apply `verb` to a locked, fresh case row. Raises INVALID_TRANSITION (409) from a wrong state."""
    allowed_from, target = TRANSITIONS[verb]
    if case.status not in allowed_from:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            _("事件当前状态为“%(status)s”，不能执行此操作") % {"status": case.get_status_display()},
        )
    before = case.status
    if target is not None:
        case.status = target
    case.save()
    event = CaseEvent.objects.create(
        case=case,
        at=now(),
        actor=actor if getattr(actor, "pk", None) else None,
        kind=verb,
        from_status=before,
        to_status=case.status,
        note=note[:2000],
        data=data or {},
    )
    record(actor=actor, event=AUDIT[verb], target=case, extra={"verb": verb, "from": before, "to": case.status})
    message = notify_message or MESSAGES.get(verb)
    if message:
        notify(case, followers_of(case) | set(extra_recipients), f"{case.number}：{message}")
    return event


def locked(case: Case) -> Case:
    """Re-read the case under a row lock so two handlers cannot both move it."""
    assert transaction.get_connection().in_atomic_block
    return Case.objects.select_for_update().select_related("owner_region", "category", "region").get(pk=case.pk)
