"""Periodic decay: scores fall between signals, so a quiet region's level eases (with hysteresis) on the map.

When a region × domain's level falls, its open warnings fall with it: their current level follows the score
(their peak level stays) and each writes a "level_changed" event, so lists never show a stale level.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from grassroots.risk.events import warning_event
from grassroots.risk.levels import NAMES_ZH, decayed, level_for
from grassroots.risk.models import EventKind, RiskScore, Status, Warning, WarningRule
from grassroots.risk.services import rule_for

FLOOR = 0.01  # below this a score is noise; it is set to zero so the table stops being rewritten


def _ease_warnings(row: RiskScore) -> int:
    """Lower the open warnings of this region × domain that stand above the score's new level."""
    eased = 0
    open_warnings = Warning.objects.select_for_update().filter(
        region_id=row.region_id,
        domain=row.domain,
        status__in=[Status.OPEN, Status.ACKNOWLEDGED],
        level__gt=row.level,
    )
    for warning in open_warnings:
        before = warning.level
        warning.level = row.level
        warning.save(update_fields=["level"])
        warning_event(warning, EventKind.LEVEL_CHANGED, note=f"分数衰减：{NAMES_ZH[before]} → {NAMES_ZH[row.level]}")
        eased += 1
    return eased


def decay_all() -> dict[str, int]:
    """Decay every live score to now with its domain's default rule.

    Returns how many scores were decayed and how many open warnings had their level lowered.
    """
    now = timezone.now()
    rules: dict[str, WarningRule] = {}
    scores = warnings = 0
    with transaction.atomic():
        for row in RiskScore.objects.select_for_update().filter(score__gt=0):
            rule = rules.setdefault(row.domain, rule_for(row.domain, ""))
            before = row.level
            score = decayed(row.score, (now - row.updated_at).total_seconds(), rule.half_life_hours)
            row.score = score if score >= FLOOR else 0.0
            row.level = level_for(row.score, rule.thresholds, row.level, rule.hysteresis)
            row.updated_at = now
            row.save(update_fields=["score", "level", "updated_at"])
            scores += 1
            if row.level < before:
                warnings += _ease_warnings(row)
    return {"scores": scores, "warnings": warnings}
