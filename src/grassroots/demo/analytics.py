"""After the people and cases: past cases, rollups, today's baseline, trend signals and forecasts."""

from __future__ import annotations

from django.utils.translation import gettext

from grassroots.demo.history import seed_history
from grassroots.risk import baseline, warning_rollup
from grassroots.stats import rollups


def seed_analytics(history: int, *, seed: int, progress=print) -> dict[str, int]:
    past = seed_history(total=history, seed=seed, progress=progress)
    progress(gettext("历史事件：%(n)s") % {"n": past})
    rollups.rebuild()
    counts = {"past_cases": past, "baselines": baseline.take_baseline()}
    from grassroots.risk import forecasting, paths, trends

    counts["trend_signals"] = trends.detect()["signals"]
    warning_rollup.refresh()
    paths.refresh()
    forecasting.refresh()
    return counts
