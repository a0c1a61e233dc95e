"""Handling verbs: accept, return (no ping-pong), re-route and arbitrate, progress, resolve, honest closure."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.models import Department
from grassroots.accounts.roles import Perm
from grassroots.areas.models import Level, Region
from grassroots.cases import evidence, routing
from grassroots.cases.access import can, can_handle, require, require_handler
from grassroots.cases.evidence import Photo
from grassroots.cases.models import Case, Outcome
from grassroots.cases.notify import arbiters_of, owners_of
from grassroots.cases.workflow import locked, transition
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.time import now

UNFIXED_REASONS = ("不具备条件", "已列入计划", "法律法规不支持", "群众诉求不合理", "其他")


def _need(text: str, what: str, minimum: int = 2) -> str:
    text = (text or "").strip()
    if len(text) < minimum:
        raise DomainError(ErrorCode.INVALID_INPUT, _("请填写%(field)s") % {"field": what})
    return text


def _set_owner(case: Case, region: Region, department_id: int | None) -> None:
    case.owner_region, case.owner_department_id, case.owner_since = region, department_id, now()


@transaction.atomic
def accept_case(actor, case: Case) -> Case:
    case = locked(case)
    require_handler(actor, case)
    transition(case, "accept", actor)
    return case


@transaction.atomic
def return_case(actor, case: Case, *, reason: str, likely_owner: str) -> Case:
    """A wrong owner hands the case back, saying why and who it believes owns it (no silent ping-pong).

    The case then belongs to its street's dispatch desk; after CASE_MAX_RETURNS returns only an arbiter
    (street leader) may decide the owner, and that decision is recorded.
    """
    case = locked(case)
    require_handler(actor, case)
    reason, likely_owner = _need(reason, _("退回理由")), _need(likely_owner, _("建议承办单位"))
    case.return_count += 1
    case.needs_arbitration = case.return_count >= settings.CASE_MAX_RETURNS
    street = Region.objects.get(pk=case.region.ancestor_ids()[Level.STREET - 1])
    _set_owner(case, street, None)
    recipients = arbiters_of(case) if case.needs_arbitration else owners_of(case)
    transition(
        case,
        "return",
        actor,
        note=reason,
        data={"likely_owner": likely_owner, "returns": case.return_count},
        extra_recipients=recipients,
    )
    return case


def _resolve_owner(case: Case, *, department: Department | None, region: Region | None) -> tuple[Region, int | None]:
    if department is not None:
        if not case.region_path.startswith(department.region.path):
            raise DomainError(ErrorCode.NO_JURISDICTION, _("该部门不管辖事件所在区域"))
        return department.region, department.pk
    if region is None or not case.region_path.startswith(region.path):
        raise DomainError(ErrorCode.NO_JURISDICTION, _("请选择事件所在区域或其上级"))
    return region, None


@transaction.atomic
def reroute_case(
    actor, case: Case, *, department: Department | None = None, region: Region | None = None, note: str = ""
) -> Case:
    """The street dispatch desk sends a returned case to another owner (before arbitration is needed)."""
    case = locked(case)
    require(actor, Perm.ARBITRATE_CASES, case)
    if case.needs_arbitration:
        raise DomainError(ErrorCode.NEEDS_ARBITRATION, _("该事件已多次退回，须由裁定人决定承办单位"))
    owner, dept = _resolve_owner(case, department=department, region=region)
    _set_owner(case, owner, dept)
    transition(
        case,
        "reroute",
        actor,
        note=note,
        data={"owner": owner.code, "department": dept},
        extra_recipients=owners_of(case),
    )
    return case


@transaction.atomic
def arbitrate_case(
    actor, case: Case, *, department: Department | None = None, region: Region | None = None, decision: str
) -> Case:
    """After repeated returns, a street leader decides the owner; the decision is final and recorded."""
    case = locked(case)
    require(actor, Perm.ARBITRATE_CASES, case)
    require(actor, Perm.SUPERVISE_CASES, case)  # leaders, not the desk that already routed it
    if not case.needs_arbitration:
        raise DomainError(ErrorCode.NO_ARBITRATION_NEEDED, _("该事件无需裁定"))
    decision = _need(decision, _("裁定意见"))
    owner, dept = _resolve_owner(case, department=department, region=region)
    _set_owner(case, owner, dept)
    case.needs_arbitration = False
    transition(
        case,
        "arbitrate",
        actor,
        note=decision,
        data={"owner": owner.code, "department": dept},
        extra_recipients=owners_of(case),
    )
    return case


@transaction.atomic
def add_progress(actor, case: Case, *, note: str, percent: int | None = None, photos: list[Photo] = ()) -> Case:
    """A progress note, e.g. 施工进度 60%. Starts handling if it had not started; followers are told."""
    case = locked(case)
    require_handler(actor, case)
    note = _need(note, _("进展说明"))
    if percent is not None and not 0 <= percent <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, _("进度应在 0–100 之间"))
    checked = evidence.check_photos(list(photos))
    if case.status == "accepted":
        transition(case, "start", actor)
    text = f"{note}（进度 {percent}%）" if percent is not None else note
    event = transition(case, "progress", actor, note=note, data={"percent": percent}, notify_message=f"进展：{text}")
    evidence.attach(case, checked, stage="rectify", actor=actor, event=event)
    return case


@transaction.atomic
def resolve_case(actor, case: Case, *, note: str, photos: list[Photo] = ()) -> Case:
    """Handled: rectification text (and photos). It counts as resolved only once the reporter confirms."""
    case = locked(case)
    require_handler(actor, case)
    note = _need(note, _("处置情况"), minimum=5)
    checked = evidence.check_photos(list(photos))
    case.resolved_at = now()
    event = transition(case, "resolve", actor, note=note)
    evidence.attach(case, checked, stage="rectify", actor=actor, event=event)
    return case


@transaction.atomic
def close_unfixed(actor, case: Case, *, reason: str, note: str, planned_date: dt.date | None = None) -> Case:
    """Closed without a fix, honestly: a reason from the list and, if planned, the planned date."""
    case = locked(case)
    require_handler(actor, case)
    if reason not in UNFIXED_REASONS:
        raise DomainError(
            ErrorCode.INVALID_INPUT, _("办结理由须为：%(reasons)s") % {"reasons": "、".join(UNFIXED_REASONS)}
        )
    if reason == "已列入计划" and planned_date is None:
        raise DomainError(ErrorCode.INVALID_INPUT, _("已列入计划的须填写计划解决日期"))
    case.outcome, case.outcome_note, case.planned_date = (
        Outcome.UNFIXED,
        f"{reason}：{_need(note, _('说明'))}",
        planned_date,
    )
    case.closed_at = now()
    transition(
        case,
        "close_unfixed",
        actor,
        note=case.outcome_note,
        data={"reason": reason, "planned_date": planned_date.isoformat() if planned_date else None},
    )
    return case


@transaction.atomic
def refer_case(actor, case: Case, *, body: str, note: str) -> Case:
    """Not this platform's responsibility: referred to another named body (e.g. 市供电公司)."""
    case = locked(case)
    require_handler(actor, case)
    case.outcome, case.referred_to = Outcome.REFERRED, _need(body, _("转交单位"))
    case.outcome_note, case.closed_at = _need(note, _("说明")), now()
    transition(case, "refer", actor, note=case.outcome_note, data={"referred_to": case.referred_to})
    return case


def escalation_target(case: Case) -> Region:
    ancestors = case.region.ancestor_ids()
    level = max(case.owner_region.level - 1, Level.DISTRICT)
    return Region.objects.get(pk=ancestors[level - 1])


@transaction.atomic
def escalate_case(case: Case, *, reason: str, actor=None) -> Case:
    """Move ownership one region level up (grid → community → street → district) and tell everyone."""
    case = locked(case)
    target = escalation_target(case)
    path = routing.route(case.category, case.region, min_level=target.level)
    _set_owner(case, target, path.department_id if path.owner_region.pk == target.pk else None)
    case.escalation_level += 1
    transition(
        case,
        "escalate",
        actor,
        note=reason,
        data={"owner": target.code},
        extra_recipients=owners_of(case) | arbiters_of(case),
    )
    return case


@transaction.atomic
def supervise_case(actor, case: Case, *, deadline: dt.datetime, note: str) -> Case:
    """督办: a leader flags the case and sets a deadline; the owners are told at once."""
    case = locked(case)
    require(actor, Perm.SUPERVISE_CASES, case)
    if deadline <= now():
        raise DomainError(ErrorCode.DEADLINE_IN_PAST, _("督办期限须晚于现在"))
    case.supervised, case.supervise_deadline = True, deadline
    transition(
        case,
        "supervise",
        actor,
        note=_need(note, _("督办意见")),
        data={"deadline": deadline.isoformat()},
        notify_message=f"已被督办，请于 {deadline:%m-%d %H:%M} 前办结",
        extra_recipients=owners_of(case),
    )
    return case


@transaction.atomic
def reclassify_case(actor, case: Case, *, category_code: str) -> Case:
    """Staff correct the category. The correction is kept as training data; a case nobody has accepted yet
    is re-routed by the new category's responsibility rule."""
    from grassroots.cases.models import Category, TrainingExample

    case = locked(case)
    if not (can_handle(actor, case) or can(actor, Perm.ARBITRATE_CASES, case)):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("您无权修改该事件类别"))
    category = Category.objects.filter(code=category_code, is_active=True).first()
    if category is None:
        raise DomainError(ErrorCode.UNKNOWN_CATEGORY, _("未知事件类别：%(code)s") % {"code": category_code})
    before = case.category.code
    case.category, case.category_by_staff = category, True
    TrainingExample.objects.create(
        text=f"{case.title}。{case.description}",
        category=category,
        case=case,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if case.status == "dispatched":
        path = routing.route(category, case.region)
        _set_owner(case, path.owner_region, path.department_id)
    transition(
        case,
        "reclassify",
        actor,
        data={"from": before, "to": category.code},
        notify_message=None,
        extra_recipients=owners_of(case),
    )
    return case
