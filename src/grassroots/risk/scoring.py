"""Periodic decay: scores fall between signals, so a quiet region's level eases (with hysteresis) on the map."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from grassroots.risk.levels import decayed, level_for
from grassroots.risk.models import RiskScore, WarningRule
from grassroots.risk.services import rule_for

FLOOR = 0.01  # below this a score is noise; it is set to zero so the table stops being rewritten


def decay_all() -> int:
    """Decay every live score to now with its domain's default rule. Returns how many changed."""
    now = timezone.now()
    rules: dict[str, WarningRule] = {}
    changed = 0
    with transaction.atomic():
        for row in RiskScore.objects.select_for_update().filter(score__gt=0):
            rule = rules.setdefault(row.domain, rule_for(row.domain, ""))
            score = decayed(row.score, (now - row.updated_at).total_seconds(), rule.half_life_hours)
            row.score = score if score >= FLOOR else 0.0
            row.level = level_for(row.score, rule.thresholds, row.level, rule.hysteresis)
            row.updated_at = now
            row.save(update_fields=["score", "level", "updated_at"])
            changed += 1
    return changed
