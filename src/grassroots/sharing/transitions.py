"""The sharing request lifecycle (docs/sharing.md): one transition table, every status change through `transition`.

As for cases (cases/workflow.py), each verb names the statuses it may start from, the status it leads to, the
permissions one of which the actor's role must hold, the timeline step it writes and its audit event. The
services check scope (which department, which region) before they call `transition`; the table is the single
place that says which status may follow which, so a step the request is not at is refused (409
`invalid_transition`) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.sharing.models import RequestStatus, RequestStep, ShareRequest, StepKind


@dataclass(frozen=True)
class Edge:
    sources: frozenset[str]
    target: str
    perms: frozenset[Perm]  # the actor's role holds at least one of them
    event: AuditEvent
    step: str | None  # the timeline row written, None when the change leaves no step
    timed: bool = False  # the step is one with a deadline: it records `step_due_at` and whether it was late


R, E, P, S = RequestStatus, AuditEvent, Perm, StepKind
REVIEW, PROVIDE, REQUEST = frozenset({P.REVIEW_SHARING}), frozenset({P.MANAGE_DATASETS}), frozenset({P.REQUEST_DATA})
AT_COMPLIANCE, AT_PROVIDER, AT_SUSPENDED = frozenset({R.COMPLIANCE}), frozenset({R.PROVIDER}), frozenset({R.SUSPENDED})
OPEN = AT_COMPLIANCE | AT_PROVIDER
TRANSITIONS: dict[str, Edge] = {
    "approve_compliance": Edge(AT_COMPLIANCE, R.PROVIDER, REVIEW, E.SHARE_COMPLIANCE_DECIDED, S.COMPLIANCE, True),
    "reject_compliance": Edge(AT_COMPLIANCE, R.REJECTED, REVIEW, E.SHARE_COMPLIANCE_DECIDED, S.COMPLIANCE, True),
    "approve_provider": Edge(AT_PROVIDER, R.GRANTED, PROVIDE, E.SHARE_PROVIDER_DECIDED, S.PROVIDER, True),
    "refuse_provider": Edge(AT_PROVIDER, R.REFUSED, PROVIDE, E.SHARE_PROVIDER_DECIDED, S.PROVIDER, True),
    "withdraw": Edge(OPEN, R.WITHDRAWN, REQUEST, E.SHARE_WITHDRAWN, S.WITHDRAWN),
    # A change of grades (sharing/grading.py); a second change while suspended keeps the first one's deadline.
    "suspend": Edge(frozenset({R.GRANTED}) | AT_SUSPENDED, R.SUSPENDED, PROVIDE, E.GRANT_SUSPENDED, S.SUSPENDED),
    "resume": Edge(AT_SUSPENDED, R.GRANTED, REVIEW, E.SHARE_COMPLIANCE_DECIDED, S.COMPLIANCE, True),
    "revoke_on_review": Edge(AT_SUSPENDED, R.REJECTED, REVIEW, E.SHARE_COMPLIANCE_DECIDED, S.COMPLIANCE, True),
    # The grant of a suspended request is revoked (sharing/grants.py): nothing is left to review.
    "close_review": Edge(AT_SUSPENDED, R.GRANTED, PROVIDE | REVIEW, E.GRANT_REVOKED, None),
}  # fmt: skip


def add_step(request: ShareRequest, kind: str, actor, *, approved=None, reasons: str = "", due_at=None) -> RequestStep:
    now = timezone.now()
    late = bool(due_at and now > due_at)
    return RequestStep.objects.create(
        request=request, kind=kind, actor=actor, at=now, approved=approved, reasons=reasons, due_at=due_at, late=late
    )


def check(request: ShareRequest, verb: str, actor) -> Edge:
    """The edge for `verb` from the request's status, or the refusal: a role without the permission, a wrong status."""
    edge = TRANSITIONS[verb]
    if not any(has_perm(actor, perm) for perm in edge.perms):
        raise PermissionDenied()
    if request.status not in edge.sources:
        message = _("申请当前为「%(status)s」，不能执行此操作") % {"status": request.get_status_display()}
        raise DomainError(ErrorCode.INVALID_TRANSITION, message, details={"status": request.status, "verb": verb})
    return edge


def transition(
    request: ShareRequest,
    verb: str,
    actor,
    *,
    approved: bool | None = None,
    reasons: str = "",
    changes: dict[str, dt.datetime | None] | None = None,
    target=None,
    extra: dict | None = None,
) -> ShareRequest:
    """Move a locked request along `verb`: check it, write its step, its status and `changes`, and its audit row.

    `target` is what the audit row is about when it is not the request (a grant suspended or revoked).
    """
    edge = check(request, verb, actor)
    if edge.step:
        due_at = request.step_due_at if edge.timed else None
        add_step(request, edge.step, actor, approved=approved, reasons=reasons, due_at=due_at)
    request.status = edge.target
    for name, value in (changes or {}).items():
        setattr(request, name, value)
    request.save(update_fields=["status", *(changes or {})])
    record(actor=actor, event=edge.event, target=target or request, extra=extra)
    return request
