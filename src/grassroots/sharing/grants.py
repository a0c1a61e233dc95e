"""Using a grant: its key, the data it lets through (fields, region, period, masking), limits and the use log.

The key is shown once; only its SHA-256 is kept. Every call is logged in GrantUse, refused calls included,
and every call that returns rows is also written to the audit log. The rate limit counts the grant's calls
in the last 60 seconds while holding a lock on the grant row, so parallel workers cannot overrun it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, grants_with, scoped
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.audit.subjects import SUBJECT_KEYS as AUDIT_SUBJECT_KEYS
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.notifications.services import notify
from grassroots.sharing import reading
from grassroots.sharing.catalogue import require_department, require_graded, require_sharing_role
from grassroots.sharing.models import DataErrorReport, GrantUse, RequestStatus, Resource, ShareGrant, ShareRequest
from grassroots.sharing.sources import SOURCES
from grassroots.sharing.topics import GRANT
from grassroots.sharing.transitions import transition
from grassroots.sharing.workflow import department_members, notice

KEY_PREFIX = "gs_"
MAX_PAGE = 1000
# Where an audited read lists the records it showed (`ids` for people, as registry person lists do): the
# detail keys the auditors' index reads for this event, so the two cannot drift apart.
SUBJECT_KEYS = {kind: key for key, kind in AUDIT_SUBJECT_KEYS[AuditEvent.SHARED_DATA_ACCESSED].items()}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def grant_state(grant: ShareGrant, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if grant.revoked_at:
        return "revoked"
    if now >= grant.expires_at:
        return "expired"
    if grant.suspended_at:
        return "suspended"
    return "active" if grant.key_hash else "no_key"


def grants_for(actor) -> QuerySet:
    """Grants the actor may see: as consumer or provider department, or as reviewer over the provider's region."""
    require_sharing_role(actor)
    consumer = {g.department_id for g in grants_with(actor, Perm.REQUEST_DATA) if g.department_id}
    provider = {g.department_id for g in grants_with(actor, Perm.MANAGE_DATASETS) if g.department_id}
    qs = ShareGrant.objects.select_related("dataset__department__region", "consumer", "request")
    visible = qs.filter(consumer_id__in=consumer) | qs.filter(dataset__department_id__in=provider)
    visible |= scoped(qs, actor, Perm.REVIEW_SHARING, path_field="dataset__department__region__path")
    return visible.distinct()


def grant_list(actor, *, uses: int = 20) -> QuerySet:
    """Grants the actor may see, each with its last `uses` calls and its fields (for the masking shown)."""
    recent = GrantUse.objects.select_related("resource").order_by("-at", "-pk")[:uses]
    return (
        grants_for(actor)
        .annotate(use_count=Count("uses", distinct=True))
        .prefetch_related(Prefetch("uses", queryset=recent, to_attr="recent_uses"), "dataset__fields")
        .order_by("-starts_at")
    )


def reports_for(actor) -> QuerySet:
    """Data-error reports on the grants the actor may see."""
    visible = grants_for(actor).values("pk")
    return DataErrorReport.objects.filter(grant__in=visible).select_related("grant__dataset", "grant__consumer")


def get_grant_for(actor, grant_id: int) -> ShareGrant:
    grant = grants_for(actor).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    return grant


@transaction.atomic
def issue_key(actor, grant: ShareGrant) -> str:
    """A new key for the consumer; any earlier key stops working at once. Not while a field is ungraded."""
    require_department(actor, Perm.REQUEST_DATA, grant.consumer_id)
    if grant_state(grant) in ("revoked", "expired"):
        raise DomainError(ErrorCode.CONFLICT, _("授权已撤销或已到期"))
    require_graded(grant.dataset)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    grant.key_hash, grant.key_prefix, grant.key_issued_at = hash_key(key), key[:10], timezone.now()
    grant.save(update_fields=["key_hash", "key_prefix", "key_issued_at"])
    record(actor=actor, event=AuditEvent.GRANT_KEY_ISSUED, target=grant, extra={"prefix": grant.key_prefix})
    return key


@transaction.atomic
def revoke_grant(actor, grant: ShareGrant, *, reason: str) -> ShareGrant:
    """The provider (or the data authority) ends a grant early; the reason is kept and the consumer told."""
    is_provider = any(g.department_id == grant.dataset.department_id for g in grants_with(actor, Perm.MANAGE_DATASETS))
    is_reviewer = covers(actor, Perm.REVIEW_SHARING, grant.dataset.department.region.path)
    if not (is_provider or is_reviewer):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(ErrorCode.REASONS_REQUIRED, _("撤销须写明理由（至少 4 个字）"))
    grant = ShareGrant.objects.select_for_update().get(pk=grant.pk)  # two revokes at once: one wins, one is told
    if grant.revoked_at:
        raise DomainError(ErrorCode.CONFLICT, _("授权已撤销"))
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), actor, reason[:300]
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    request = ShareRequest.objects.select_for_update().get(pk=grant.request_id)
    extra = {"reason": reason[:300]}
    if request.status == RequestStatus.SUSPENDED:  # no review is needed any more: it leaves the reviewers' queue
        changes = {"step_due_at": None, "escalated_at": None}
        transition(request, "close_review", actor, changes=changes, target=grant, extra=extra)
    else:  # the request's status does not change: the grant is what ends
        record(actor=actor, event=AuditEvent.GRANT_REVOKED, target=grant, extra=extra)
    message = notice(
        gettext_noop("数据共享授权已被撤销：%(title)s（%(reason)s）"), title=grant.dataset.title, reason=reason[:60]
    )
    notify(department_members(grant.consumer_id, Perm.REQUEST_DATA), message, topic=GRANT)
    return grant


def grant_by_key(key: str) -> ShareGrant | None:
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    return ShareGrant.objects.select_related("dataset__department", "consumer").filter(key_hash=hash_key(key)).first()


def _log(grant: ShareGrant, outcome: str, *, resource=None, rows: int = 0, detail: str = "", request_id: str = ""):
    GrantUse.objects.create(
        grant=grant,
        at=timezone.now(),
        resource=resource,
        outcome=outcome,
        rows=rows,
        detail=detail[:300],
        request_id=request_id[:64],
    )


def _refusal(grant: ShareGrant, resource, now: dt.datetime, offset: int, limit: int) -> tuple | None:
    refusal = {
        "revoked": (ErrorCode.PERMISSION_DENIED, _("授权已撤销")),
        "expired": (ErrorCode.EXPIRED, _("授权已到期")),
        "suspended": (ErrorCode.SUSPENDED, _("字段分级已变更，授权暂停，待重新合规审查")),
    }.get(grant_state(grant, now))
    if refusal:
        return refusal
    window = GrantUse.objects.filter(grant=grant, at__gt=now - dt.timedelta(seconds=60), outcome="ok").count()
    if window >= grant.rate_per_minute:
        return ErrorCode.RATE_LIMITED, _("超过每分钟 %(rate)s 次的调用上限") % {"rate": grant.rate_per_minute}
    if resource is None:
        return ErrorCode.NOT_FOUND, _("该授权下没有这个资源")
    if not (0 <= offset <= 10_000_000 and 1 <= limit <= MAX_PAGE):
        return ErrorCode.INVALID_INPUT, _("offset ≥ 0，1 ≤ limit ≤ %(max)s") % {"max": MAX_PAGE}
    return reading.refusal(grant, resource)


def reader_label(grant: ShareGrant) -> str:
    """The audit log's actor for a read through a key: the consuming department's code and the key's prefix."""
    return f"{grant.consumer.code}:{grant.key_prefix}"


def fetch(
    grant: ShareGrant, *, resource_id: int | None, offset: int = 0, limit: int = 100, request_id: str = ""
) -> dict:
    """One page of the granted data. Refusals are logged before they are raised."""
    with transaction.atomic():
        grant = (
            ShareGrant.objects.select_for_update(of=("self",))
            .select_related("dataset__department__region", "consumer")
            .get(pk=grant.pk)
        )
        now = timezone.now()
        resources = {r.pk: r for r in Resource.objects.filter(dataset_id=grant.dataset_id).order_by("pk")}
        resource = resources.get(resource_id) if resource_id else next(iter(resources.values()), None)
        refusal = _refusal(grant, resource, now, offset, limit)
        if refusal:
            _log(grant, str(refusal[0]), resource=resource, detail=refusal[1], request_id=request_id)
        else:  # taken inside the lock, so the next caller's window already counts this call
            use = GrantUse.objects.create(
                grant=grant, at=now, resource=resource, outcome="ok", request_id=request_id[:64]
            )
            # The grades as they are now, read under the grant's lock: a re-grade locks the grant before it
            # changes them (sharing/grading.py), so this call masks by grades the grant was approved with.
            plan = reading.masking_plan(grant)
    if refusal:
        raise DomainError(*refusal)
    page = reading.read_page(grant, resource, offset, limit)
    rows = reading.mask(page.rows, grant.fields, plan)
    subject = SOURCES[resource.source].subject if resource.kind == Resource.LIVE else ""
    with transaction.atomic():
        GrantUse.objects.filter(pk=use.pk).update(rows=len(rows))
        extra = {
            "consumer": grant.consumer.code,
            "consumer_id": grant.consumer_id,
            "grant": str(grant.pk),
            "key": grant.key_prefix,
            "resource": resource.pk,
            "rows": len(rows),
            "offset": offset,
            "fields": grant.fields,
            "masked": sorted(plan),
        }
        # The records shown, under the keys registry reads use, so the auditors' search by person finds them.
        if subject:
            extra[SUBJECT_KEYS[subject]] = page.ids
        record(
            actor=reader_label(grant),
            event=AuditEvent.SHARED_DATA_ACCESSED,
            target=grant,
            extra=extra,
            request_id=request_id,
        )
    return {
        "dataset": grant.dataset.code,
        "resource": resource.pk,
        "fields": grant.fields,
        "masked": sorted(plan),
        "offset": offset,
        "limit": limit,
        "has_more": page.has_more,
        "rows": rows,
        "expires_at": grant.expires_at,
    }
