"""What residents do with a case: follow it (我也遇到), rate the fix, reject it (which reopens the case)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases import duplicates, routing
from grassroots.cases.models import Case, CaseEvent, Follower, Outcome, Rating, Status
from grassroots.cases.notify import owners_of
from grassroots.cases.workflow import locked, transition
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.core.time import now


@transaction.atomic
def follow_case(actor, case: Case) -> Follower:
    """我也遇到: subscribe to an existing case instead of opening a duplicate. Residents reach it only through
    `follow_offered`; a follower then sees the case's public progress (cases.presenters)."""
    if not getattr(actor, "pk", None):
        raise PermissionDenied(_("请先登录"))
    if case.status in (Status.CLOSED, Status.MERGED):
        raise DomainError(ErrorCode.CASE_CLOSED, _("该事件已办结"))
    follower, created = Follower.objects.get_or_create(case=case, user=actor, defaults={"reason": "me_too"})
    if created:
        CaseEvent.objects.create(case=case, at=now(), actor=actor, kind="me_too", to_status=case.status)
        record(actor=actor, event=AuditEvent.CASE_FOLLOWED, target=case)
    return follower


@transaction.atomic
def follow_offered(actor, offer: str) -> Follower:
    """我也遇到 from an offer: a resident may follow only a case the duplicate search just offered them."""
    if not getattr(actor, "pk", None):
        raise PermissionDenied(_("请先登录"))
    return follow_case(actor, duplicates.offered_case(actor, offer))


@transaction.atomic
def rate_case(actor, case: Case, *, satisfied: bool, score: int, comment: str = "") -> Case:
    """The reporter or any follower rates the fix. Not satisfied reopens the case with a fresh SLA period."""
    case = locked(case)
    if not Follower.objects.filter(case=case, user=actor).exists():
        raise PermissionDenied(_("只有反映人或关注人可以评价"))
    if not 1 <= score <= 5:
        raise DomainError(ErrorCode.INVALID_INPUT, _("评分应为 1–5 分"))
    if case.status != Status.RESOLVED:
        raise DomainError(ErrorCode.RATING_WINDOW_CLOSED, _("事件尚未处置完毕，暂不能评价"))
    Rating.objects.create(case=case, user=actor, satisfied=satisfied, score=score, comment=comment.strip()[:300])
    if satisfied:
        case.outcome, case.closed_at = Outcome.RESOLVED, now()
        transition(case, "confirm", actor, note=comment, data={"score": score})
    else:
        case.reopen_count += 1
        path = routing.route(case.category, case.region)
        case.due_at, case.warn_at = routing.deadlines(now(), path.sla_hours, path.warn_hours)
        case.warned = case.breached = False
        transition(
            case, "reopen", actor, note=comment or "不满意", data={"score": score}, extra_recipients=owners_of(case)
        )
    return case


@transaction.atomic
def auto_confirm(moment: dt.datetime | None = None) -> int:
    """Resolved cases nobody answered within CASE_AUTO_CONFIRM_DAYS close as 'resolved, no answer'."""
    cutoff = (moment or now()) - dt.timedelta(days=settings.CASE_AUTO_CONFIRM_DAYS)
    count = 0
    for case in Case.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff):
        case = locked(case)
        case.outcome, case.closed_at = Outcome.RESOLVED_NO_ANSWER, now()
        transition(case, "auto_confirm", None)
        count += 1
    return count
