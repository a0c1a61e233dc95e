"""decay_all: quiet scores fall, and the open warnings' current level falls with them (peak kept)."""

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.risk import scoring, services
from grassroots.risk.levels import Level
from grassroots.risk.models import RiskScore, Status, Warning


def raise_at(region, hours_ago, *, severity=3, kind="AQI"):
    return services.raise_signal(
        domain="environment", region=region, kind=kind, value=1.0, severity=severity,
        occurred_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )  # fmt: skip


def test_decay_halves_scores_by_the_half_life_and_zeroes_noise(cast):
    raise_at(cast.G1, 36)  # 9 points 1.5 half-lives ago: about 3.18
    quiet = raise_at(cast.G4, 24 * 20, severity=1).warning  # 1 point twenty half-lives ago: below the floor
    assert scoring.decay_all() == {"scores": 2, "warnings": 2}
    g1 = RiskScore.objects.get(region=cast.G1)
    assert g1.score == pytest.approx(9 * 0.5**1.5, rel=1e-3) and g1.level == Level.YELLOW
    g4 = RiskScore.objects.get(region=cast.G4)
    assert (g4.score, g4.level) == (0.0, Level.NONE)
    quiet.refresh_from_db()  # still open, for staff to close, but its level says the score has gone
    assert (quiet.status, quiet.level, quiet.peak_level) == (Status.OPEN, Level.NONE, Level.BLUE)
    assert scoring.decay_all() == {"scores": 1, "warnings": 0}  # a zero score is no longer rewritten


def test_a_falling_level_lowers_open_warnings_once_and_keeps_their_peak(cast):
    # One region × domain score, three kinds: each warning took the level when its own signal arrived.
    other_kind = raise_at(cast.G1, 36, severity=1, kind="PM10").warning  # 1 point: blue
    warning = raise_at(cast.G1, 36).warning  # 10 points: orange
    closed = raise_at(cast.G1, 36, severity=1, kind="噪声").warning  # 11 points: orange
    services.close_warning(cast.worker_c1, closed, disposition="handled", note="已核实并处置")
    assert scoring.decay_all() == {"scores": 1, "warnings": 1}  # 11 × 0.5^1.5 ≈ 3.9: yellow
    warning.refresh_from_db()
    assert (warning.level, warning.peak_level) == (Level.YELLOW, Level.ORANGE)
    (event,) = warning.events.filter(kind="level_changed")
    assert (event.level, event.note) == (Level.YELLOW, "分数衰减：橙色 → 黄色")
    assert Warning.objects.get(pk=other_kind.pk).level == Level.BLUE  # already below: untouched, no event
    assert not other_kind.events.filter(kind="level_changed").exists()
    closed.refresh_from_db()
    assert (closed.status, closed.level) == (Status.CLOSED, Level.ORANGE)  # a closed warning is history
    scoring.decay_all()  # a minute's decay changes no level: no second event
    assert warning.events.filter(kind="level_changed").count() == 1
