"""Scoring worked by hand: decay, thresholds, hysteresis."""

import pytest

from grassroots.risk.levels import DEFAULT_THRESHOLDS, decayed, level_for


def test_a_score_halves_every_half_life():
    assert decayed(8.0, 24 * 3600, 24) == pytest.approx(4.0)
    assert decayed(8.0, 72 * 3600, 24) == pytest.approx(1.0)
    assert decayed(8.0, 0, 24) == 8.0


def test_levels_rise_at_their_thresholds():
    t = DEFAULT_THRESHOLDS  # 1, 3, 9, 27
    assert [level_for(s, t, 0, 0.25) for s in (0.5, 1.0, 2.99, 3.0, 9.0, 27.0, 100.0)] == [0, 1, 1, 2, 3, 4, 4]


def test_levels_fall_only_below_the_hysteresis_band():
    t = DEFAULT_THRESHOLDS
    # At yellow (3) with a 25 % band, yellow holds down to 2.25; below that the level eases to blue.
    assert level_for(2.5, t, 2, 0.25) == 2
    assert level_for(2.2, t, 2, 0.25) == 1
    # From red, a score of 5 is below red's band (20.25) and orange's (6.75) but inside yellow's.
    assert level_for(5.0, t, 4, 0.25) == 2
    assert level_for(0.7, t, 1, 0.25) == 0  # blue holds down to 0.75 only
    assert level_for(0.76, t, 1, 0.25) == 1


def test_a_score_wobbling_around_a_threshold_does_not_flap():
    t, level, seen = DEFAULT_THRESHOLDS, 0, []
    for score in (3.1, 2.9, 3.05, 2.8, 3.2, 2.6):
        level = level_for(score, t, level, 0.25)
        seen.append(level)
    assert seen == [2, 2, 2, 2, 2, 2]
