"""Sharing requests: submit → compliance check → provider decision → grant, each step on a working-day clock.

《政务数据共享条例》 (in force 2025-08-01) has the provider answer within working-day limits and give reasons
for a refusal. The limits are settings, with example defaults: the data authority checks within 2 working
days and the provider answers within 5 (SHARING_COMPLIANCE_DAYS / SHARING_PROVIDER_DAYS). A step past its
deadline is escalated once (sharing/escalation.py) and shown as overdue until someone acts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from grassroots.accounts.models import Membership
from grassroots.accounts.roles import PERMISSIONS, Perm, Role
from grassroots.accounts.scope import covers, grants_with
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.core.workcalendar import calendar
from grassroots.notifications.services import notify
from grassroots.sharing.catalogue import get_dataset_for, require_department, require_graded, require_sharing_role
from grassroots.sharing.models import (
    RequestStatus,
    Resource,
    Sensitivity,
    ShareGrant,
    ShareRequest,
    SharingClass,
    StepKind,
)
from grassroots.sharing.models.exchange import OPEN_STATUSES
from grassroots.sharing.topics import GRANT, REQUEST
from grassroots.sharing.transitions import add_step, check, transition


def working_deadline(start: dt.datetime, days: int) -> dt.datetime:
    cal = calendar()
    return cal.add_working_time(start, cal.day_length * days)


def request_link(request: ShareRequest) -> str:
    return reverse("sharing:request", args=[request.pk])


def notice(message: str, **params) -> str:
    """A notification in the site's language (LANGUAGE_CODE), whoever's request sends it: it is stored as text."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message) % params


def department_members(department_id: int, perm: Perm) -> set:
    roles = [role for role, perms in PERMISSIONS.items() if perm in perms]
    rows = Membership.objects.filter(department_id=department_id, role__in=roles).select_related("user")
    return {m.user for m in rows}


def reviewers_for(path: str) -> set:
    rows = Membership.objects.filter(role=Role.DATA_OFFICER).select_related("user", "region")
    return {m.user for m in rows if path.startswith(m.region.path)}


@dataclass(frozen=True)
class RequestSpec:
    dataset_id: int
    consumer_id: int
    purpose: str
    legal_basis: str
    fields: list[str]
    region_id: int
    duration_days: int
    period_start: dt.date | None = None
    period_end: dt.date | None = None


def _checked_region(spec: RequestSpec, dataset, consumer) -> Region:
    region = Region.objects.filter(pk=spec.region_id).first()
    if region is None:
        raise DomainError(ErrorCode.REGION_OUT_OF_SCOPE, _("区域不存在"))
    # Both sides bound the scope: a provider shares only its own territory, a consumer asks only for its own.
    if not region.path.startswith(dataset.department.region.path):
        raise DomainError(ErrorCode.REGION_OUT_OF_SCOPE, _("区域超出提供部门的管辖范围"))
    if not region.path.startswith(consumer.region.path):
        raise DomainError(ErrorCode.REGION_OUT_OF_SCOPE, _("区域超出申请部门的管辖范围"))
    resources = list(dataset.resources.all())
    regionless = all(r.kind == Resource.FILE and not r.region_column for r in resources)
    if resources and regionless and region.path != dataset.department.region.path:
        raise DomainError(
            ErrorCode.REGION_OUT_OF_SCOPE, _("该数据资源的文件没有区划代码列，只能按提供部门的整个辖区申请")
        )
    return region


def _check_request(spec: RequestSpec, dataset) -> list[str]:
    problems = []
    known = {f.name for f in dataset.fields.all()}
    if not spec.fields:
        problems.append(_("请至少选择一个字段"))
    unknown = [f for f in spec.fields if f not in known]
    if unknown:
        problems.append(_("数据资源没有这些字段：%(fields)s") % {"fields": "、".join(unknown)})
    if not 5 <= len(spec.purpose.strip()) <= 500:
        problems.append(_("请写明用途（5–500 个字）"))
    if not 2 <= len(spec.legal_basis.strip()) <= 500:
        problems.append(_("请写明依据（2–500 个字）"))
    if not 1 <= spec.duration_days <= settings.SHARING_MAX_GRANT_DAYS:
        problems.append(_("使用期限应为 1–%(max)s 天") % {"max": settings.SHARING_MAX_GRANT_DAYS})
    if spec.period_start and spec.period_end and spec.period_start > spec.period_end:
        problems.append(_("数据起始日晚于截止日"))
    return problems


@transaction.atomic
def submit_request(actor, spec: RequestSpec) -> ShareRequest:
    consumer = require_department(actor, Perm.REQUEST_DATA, spec.consumer_id)
    dataset = get_dataset_for(actor, spec.dataset_id)
    if dataset.sharing_class == SharingClass.NONE:
        raise DomainError(ErrorCode.CONFLICT, _("该数据资源不予共享，依据：%(basis)s") % {"basis": dataset.legal_basis})
    if dataset.department_id == consumer.pk:
        raise DomainError(ErrorCode.INVALID_INPUT, _("本部门的数据无需申请"))
    problems = _check_request(spec, dataset)
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, "；".join(problems), details=problems)
    region = _checked_region(spec, dataset, consumer)
    fields = sorted(set(spec.fields))
    same = ShareRequest.objects.filter(
        dataset=dataset, consumer=consumer, region=region, status__in=OPEN_STATUSES, fields=fields
    )
    if same.exists():
        raise DomainError(ErrorCode.DUPLICATE, _("已有相同的申请在办理中"))
    now = timezone.now()
    request = ShareRequest.objects.create(
        dataset=dataset,
        consumer=consumer,
        requested_by=actor,
        purpose=spec.purpose.strip(),
        legal_basis=spec.legal_basis.strip(),
        fields=fields,
        region=region,
        period_start=spec.period_start,
        period_end=spec.period_end,
        duration_days=spec.duration_days,
        status=RequestStatus.COMPLIANCE,
        step_due_at=working_deadline(now, settings.SHARING_COMPLIANCE_DAYS),
        created_at=now,
    )
    add_step(request, StepKind.SUBMITTED, actor)
    record(actor=actor, event=AuditEvent.SHARE_REQUESTED, target=request, extra={"fields": fields})
    notify(
        reviewers_for(dataset.department.region.path),
        notice(gettext_noop("数据共享申请待合规审查：%(title)s"), title=dataset.title),
        topic=REQUEST,
        link=request_link(request),
    )
    return request


def compliance_findings(request: ShareRequest) -> list[str]:
    """What the reviewer should weigh: core and personal fields, ungraded fields, long terms, conditions."""
    fields = {f.name: f for f in request.dataset.fields.all()}
    core = [fields[n].label for n in request.fields if n in fields and fields[n].sensitivity == Sensitivity.CORE]
    notes = []
    if core:
        notes.append(
            gettext("申请了核心数据字段：%(fields)s（将按部门人员的脱敏规则提供）") % {"fields": "、".join(core)}
        )
    ungraded = [f.label for f in fields.values() if f.graded_at is None]
    if ungraded:
        notes.append(gettext("尚未分级的字段：%(fields)s（分级前提供部门不能批准）") % {"fields": "、".join(ungraded)})
    if request.duration_days > 180:
        notes.append(gettext("使用期限较长：%(days)s 天") % {"days": request.duration_days})
    if request.dataset.sharing_class == SharingClass.CONDITIONAL:
        notes.append(gettext("有条件共享，条件：%(conditions)s") % {"conditions": request.dataset.conditions})
    grant = getattr(request, "grant", None)
    if request.status == RequestStatus.SUSPENDED and grant is not None:
        notes.insert(
            0,
            gettext("授权因字段分级变更已暂停：%(changes)s。同意即按当前分级恢复提供，不同意即撤销授权")
            % {"changes": grant.suspend_reason},
        )
    return notes


def _require_reviewer(actor, request: ShareRequest) -> None:
    if not grants_with(actor, Perm.REVIEW_SHARING):
        raise PermissionDenied()
    if not covers(actor, Perm.REVIEW_SHARING, request.dataset.department.region.path):
        raise NotFound()


def _require_reasons(approve: bool, reasons: str) -> str:
    reasons = (reasons or "").strip()
    if not approve and len(reasons) < 4:
        raise DomainError(ErrorCode.REASONS_REQUIRED, _("不予通过须写明理由（至少 4 个字）"))
    return reasons


def _review_again(actor, request: ShareRequest, *, approve: bool, reasons: str) -> ShareRequest:
    """A grant suspended by a change of grades (sharing/grading.py): approving resumes it under the grades as
    they are now, refusing revokes it. The provider made the change, so its step is not asked again."""
    grant = ShareGrant.objects.select_for_update(of=("self",)).select_related("dataset").get(request=request)
    if approve:
        require_graded(request.dataset)
    now = timezone.now()
    changes: dict = {"step_due_at": None, "escalated_at": None}
    if approve:
        grant.suspended_at, grant.suspend_reason = None, ""
        message = gettext_noop("数据共享授权经重新合规审查已恢复：%(title)s（按变更后的字段分级提供）")
    else:
        grant.revoked_at, grant.revoked_by, grant.revoke_reason = now, actor, reasons[:300]
        changes["decided_at"] = now
        message = gettext_noop("数据共享授权未通过重新合规审查，已撤销：%(title)s（%(reasons)s）")
    grant.save(update_fields=["suspended_at", "suspend_reason", "revoked_at", "revoked_by", "revoke_reason"])
    extra = {"approved": approve, "review": "regrade", "grant": str(grant.pk)}
    verb = "resume" if approve else "revoke_on_review"
    transition(request, verb, actor, approved=approve, reasons=reasons, changes=changes, extra=extra)
    if not approve:
        record(actor=actor, event=AuditEvent.GRANT_REVOKED, target=grant, extra={"reason": reasons[:300]})
    who = (
        department_members(request.consumer_id, Perm.REQUEST_DATA)
        | department_members(request.dataset.department_id, Perm.MANAGE_DATASETS)
        | {request.requested_by}
    )
    notify(
        who, notice(message, title=grant.dataset.title, reasons=reasons[:60]), topic=GRANT, link=request_link(request)
    )
    return request


@transaction.atomic
def decide_compliance(actor, request: ShareRequest, *, approve: bool, reasons: str = "") -> ShareRequest:
    """The compliance step: of a new request, or again of a grant suspended by a change of grades."""
    _require_reviewer(actor, request)
    request = ShareRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.SUSPENDED:
        check(request, "resume" if approve else "revoke_on_review", actor)
        return _review_again(actor, request, approve=approve, reasons=_require_reasons(approve, reasons))
    verb = "approve_compliance" if approve else "reject_compliance"
    check(request, verb, actor)
    reasons = _require_reasons(approve, reasons)
    now = timezone.now()
    changes: dict = {"step_due_at": None, "escalated_at": None}
    if approve:
        changes["step_due_at"] = working_deadline(now, settings.SHARING_PROVIDER_DAYS)
        providers = department_members(request.dataset.department_id, Perm.MANAGE_DATASETS)
        message = notice(
            gettext_noop("数据共享申请待审批：%(title)s（%(consumer)s）"),
            title=request.dataset.title,
            consumer=request.consumer,
        )
        notify(providers, message, topic=REQUEST, link=request_link(request))
    else:
        changes["decided_at"] = now
        message = notice(gettext_noop("数据共享申请未通过合规审查：%(reasons)s"), reasons=reasons)
        notify({request.requested_by}, message, topic=REQUEST, link=request_link(request))
    extra = {"approved": approve}
    return transition(request, verb, actor, approved=approve, reasons=reasons, changes=changes, extra=extra)


def _checked_rate(rate_per_minute: int | None) -> int:
    rate = settings.SHARING_RATE_PER_MINUTE if rate_per_minute is None else rate_per_minute
    if not 1 <= rate <= 6000:
        raise DomainError(ErrorCode.INVALID_INPUT, _("每分钟调用上限应为 1–6000"))
    return rate


@transaction.atomic
def decide_provider(
    actor, request: ShareRequest, *, approve: bool, reasons: str = "", rate_per_minute: int | None = None
) -> ShareRequest:
    """Approve (creating the grant) or refuse with reasons. Approval needs every field graded: the grant's
    masking is taken from the grades at each use, so an ungraded personal field would leave in plain text."""
    require_department(actor, Perm.MANAGE_DATASETS, request.dataset.department_id)
    request = ShareRequest.objects.select_for_update().get(pk=request.pk)
    verb = "approve_provider" if approve else "refuse_provider"
    check(request, verb, actor)
    reasons = _require_reasons(approve, reasons)
    if approve:
        rate = _checked_rate(rate_per_minute)
        require_graded(request.dataset)
    now = timezone.now()
    changes = {"step_due_at": None, "decided_at": now, "escalated_at": None}
    transition(request, verb, actor, approved=approve, reasons=reasons, changes=changes, extra={"approved": approve})
    if approve:
        ShareGrant.objects.create(
            request=request,
            dataset=request.dataset,
            consumer=request.consumer,
            fields=request.fields,
            region_path=request.region.path,
            period_start=request.period_start,
            period_end=request.period_end,
            rate_per_minute=rate,
            starts_at=now,
            expires_at=now + dt.timedelta(days=request.duration_days),
        )
        message = notice(
            gettext_noop("数据共享申请已授权：%(title)s，请在申请页面领取调用密钥"), title=request.dataset.title
        )
    else:
        message = notice(gettext_noop("提供部门不予共享：%(reasons)s"), reasons=reasons)
    notify(
        department_members(request.consumer_id, Perm.REQUEST_DATA) | {request.requested_by},
        message,
        topic=REQUEST,
        link=request_link(request),
    )
    return request


@transaction.atomic
def withdraw_request(actor, request: ShareRequest) -> ShareRequest:
    require_department(actor, Perm.REQUEST_DATA, request.consumer_id)
    request = ShareRequest.objects.select_for_update().get(pk=request.pk)
    return transition(request, "withdraw", actor, changes={"step_due_at": None, "decided_at": timezone.now()})


def requests_for(actor) -> QuerySet:
    """Requests the actor may see: their departments' own, those to their departments, and those they review."""
    require_sharing_role(actor)
    consumer = {g.department_id for g in grants_with(actor, Perm.REQUEST_DATA) if g.department_id}
    provider = {g.department_id for g in grants_with(actor, Perm.MANAGE_DATASETS) if g.department_id}
    condition = Q(consumer_id__in=consumer) | Q(dataset__department_id__in=provider)
    for grant in grants_with(actor, Perm.REVIEW_SHARING):
        condition |= Q(dataset__department__region__path__startswith=grant.path)
    if not (consumer or provider or grants_with(actor, Perm.REVIEW_SHARING)):
        return ShareRequest.objects.none()
    return ShareRequest.objects.filter(condition).select_related("dataset__department", "consumer", "region", "grant")


def get_request_for(actor, request_id: int) -> ShareRequest:
    request = requests_for(actor).filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    return request
