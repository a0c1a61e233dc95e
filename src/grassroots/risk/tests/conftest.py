"""Two years of past cases over a small territory of 16 grids, for the trend, forecast and drivers jobs.

The shared cast has four grids, too few to fit the drivers model (it needs seven per region). This territory
has two streets of two communities of four grids each. Grid features are synthetic and fixed; the demo's
history generator (demo/history.py) draws the cases from them with known effects and its two surges (last
week's noise complaints in the first street, yesterday's reports in its first community), and the case
rollups are rebuilt from them, as the nightly jobs would find them.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import time_machine

from grassroots.conftest import PASSWORD, feature, square


def territory() -> dict:
    features = [feature("T", "测试区", 1, None, square(0, 0, 8, 4))]
    for s in range(2):
        street = f"T{s + 1}"
        features.append(feature(street, f"第{s + 1}街道", 2, "T", square(4 * s, 0, 4 * s + 4, 4)))
        for c in range(2):
            community = f"{street}C{c + 1}"
            x0, y0 = 4 * s, 2 * c
            features.append(feature(community, f"{street}第{c + 1}社区", 3, street, square(x0, y0, x0 + 4, y0 + 2)))
            for g in range(4):
                grid = square(x0 + g, y0, x0 + g + 1, y0 + 2)
                features.append(feature(f"{community}G{g + 1}", f"{community}第{g + 1}网格", 4, community, grid))
    return {"type": "FeatureCollection", "features": features}


def grid_frame(grids) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows = [
        {
            "grid_id": grid.pk,
            "code": grid.code,
            "name": grid.name,
            "population": int(rng.integers(300, 900)),
            "rental_share": float(rng.uniform(0.05, 0.6)),
            "elderly_share": float(rng.uniform(0.1, 0.4)),
            "catering_per_1000": float(rng.uniform(0, 12)),
            "retail_per_1000": float(rng.uniform(0, 15)),
        }
        for grid in grids
    ]
    return pd.DataFrame(rows).set_index("grid_id")


# The synthetic history is drawn relative to "today" (weekday and season factors), so its random draws, and
# whether yesterday's planted surge clears the detector's threshold, would change with the calendar day the
# suite runs on. Its tests run on one fixed day instead; the clock still ticks from there.
HISTORY_TODAY = dt.datetime(2026, 6, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def history(db, monkeypatch):
    with time_machine.travel(HISTORY_TODAY, tick=True):
        yield _history(monkeypatch)


def _history(monkeypatch):
    from grassroots.accounts import services as accounts
    from grassroots.accounts.roles import Role
    from grassroots.areas import services as areas
    from grassroots.areas.models import Level, Region
    from grassroots.demo.history import seed_history
    from grassroots.risk import paths
    from grassroots.stats import rollups

    areas.import_regions(None, territory())
    regions = {r.code: r for r in Region.objects.all()}
    frame = grid_frame(Region.objects.filter(level=Level.GRID).order_by("path"))
    monkeypatch.setattr(paths, "grid_features", lambda today=None: frame)
    cases = seed_history(total=4000, weeks=104, seed=7, features=frame, progress=lambda message: None)
    rollups.rebuild()
    leader = accounts.create_user(username="leader_t1", password=PASSWORD, display_name="leader_t1")
    accounts.grant_membership(None, leader, role=Role.STREET_LEADER, region=regions["T1"])
    return SimpleNamespace(regions=regions, frame=frame, cases=cases, leader=leader)
