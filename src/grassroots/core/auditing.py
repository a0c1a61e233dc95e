"""The audit port for the apps below the audit app (accounts, areas).

They must write their audit row in their own transaction, but cannot import `grassroots.audit` (a higher
layer). The audit app installs its writer here from `AuditConfig.ready()`; calling `record` before that is a
wiring error and fails loudly rather than losing the row.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from grassroots.core.audit_events import AuditEvent

Writer = Callable[..., object]

_writer: Writer | None = None


def install(writer: Writer) -> None:
    """Called once by the audit app: `writer` takes `audit.services.record`'s keyword arguments."""
    global _writer
    _writer = writer


def record(
    *,
    actor,
    event: AuditEvent,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    extra: dict | None = None,
) -> object:
    """Append one audit entry through the installed writer, inside the caller's transaction."""
    if _writer is None:
        raise ImproperlyConfigured("no audit writer installed: grassroots.audit must be in INSTALLED_APPS")
    return _writer(actor=actor, event=event, target=target, target_type=target_type, target_id=target_id, extra=extra)
