"""The audit interface every app calls. Entries are leaves of a verifiable Merkle log (audit/log.py)."""

from __future__ import annotations

from django.db import models, transaction

from grassroots.audit import log
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.core.time import now


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
    """Append one entry. Call inside the service's transaction so the entry commits with the change."""
    if target is not None:
        target_type, target_id = target._meta.label_lower, target.pk
    user = actor if getattr(actor, "pk", None) else None
    entry = AuditEntry(
        at=now(),
        actor=user,
        actor_label=getattr(actor, "username", "") or str(actor or "system"),
        event=int(event),
        target_type=target_type,
        target_id=str(target_id),
        extra=extra or {},
        request_id=request_id[:64],
    )
    with transaction.atomic():
        return log.append(entry)


def entries_for(target: models.Model):
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


@transaction.atomic
def record_many(rows: list[dict]) -> int:
    """Append many entries at once (imports, bulk jobs): each dict has record()'s keyword arguments."""
    entries = []
    for row in rows:
        actor, target = row.get("actor"), row.get("target")
        entries.append(
            AuditEntry(
                at=now(),
                actor=actor if getattr(actor, "pk", None) else None,
                actor_label=getattr(actor, "username", "") or str(actor or "system"),
                event=int(row["event"]),
                target_type=target._meta.label_lower if target is not None else row.get("target_type", ""),
                target_id=str(target.pk if target is not None else row.get("target_id", "")),
                extra=row.get("extra") or {},
                request_id=row.get("request_id", "")[:64],
            )
        )
    return len(log.append_many(entries))
