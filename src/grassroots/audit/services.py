"""The audit interface every app calls. A later issue backs it with a Merkle log; callers do not change."""

from __future__ import annotations

from django.db import models

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry


def record(
    *,
    actor,
    event: AuditEvent,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    extra: dict | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the service's transaction so the entry commits with the change."""
    if target is not None:
        target_type, target_id = target._meta.label_lower, target.pk
    user = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=getattr(actor, "username", "") or str(actor or "system"),
        event=int(event),
        target_type=target_type,
        target_id=str(target_id),
        extra=extra or {},
    )


def entries_for(target: models.Model):
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
