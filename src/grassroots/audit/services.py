"""The audit interface every app calls. Entries are leaves of a verifiable Merkle log (audit/log.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import models, transaction

from grassroots.audit import log
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry, AuditSubject
from grassroots.audit.subjects import region_path_for, subjects_of
from grassroots.core.request_id import current_client_request_id, current_request_id
from grassroots.core.time import now


def _actor_id(actor) -> int | None:
    """The user's id (cheaper than assigning the FK); None for the system and for anonymous users."""
    pk = getattr(actor, "pk", None)
    if pk is not None and not isinstance(actor, get_user_model()):
        raise TypeError(f"an audit actor is a user or None, not {type(actor).__name__}")
    return pk


def _fields(
    *,
    actor,
    event: AuditEvent,
    target: models.Model | None,
    target_type: str,
    target_id: object,
    extra: dict | None,
    request_id: str,
    at: dt.datetime | None = None,
) -> dict:
    if target is not None:
        target_type, target_id = target._meta.label_lower, target.pk
    return {
        "at": at or now(),
        "actor_id": _actor_id(actor),
        "actor_label": getattr(actor, "username", "") or str(actor or "system"),
        "event": int(event),
        "target_type": target_type,
        "target_id": str(target_id),
        "extra": extra or {},
        "request_id": (request_id or current_request_id())[:64],
        "client_request_id": current_client_request_id(),
        "region_path": region_path_for(target, actor),
    }


def record(
    *,
    actor,
    event: AuditEvent,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    extra: dict | None = None,
    request_id: str = "",
) -> AuditEntry:
    """Append one entry. Call inside the service's transaction so the entry commits with the change.

    The request id defaults to the server's id of the HTTP request being served, and the id the client sent
    with it, if any, is kept beside it (core/request_id.py).
    """
    entry = AuditEntry(
        **_fields(
            actor=actor,
            event=event,
            target=target,
            target_type=target_type,
            target_id=target_id,
            extra=extra,
            request_id=request_id,
        )
    )
    with transaction.atomic():
        log.append(entry)
        AuditSubject.objects.bulk_create(
            AuditSubject(entry_id=entry.leaf_index, kind=kind, object_id=object_id)
            for kind, object_id in subjects_of(entry.event, entry.target_type, entry.target_id, entry.extra)
        )
    return entry


@transaction.atomic
def record_many(rows: list[dict]) -> int:
    """Append many entries at once (imports, bulk jobs): each dict has record()'s keyword arguments."""
    at = now()
    entries = [
        log.Pending(
            **_fields(
                actor=row.get("actor"),
                event=row["event"],
                target=row.get("target"),
                target_type=row.get("target_type", ""),
                target_id=row.get("target_id", ""),
                extra=row.get("extra"),
                request_id=row.get("request_id", ""),
                at=at,
            )
        )
        for row in rows
    ]
    log.append_many(entries)
    subjects = [
        (e.leaf_index, kind, object_id)
        for e in entries
        for kind, object_id in subjects_of(e.event, e.target_type, e.target_id, e.extra)
    ]
    log.insert_rows(AuditSubject, ("entry", "kind", "object_id"), subjects)
    return len(entries)
