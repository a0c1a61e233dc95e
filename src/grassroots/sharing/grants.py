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
from django.db.models import QuerySet
from django.utils import timezone

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import grants_with
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases.notify import notify_users
from grassroots.core import masking
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.sharing.catalogue import require_department
from grassroots.sharing.models import GrantUse, Resource, ShareGrant
from grassroots.sharing.sources import SOURCES
from grassroots.sharing.workflow import department_members

KEY_PREFIX = "gs_"
MAX_PAGE = 1000


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def grant_state(grant: ShareGrant, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if grant.revoked_at:
        return "revoked"
    if now >= grant.expires_at:
        return "expired"
    return "active" if grant.key_hash else "no_key"


def grants_for(actor) -> QuerySet:
    consumer = {g.department_id for g in grants_with(actor, Perm.REQUEST_DATA) if g.department_id}
    provider = {g.department_id for g in grants_with(actor, Perm.MANAGE_DATASETS) if g.department_id}
    qs = ShareGrant.objects.select_related("dataset__department", "consumer", "request")
    visible = qs.filter(consumer_id__in=consumer) | qs.filter(dataset__department_id__in=provider)
    for grant in grants_with(actor, Perm.REVIEW_SHARING):
        visible |= qs.filter(dataset__department__region__path__startswith=grant.path)
    return visible.distinct()


def get_grant_for(actor, grant_id: int) -> ShareGrant:
    grant = grants_for(actor).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    return grant


@transaction.atomic
def issue_key(actor, grant: ShareGrant) -> str:
    """A new key for the consumer; any earlier key stops working at once."""
    require_department(actor, Perm.REQUEST_DATA, grant.consumer_id)
    if grant_state(grant) in ("revoked", "expired"):
        raise DomainError(ErrorCode.CONFLICT, "授权已撤销或已到期 / the grant is revoked or expired")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    grant.key_hash, grant.key_prefix, grant.key_issued_at = hash_key(key), key[:10], timezone.now()
    grant.save(update_fields=["key_hash", "key_prefix", "key_issued_at"])
    record(actor=actor, event=AuditEvent.GRANT_KEY_ISSUED, target=grant, extra={"prefix": grant.key_prefix})
    return key


@transaction.atomic
def revoke_grant(actor, grant: ShareGrant, *, reason: str) -> ShareGrant:
    """The provider (or the data authority) ends a grant early; the reason is kept and the consumer told."""
    is_provider = any(g.department_id == grant.dataset.department_id for g in grants_with(actor, Perm.MANAGE_DATASETS))
    is_reviewer = any(
        grant.dataset.department.region.path.startswith(g.path) for g in grants_with(actor, Perm.REVIEW_SHARING)
    )
    if not (is_provider or is_reviewer):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(ErrorCode.INVALID_INPUT, "撤销须写明理由（至少 4 个字） / revocation needs a reason")
    if grant.revoked_at:
        raise DomainError(ErrorCode.CONFLICT, "授权已撤销 / already revoked")
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), actor, reason[:300]
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record(actor=actor, event=AuditEvent.GRANT_REVOKED, target=grant, extra={"reason": reason[:300]})
    notify_users(
        department_members(grant.consumer_id, Perm.REQUEST_DATA),
        f"数据共享授权已被撤销：{grant.dataset.title}（{reason[:60]}）",
        "",
    )
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


def _file_page(resource: Resource, grant: ShareGrant, offset: int, limit: int) -> tuple[list[dict], bool]:
    rows = resource.rows
    if resource.region_column:
        codes = {r[resource.region_column] for r in rows}
        inside = set(
            Region.objects.filter(code__in=codes, path__startswith=grant.region_path).values_list("code", flat=True)
        )
        rows = [r for r in rows if r[resource.region_column] in inside]
    if resource.date_column and (grant.period_start or grant.period_end):
        low = (grant.period_start or dt.date.min).isoformat()
        high = (grant.period_end or dt.date.max).isoformat()
        rows = [r for r in rows if low <= r[resource.date_column] <= high]
    return rows[offset : offset + limit], len(rows) > offset + limit


def _masked(grant: ShareGrant, row: dict) -> dict:
    out = {}
    for name in grant.fields:
        value = row.get(name)
        kind = grant.masking and grant.masking.get(name)
        if kind and isinstance(value, str):
            pii = next(f.pii_kind for f in grant.dataset.fields.all() if f.name == name)
            value = masking.apply(pii, value, masking.Pattern(kind))
        out[name] = value
    return out


def fetch(
    grant: ShareGrant, *, resource_id: int | None, offset: int = 0, limit: int = 100, request_id: str = ""
) -> dict:
    """One page of the granted data. Refusals are logged before they are raised."""
    with transaction.atomic():
        grant = ShareGrant.objects.select_for_update().select_related("dataset__department").get(pk=grant.pk)
        now = timezone.now()
        state = grant_state(grant, now)
        refusal = {
            "revoked": (ErrorCode.PERMISSION_DENIED, "授权已撤销 / the grant was revoked"),
            "expired": (ErrorCode.EXPIRED, "授权已到期 / the grant has expired"),
        }.get(state)
        window = GrantUse.objects.filter(grant=grant, at__gt=now - dt.timedelta(seconds=60), outcome="ok").count()
        if refusal is None and window >= grant.rate_per_minute:
            refusal = (ErrorCode.RATE_LIMITED, f"超过每分钟 {grant.rate_per_minute} 次的调用上限 / rate limit exceeded")
        resources = {r.pk: r for r in grant.dataset.resources.all()}
        resource = resources.get(resource_id) if resource_id else next(iter(resources.values()), None)
        if refusal is None and resource is None:
            refusal = (ErrorCode.NOT_FOUND, "该授权下没有这个资源 / no such resource in this grant")
        if refusal is None and not (0 <= offset <= 10_000_000 and 1 <= limit <= MAX_PAGE):
            refusal = (ErrorCode.INVALID_INPUT, f"offset ≥ 0, 1 ≤ limit ≤ {MAX_PAGE}")
        if refusal:
            _log(grant, str(refusal[0]), detail=refusal[1], request_id=request_id)
        else:  # taken inside the lock, so the next caller's window already counts this call
            use = GrantUse.objects.create(
                grant=grant, at=now, resource=resource, outcome="ok", request_id=request_id[:64]
            )
    if refusal:
        raise DomainError(*refusal)
    if resource.kind == Resource.LIVE:
        page = SOURCES[resource.source].page(grant.region_path, grant.period_start, grant.period_end, offset, limit)
        rows, has_more = page.rows, page.has_more
    else:
        rows, has_more = _file_page(resource, grant, offset, limit)
    rows = [_masked(grant, row) for row in rows]
    with transaction.atomic():
        GrantUse.objects.filter(pk=use.pk).update(rows=len(rows))
        record(
            actor=None,
            event=AuditEvent.SHARED_DATA_ACCESSED,
            target=grant,
            extra={
                "consumer": grant.consumer.code,
                "resource": resource.pk,
                "rows": len(rows),
                "offset": offset,
                "fields": grant.fields,
            },
            request_id=request_id,
        )
    return {
        "dataset": grant.dataset.code,
        "resource": resource.pk,
        "fields": grant.fields,
        "masked": sorted(grant.masking),
        "offset": offset,
        "limit": limit,
        "has_more": has_more,
        "rows": rows,
        "expires_at": grant.expires_at,
    }
