"""Typed constructors for a warning's lifecycle rows (WarningEvent)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from grassroots.risk.models import EventKind, Warning, WarningEvent


def warning_event(
    warning: Warning,
    kind: EventKind,
    *,
    actor=None,
    note: str = "",
    at: dt.datetime | None = None,
) -> WarningEvent:
    return WarningEvent.objects.create(
        warning=warning, at=at or timezone.now(), kind=kind, actor=actor, level=warning.level, note=note[:500]
    )
