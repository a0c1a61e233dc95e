"""Sharing requests: submit → compliance check → provider decision → grant, each step on a working-day clock.

Defaults follow common provincial rules for 有条件共享: the data authority checks within 2 working days and
the provider answers within 5 (settings SHARING_COMPLIANCE_DAYS / SHARING_PROVIDER_DAYS). A step past its
deadline is escalated once by the beat task, and shown as overdue until someone acts. Refusals need reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import Membership
from grassroots.accounts.roles import MASKING, PERMISSIONS, Perm, Role
from grassroots.accounts.scope import covers, grants_with
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases.notify import notify_users
from grassroots.cases.routing import calendar
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.sharing.catalogue import get_dataset_for, require_department
from grassroots.sharing.models import (
    DataErrorReport,
    RequestStatus,
    RequestStep,
    Sensitivity,
    ShareGrant,
    ShareRequest,
    SharingClass,
)
from grassroots.sharing.models.exchange import OPEN_STATUSES


def working_deadline(start: dt.datetime, days: int) -> dt.datetime:
    cal = calendar()
    return cal.add_working_time(start, cal.day_length * days)


def _step(request: ShareRequest, kind: str, actor, *, approved=None, reasons: str = "", due_at=None) -> RequestStep:
    now = timezone.now()
    late = bool(due_at and now > due_at)
    return RequestStep.objects.create(
        request=request, kind=kind, actor=actor, at=now, approved=approved, reasons=reasons, due_at=due_at, late=late
    )


def _link(request: ShareRequest) -> str:
    return reverse("sharing:request", args=[request.pk])


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
        raise DomainError(ErrorCode.INVALID_INPUT, "区域不存在 / unknown region")
    # Both sides bound the scope: a provider shares only its own territory, a consumer asks only for its own.
    if not region.path.startswith(dataset.department.region.path):
        raise DomainError(ErrorCode.INVALID_INPUT, "区域超出提供部门的管辖范围 / region outside the provider's area")
    if not region.path.startswith(consumer.region.path):
        raise DomainError(ErrorCode.INVALID_INPUT, "区域超出申请部门的管辖范围 / region outside your department's area")
    return region


def _check_request(spec: RequestSpec, dataset) -> list[str]:
    problems = []
    known = {f.name for f in dataset.fields.all()}
    if not spec.fields:
        problems.append("请至少选择一个字段 / choose at least one field")
    unknown = [f for f in spec.fields if f not in known]
    if unknown:
        problems.append(f"数据资源没有这些字段 / unknown fields: {'、'.join(unknown)}")
    if len(spec.purpose.strip()) < 5:
        problems.append("请写明用途（至少 5 个字） / state the purpose")
    if len(spec.legal_basis.strip()) < 2:
        problems.append("请写明依据 / state the legal basis")
    if not 1 <= spec.duration_days <= settings.SHARING_MAX_GRANT_DAYS:
        problems.append(f"使用期限应为 1–{settings.SHARING_MAX_GRANT_DAYS} 天")
    if spec.period_start and spec.period_end and spec.period_start > spec.period_end:
        problems.append("数据起始日晚于截止日 / period starts after it ends")
    return problems


@transaction.atomic
def submit_request(actor, spec: RequestSpec) -> ShareRequest:
    consumer = require_department(actor, Perm.REQUEST_DATA, spec.consumer_id)
    dataset = get_dataset_for(actor, spec.dataset_id)
    if dataset.sharing_class == SharingClass.NONE:
        raise DomainError(ErrorCode.CONFLICT, f"该数据资源不予共享，依据：{dataset.legal_basis}")
    if dataset.department_id == consumer.pk:
        raise DomainError(ErrorCode.INVALID_INPUT, "本部门的数据无需申请 / this is your own department's data")
    problems = _check_request(spec, dataset)
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, "；".join(problems), details=problems)
    region = _checked_region(spec, dataset, consumer)
    fields = sorted(set(spec.fields))
    same = ShareRequest.objects.filter(
        dataset=dataset, consumer=consumer, region=region, status__in=OPEN_STATUSES, fields=fields
    )
    if same.exists():
        raise DomainError(ErrorCode.DUPLICATE, "已有相同的申请在办理中 / the same request is already in progress")
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
    _step(request, "submitted", actor)
    record(actor=actor, event=AuditEvent.SHARE_REQUESTED, target=request, extra={"fields": fields})
    notify_users(
        reviewers_for(dataset.department.region.path), f"数据共享申请待合规审查：{dataset.title}", _link(request)
    )
    return request


def compliance_findings(request: ShareRequest) -> list[str]:
    """What the reviewer should weigh: core and personal fields, long terms, unbounded periods."""
    fields = {f.name: f for f in request.dataset.fields.all()}
    core = [fields[n].label for n in request.fields if n in fields and fields[n].sensitivity == Sensitivity.CORE]
    notes = []
    if core:
        notes.append(f"申请了核心数据字段：{'、'.join(core)}（将按部门人员的脱敏规则提供）")
    if request.duration_days > 180:
        notes.append(f"使用期限较长：{request.duration_days} 天")
    if request.dataset.sharing_class == SharingClass.CONDITIONAL:
        notes.append(f"有条件共享，条件：{request.dataset.conditions}")
    return notes


def _require_reviewer(actor, request: ShareRequest) -> None:
    if not grants_with(actor, Perm.REVIEW_SHARING):
        raise PermissionDenied()
    if not covers(actor, Perm.REVIEW_SHARING, request.dataset.department.region.path):
        raise NotFound()


def _require_reasons(approve: bool, reasons: str) -> str:
    reasons = (reasons or "").strip()
    if not approve and len(reasons) < 4:
        raise DomainError(ErrorCode.INVALID_INPUT, "不予通过须写明理由（至少 4 个字） / a refusal needs its reasons")
    return reasons


def _require_status(request: ShareRequest, status: RequestStatus) -> None:
    if request.status != status:
        raise DomainError(ErrorCode.CONFLICT, f"申请当前为「{request.get_status_display()}」，不能执行此操作")


@transaction.atomic
def decide_compliance(actor, request: ShareRequest, *, approve: bool, reasons: str = "") -> ShareRequest:
    _require_reviewer(actor, request)
    request = ShareRequest.objects.select_for_update().get(pk=request.pk)
    _require_status(request, RequestStatus.COMPLIANCE)
    reasons = _require_reasons(approve, reasons)
    _step(request, "compliance", actor, approved=approve, reasons=reasons, due_at=request.step_due_at)
    now = timezone.now()
    if approve:
        request.status = RequestStatus.PROVIDER
        request.step_due_at = working_deadline(now, settings.SHARING_PROVIDER_DAYS)
        providers = department_members(request.dataset.department_id, Perm.MANAGE_DATASETS)
        notify_users(providers, f"数据共享申请待审批：{request.dataset.title}（{request.consumer}）", _link(request))
    else:
        request.status, request.step_due_at, request.decided_at = RequestStatus.REJECTED, None, now
        notify_users({request.requested_by}, f"数据共享申请未通过合规审查：{reasons}", _link(request))
    request.escalated_at = None
    request.save(update_fields=["status", "step_due_at", "decided_at", "escalated_at"])
    record(actor=actor, event=AuditEvent.SHARE_COMPLIANCE_DECIDED, target=request, extra={"approved": approve})
    return request


def grant_masking(request: ShareRequest) -> dict[str, str]:
    """Personal fields are masked as for a department officer (accounts.roles.MASKING), whoever uses the key."""
    kinds = {f.name: f.pii_kind for f in request.dataset.fields.all() if f.pii_kind}
    return {name: MASKING[Role.DEPARTMENT][kinds[name]] for name in request.fields if name in kinds}


@transaction.atomic
def decide_provider(
    actor, request: ShareRequest, *, approve: bool, reasons: str = "", rate_per_minute: int | None = None
) -> ShareRequest:
    require_department(actor, Perm.MANAGE_DATASETS, request.dataset.department_id)
    request = ShareRequest.objects.select_for_update().get(pk=request.pk)
    _require_status(request, RequestStatus.PROVIDER)
    reasons = _require_reasons(approve, reasons)
    rate = rate_per_minute or settings.SHARING_RATE_PER_MINUTE
    if not 1 <= rate <= 6000:
        raise DomainError(ErrorCode.INVALID_INPUT, "每分钟调用上限应为 1–6000")
    _step(request, "provider", actor, approved=approve, reasons=reasons, due_at=request.step_due_at)
    now = timezone.now()
    request.status = RequestStatus.GRANTED if approve else RequestStatus.REFUSED
    request.step_due_at, request.decided_at, request.escalated_at = None, now, None
    request.save(update_fields=["status", "step_due_at", "decided_at", "escalated_at"])
    if approve:
        ShareGrant.objects.create(
            request=request,
            dataset=request.dataset,
            consumer=request.consumer,
            fields=request.fields,
            masking=grant_masking(request),
            region_path=request.region.path,
            period_start=request.period_start,
            period_end=request.period_end,
            rate_per_minute=rate,
            starts_at=now,
            expires_at=now + dt.timedelta(days=request.duration_days),
        )
        message = f"数据共享申请已授权：{request.dataset.title}，请在申请页面领取调用密钥"
    else:
        message = f"提供部门不予共享：{reasons}"
    notify_users(
        department_members(request.consumer_id, Perm.REQUEST_DATA) | {request.requested_by}, message, _link(request)
    )
    record(actor=actor, event=AuditEvent.SHARE_PROVIDER_DECIDED, target=request, extra={"approved": approve})
    return request


@transaction.atomic
def withdraw_request(actor, request: ShareRequest) -> ShareRequest:
    require_department(actor, Perm.REQUEST_DATA, request.consumer_id)
    request = ShareRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in OPEN_STATUSES:
        raise DomainError(ErrorCode.CONFLICT, "只能撤回办理中的申请 / only open requests can be withdrawn")
    _step(request, "withdrawn", actor)
    request.status, request.step_due_at, request.decided_at = RequestStatus.WITHDRAWN, None, timezone.now()
    request.save(update_fields=["status", "step_due_at", "decided_at"])
    record(actor=actor, event=AuditEvent.SHARE_WITHDRAWN, target=request)
    return request


def requests_for(actor) -> QuerySet:
    """Requests the actor may see: their departments' own, those to their departments, and those they review."""
    consumer = {g.department_id for g in grants_with(actor, Perm.REQUEST_DATA) if g.department_id}
    provider = {g.department_id for g in grants_with(actor, Perm.MANAGE_DATASETS) if g.department_id}
    condition = Q(consumer_id__in=consumer) | Q(dataset__department_id__in=provider)
    for grant in grants_with(actor, Perm.REVIEW_SHARING):
        condition |= Q(dataset__department__region__path__startswith=grant.path)
    if not (consumer or provider or grants_with(actor, Perm.REVIEW_SHARING)):
        return ShareRequest.objects.none()
    return ShareRequest.objects.filter(condition).select_related("dataset__department", "consumer", "region")


def get_request_for(actor, request_id: int) -> ShareRequest:
    request = requests_for(actor).filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    return request


def escalate_overdue(now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate each overdue step once: notify who must act and the reviewers above them; audit it."""
    now = now or timezone.now()
    counts = {"requests": 0, "error_reports": 0}
    overdue = ShareRequest.objects.filter(status__in=OPEN_STATUSES, step_due_at__lt=now, escalated_at=None)
    for request in overdue.select_related("dataset__department__region"):
        with transaction.atomic():
            request.escalated_at = now
            request.save(update_fields=["escalated_at"])
            _step(request, "escalated", None, due_at=request.step_due_at)
            path = request.dataset.department.region.path
            who = reviewers_for(path)
            if request.status == RequestStatus.PROVIDER:
                who |= department_members(request.dataset.department_id, Perm.MANAGE_DATASETS)
            notify_users(who, f"【超期督办】数据共享申请「{request.dataset.title}」已超过办理时限", _link(request))
            record(actor=None, event=AuditEvent.SHARE_ESCALATED, target=request, extra={"status": request.status})
        counts["requests"] += 1
    late_reports = DataErrorReport.objects.filter(answered_at=None, due_at__lt=now, escalated_at=None)
    for report in late_reports.select_related("grant__dataset__department__region"):
        with transaction.atomic():
            report.escalated_at = now
            report.save(update_fields=["escalated_at"])
            dataset = report.grant.dataset
            who = department_members(dataset.department_id, Perm.MANAGE_DATASETS) | reviewers_for(
                dataset.department.region.path
            )
            link = reverse("sharing:grant", args=[report.grant_id])
            notify_users(who, f"【超期督办】数据纠错「{report.record_ref}」未在期限内答复", link)
            record(actor=None, event=AuditEvent.DATA_ERROR_ESCALATED, target=report)
        counts["error_reports"] += 1
    return counts
