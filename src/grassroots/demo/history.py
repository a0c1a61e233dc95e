"""Two years of past cases (演示数据, source_ref "demo-history"), so trends, forecasts and drivers have data.

Counts per grid and day are Poisson draws from a rate with known structure, which the analytics should find
again: proportional to population, rising with the rental share, the elderly share and restaurants
(true log-rate coefficients in TRUE_EFFECTS), weekends lower, an annual season per category (heating in
winter, noise and cooking fumes in summer) and a slow upward trend. They are written with bulk inserts,
bypassing intake: these cases are history, already handled, and carry no personal data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from contextlib import contextmanager

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from grassroots.accounts.models import Membership
from grassroots.accounts.roles import Role
from grassroots.areas.models import Region
from grassroots.cases.corpus import CATEGORY_NAMES, report_text
from grassroots.cases.models import Case, Category, Channel, Outcome, Rating, Status
from grassroots.risk.features import grid_features

TRUE_EFFECTS = {"rental_share": 2.0, "elderly_share": 1.5, "catering_per_1000": 0.05, "retail_per_1000": 0.0}
SUMMER = {"noise", "cooking_fumes", "garbage", "greening", "sewage"}
WINTER = {"heating", "gas", "water_supply"}
CHANNELS = [Channel.PORTAL, Channel.PATROL, Channel.HOTLINE, Channel.ASSISTED]
BATCH = 5000


def _season(code: str, day: dt.date) -> float:
    phase = 2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25  # peaks mid-January at phase 0
    if code in WINTER:
        return 1 + 0.8 * math.cos(phase)
    if code in SUMMER:
        return 1 - 0.5 * math.cos(phase)
    return 1.0


def seed_history(*, total: int, weeks: int = 104, seed: int = 7, features=None, progress=print) -> int:
    """`features` (one row per grid, as risk.features.grid_features) defaults to the registered people."""
    features = grid_features() if features is None else features
    if features.empty or total <= 0:
        return 0
    rng = np.random.default_rng(seed)
    text_rng = random.Random(seed)
    log_rate = sum(features[name] * effect for name, effect in TRUE_EFFECTS.items())
    weight = features["population"] * np.exp(log_rate)
    today = timezone.localdate()
    days = [today - dt.timedelta(days=d) for d in range(weeks * 7, 0, -1)]
    day_factor = np.array([(0.7 if d.weekday() >= 5 else 1.0) * (1 + 0.15 * i / len(days)) for i, d in enumerate(days)])
    base = total / (weight.sum() * day_factor.sum())
    categories = {c.code: c for c in Category.objects.filter(code__in=CATEGORY_NAMES)}
    codes = sorted(categories)
    season = np.array([[_season(code, d) for code in codes] for d in days])
    mix = season / season.sum(axis=1, keepdims=True)
    grids = {r.pk: r for r in Region.objects.filter(pk__in=features.index).select_related("parent")}
    raters = _raters()
    run = secrets.token_hex(2)  # keeps numbers unique when history is added more than once
    created = 0
    batch: list[Case] = []
    for grid_id, grid_weight in weight.items():
        grid = grids[grid_id]
        counts = rng.poisson(base * grid_weight * day_factor)
        for day_index in np.nonzero(counts)[0]:
            picks = rng.choice(len(codes), size=int(counts[day_index]), p=mix[day_index])
            for pick in picks:
                batch.append(
                    _case(grid, days[day_index], categories[codes[pick]], rng, text_rng, f"{run}{created:07d}")
                )
                created += 1
        if len(batch) >= BATCH:
            _write(batch, raters, rng)
            batch = []
            progress(gettext("历史事件：%(n)s") % {"n": created})
    for grid, day, code in _surges(grids, weight, base * day_factor, mix, codes, days, rng):
        batch.append(_case(grid, day, categories[code], rng, text_rng, f"{run}{created:07d}"))
        created += 1
    _write(batch, raters, rng)
    return created


def _surges(grids, weight, daily_base, mix, codes, days, rng):
    """Two things for the trend detector to find: last week's noise complaints quadrupled in the first
    street, and yesterday's reports five times the usual in that street's first community."""
    ordered = sorted(grids.values(), key=lambda g: g.path)
    if not ordered or "noise" not in codes or len(days) < 14:
        return
    street_path = "/".join(ordered[0].path.split("/")[:3]) + "/"
    community_path = ordered[0].parent.path
    monday = days[-1] - dt.timedelta(days=days[-1].weekday() + 7)
    noise = codes.index("noise")
    for i, day in enumerate(days):
        for grid in (g for g in ordered if g.path.startswith(street_path)):
            expected = daily_base[i] * weight[grid.pk]
            if monday <= day < monday + dt.timedelta(days=7):
                yield from ((grid, day, "noise") for _ in range(rng.poisson(3 * expected * mix[i, noise])))
            if i == len(days) - 1 and grid.path.startswith(community_path):
                for pick in rng.choice(len(codes), size=rng.poisson(4 * expected), p=mix[i]):
                    yield grid, day, codes[pick]


def _raters() -> dict[str, object]:
    """Each community's demo resident rates its past cases (ratings need a user)."""
    rows = Membership.objects.filter(role=Role.RESIDENT).select_related("user", "region")
    return {m.region.path: m.user for m in rows}


def _case(grid: Region, day: dt.date, category: Category, rng, text_rng, serial: str) -> Case:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(7)) + dt.timedelta(minutes=int(rng.integers(0, 14 * 60))))
    hours = float(rng.gamma(2.0, 15.0))
    closed = at + dt.timedelta(hours=hours)
    outcome = rng.choice(
        [Outcome.RESOLVED, Outcome.RESOLVED_NO_ANSWER, Outcome.UNFIXED, Outcome.REFERRED], p=[0.72, 0.16, 0.06, 0.06]
    )
    text = report_text(category.code, text_rng)
    return Case(
        number=f"YS{day:%Y%m%d}-{serial}",
        title=text[:24],
        description=text,
        category=category,
        status=Status.CLOSED,
        outcome=str(outcome),
        region=grid,
        region_path=grid.path,
        lng=grid.center_lng,
        lat=grid.center_lat,
        channel=CHANNELS[int(rng.integers(len(CHANNELS)))],
        anonymous=True,
        source_ref="demo-history",
        owner_region=grid.parent or grid,
        owner_since=at,
        due_at=at + dt.timedelta(hours=60),
        warn_at=at + dt.timedelta(hours=48),
        created_at=at,
        resolved_at=closed,
        closed_at=closed,
        updated_at=closed,
    )


@contextmanager
def _dated(field, flag: str):
    """Keep the historical timestamps set on the objects: switch off auto_now(_add) for one insert."""
    setattr(field, flag, False)
    try:
        yield
    finally:
        setattr(field, flag, True)


@transaction.atomic
def _write(batch: list[Case], raters: dict[str, object], rng) -> None:
    with _dated(Case._meta.get_field("updated_at"), "auto_now"):  # last changed when closed, long ago
        Case.objects.bulk_create(batch, batch_size=2000)
    by_grid: dict[str, object] = {}
    ratings = []
    for case in batch:
        if case.region_path not in by_grid:
            by_grid[case.region_path] = next((u for p, u in raters.items() if case.region_path.startswith(p)), None)
        rater = by_grid[case.region_path]
        if rater is not None and case.outcome == Outcome.RESOLVED and rng.random() < 0.6:
            score = int(rng.choice([5, 4, 3, 2, 1], p=[0.55, 0.28, 0.09, 0.05, 0.03]))
            rating = Rating(case=case, user=rater, satisfied=score >= 4, score=score)
            rating.created_at = case.closed_at + dt.timedelta(hours=2)  # rated soon after closure, not today
            ratings.append(rating)
    with _dated(Rating._meta.get_field("created_at"), "auto_now_add"):
        Rating.objects.bulk_create(ratings, batch_size=2000)
