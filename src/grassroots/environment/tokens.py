"""Ingest tokens: the credential a device or an integration writes readings with, scoped to its stations.

The secret (envt_ + 43 URL-safe characters, 256 bits) is shown once; only its SHA-256 is stored, so a
lookup by hash is the comparison (no timing leak through a string compare). Staff holding
MANAGE_ENVIRONMENT over every station a token names may create, see and revoke it.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.environment import stations as station_registry
from grassroots.environment.models import IngestToken, Station

PREFIX = "envt_"
MAX_STATIONS = 500  # a token for more stations than this is an integration: give it several tokens
LAST_USED_SECONDS = 60  # last_used_at is written at most once a minute, not on every batch


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def stations_for(actor) -> QuerySet[Station]:
    """The stations the actor manages: the station registry's scope with MANAGE_ENVIRONMENT, without its joins
    (token pages list only codes and names)."""
    return station_registry.stations_for(actor, Perm.MANAGE_ENVIRONMENT).select_related(None)


def tokens_for(actor) -> QuerySet[IngestToken]:
    """The tokens every station of which the actor manages; newest first."""
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    outside = Station.objects.exclude(pk__in=stations_for(actor).values("pk"))
    return (
        IngestToken.objects.filter(stations__in=stations_for(actor))
        .exclude(stations__in=outside)
        .distinct()
        .prefetch_related("stations")
        .order_by("-id")
    )


def get_token_for(actor, token_id: int) -> IngestToken:
    token = tokens_for(actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound()
    return token


@transaction.atomic
def create_token(actor, *, name: str, station_ids: list[int]) -> tuple[IngestToken, str]:
    """A new token for these stations; returns it with its secret, which is never stored nor shown again."""
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise DomainError(ErrorCode.INVALID_INPUT, _("名称须为 1–60 个字符"))
    wanted = set(station_ids)
    if not wanted or len(wanted) > MAX_STATIONS:
        raise DomainError(ErrorCode.INVALID_INPUT, _("请选择 1–%(max)d 个站点") % {"max": MAX_STATIONS})
    stations = list(stations_for(actor).filter(pk__in=wanted))
    if len(stations) != len(wanted):  # missing or outside the actor's area: the same answer (no leak)
        raise NotFound(_("站点不存在或不在您的管辖范围内"))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = IngestToken.objects.create(
        name=name, prefix=secret[len(PREFIX) : len(PREFIX) + 8], token_hash=hash_secret(secret), created_by=actor
    )
    token.stations.set(stations)
    codes = sorted(s.code for s in stations)
    record(actor=actor, event=AuditEvent.INGEST_TOKEN_CREATED, target=token, extra={"name": name, "stations": codes})
    return token, secret


@transaction.atomic
def revoke_token(actor, token: IngestToken) -> IngestToken:
    """Revoke at once: the next request with it is 401. Revoking twice is 409 token_revoked."""
    token = IngestToken.objects.select_for_update().get(pk=get_token_for(actor, token.pk).pk)
    if token.revoked_at is not None:
        raise DomainError(ErrorCode.TOKEN_REVOKED)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, event=AuditEvent.INGEST_TOKEN_REVOKED, target=token, extra={"name": token.name})
    return token


class Device:
    """Who sent an ingest request: the token and the station ids it may write."""

    def __init__(self, token: IngestToken, station_ids: set[int]):
        self.token = token
        self.station_ids = station_ids

    def __str__(self) -> str:
        return f"{self.token.prefix}…"


def authenticate(secret: str) -> Device | None:
    """The device for a presented secret, or None when it is unknown or revoked (both 401)."""
    if not secret.startswith(PREFIX):
        return None
    token = IngestToken.objects.filter(token_hash=hash_secret(secret), revoked_at__isnull=True).first()
    if token is None:
        return None
    moment = timezone.now()
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > LAST_USED_SECONDS:
        IngestToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return Device(token, set(token.stations.values_list("pk", flat=True)))


class IngestTokenAuth(HttpBearer):
    """`Authorization: Bearer envt_…`; a staff session or a user's API token is not accepted here."""

    openapi_description = "An environment ingest token (envt_…), scoped to its stations."

    def authenticate(self, request, token: str) -> Device | None:
        return authenticate(token)
