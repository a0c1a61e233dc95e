"""Scoring arithmetic, kept pure so it can be worked by hand in the tests.

A signal adds points by its severity; the region × domain score decays exponentially with a half-life;
the score maps to the four warning levels of 《国家突发公共事件总体应急预案》 (蓝/黄/橙/红, IV–I), with
hysteresis: a level is entered at its threshold but left only once the score falls a margin below it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    NONE = 0, _("无")
    BLUE = 1, _("蓝色")
    YELLOW = 2, _("黄色")
    ORANGE = 3, _("橙色")
    RED = 4, _("红色")


# For stored text (summaries, payloads, snapshots): data stays Chinese whatever the viewer's language.
NAMES_ZH = {0: "无", 1: "蓝色", 2: "黄色", 3: "橙色", 4: "红色"}
COLOURS = {0: "#d9d9d9", 1: "#1f6feb", 2: "#e3b341", 3: "#f0883e", 4: "#da3633"}

# Each severity step is worth three of the one below: three yellow signals in quick succession count as one
# orange, and a single red signal reaches red on the default thresholds (1, 3, 9, 27).
POINTS = {1: 1.0, 2: 3.0, 3: 9.0, 4: 27.0}
DEFAULT_THRESHOLDS = (1.0, 3.0, 9.0, 27.0)


def decayed(score: float, elapsed_seconds: float, half_life_hours: float) -> float:
    if elapsed_seconds <= 0:
        return score
    return score * 0.5 ** (elapsed_seconds / (half_life_hours * 3600.0))


def level_for(score: float, thresholds: Sequence[float], current: int, hysteresis: float) -> int:
    """The new level. Rising is immediate; falling needs the score below (1 - hysteresis) × the threshold."""
    reached = sum(score >= t for t in thresholds)
    if reached >= current:
        return reached
    level = current
    while level > reached and score < thresholds[level - 1] * (1.0 - hysteresis):
        level -= 1
    return level
