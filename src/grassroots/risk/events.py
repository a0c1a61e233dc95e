"""Typed constructors for a warning's lifecycle rows (WarningEvent) and the risk app's audit codes."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

from django.utils import timezone

from grassroots.risk.models import EventKind, Warning, WarningEvent


class RiskAudit(IntEnum):
    """Audit codes of the risk range (600–699) that audit/events.py does not list yet.

    They continue AuditEvent's risk block (601–605) with the next free numbers, so moving them into
    AuditEvent under the same names and values changes no stored entry. Never renumber.
    """

    PLAN_PROPOSED = 606
    PLAN_ADOPTED = 607
    PLAN_DECLINED = 608
    SIGNAL_SUBMITTED = 609


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
