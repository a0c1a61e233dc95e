"""Reads over the rollups, for the cockpit's panels and the risk analytics (trends, forecasts, drivers).

Each touches a few rows per day or week of one region (by index).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db.models import Max, Q, Sum
from django.utils import timezone

from grassroots.cases.models import Category
from grassroots.stats.models import CategoryWeek, DailyStat, DomainStat, RollupState
from grassroots.stats.rollups import DAILY_FIELDS, STATE, week_of
from grassroots.stats.services import state_of


def state(name: str = STATE) -> RollupState | None:
    return state_of(name)


def totals(region_id: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """Sums of every outcome for one region over [start, end] (local days)."""
    row = DailyStat.objects.filter(region_id=region_id, day__gte=start, day__lte=end).aggregate(
        **{name: Sum(name) for name in DAILY_FIELDS}
    )
    return {name: row[name] or 0 for name in DAILY_FIELDS}


def children_totals(region_id: int, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    rows = (
        DailyStat.objects.filter(parent_id=region_id, day__gte=start, day__lte=end)
        .values("region_id")
        .annotate(**{name: Sum(name) for name in ("received", "closed", "closed_on_time", "rated", "satisfied")})
    )
    return {row.pop("region_id"): row for row in rows}


def received_by_region(region_ids: list[int], start: dt.date, end: dt.date) -> dict[int, int]:
    """Region → cases received over [start, end) (local days), for regions that received any."""
    rows = (
        DailyStat.objects.filter(region_id__in=region_ids, day__gte=start, day__lt=end)
        .values("region_id")
        .annotate(n=Sum("received"))
        .values_list("region_id", "n")
    )
    return dict(rows)


def daily_series(region_id: int, start: dt.date, end: dt.date) -> np.ndarray:
    counts = dict(
        DailyStat.objects.filter(region_id=region_id, day__gte=start, day__lte=end).values_list("day", "received")
    )
    days = (end - start).days + 1
    return np.array([counts.get(start + dt.timedelta(days=i), 0) for i in range(days)], dtype=float)


def last_complete_week(today: dt.date | None = None) -> dt.date:
    return week_of(today or timezone.localdate()) - dt.timedelta(days=7)


def weekly_series(region_id: int, weeks: int, last_week: dt.date) -> tuple[list[dt.date], np.ndarray]:
    first = last_week - dt.timedelta(weeks=weeks - 1)
    daily = daily_series(region_id, first, last_week + dt.timedelta(days=6))
    return [first + dt.timedelta(weeks=i) for i in range(weeks)], daily.reshape(weeks, 7).sum(axis=1)


def category_weeks(region_id: int, weeks: int, last_week: dt.date, *, top_level: bool = True) -> dict[int, np.ndarray]:
    """Category (or its top-level parent) → weekly received counts, oldest first."""
    first = last_week - dt.timedelta(weeks=weeks - 1)
    parents = dict(Category.objects.values_list("id", "parent_id")) if top_level else {}
    out: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(weeks))
    rows = CategoryWeek.objects.filter(region_id=region_id, week__gte=first, week__lte=last_week)
    for category_id, week, n in rows.values_list("category_id", "week", "received"):
        key = (parents.get(category_id) or category_id) if top_level else category_id
        out[key][(week - first).days // 7] += n
    return dict(out)


def top_categories(region_id: int, weeks: int = 4, limit: int = 5) -> tuple[dt.date, list[tuple[Category, int]]]:
    """The first day counted (a Monday: whole ISO weeks up to this one) and the most received categories."""
    this_week = week_of(timezone.localdate())
    first = this_week - dt.timedelta(weeks=weeks - 1)
    rows = (
        CategoryWeek.objects.filter(region_id=region_id, week__gte=first, received__gt=0)
        .values("category_id")
        .annotate(n=Sum("received"))
        .order_by("-n")[:limit]
    )
    names = Category.objects.in_bulk([r["category_id"] for r in rows])
    return first, [(names[r["category_id"]], r["n"]) for r in rows]


def domain_stats(region_id: int) -> dict[str, DomainStat]:
    return {row.domain: row for row in DomainStat.objects.filter(region_id=region_id)}


def domain_stat(region_id: int, domain: str) -> tuple[bool, DomainStat | None]:
    """Whether the domain has any data (a root row), and the region's row: one indexed read for both."""
    rows = list(DomainStat.objects.filter(Q(region_id=region_id) | Q(parent_id=None), domain=domain))
    return bool(rows), next((row for row in rows if row.region_id == region_id), None)


def children_levels(region_id: int) -> dict[int, int]:
    """Child region → the highest current warning level in its subtree, over every domain."""
    rows = DomainStat.objects.filter(parent_id=region_id).values("region_id").annotate(top=Max("top_level"))
    return {row["region_id"]: row["top"] for row in rows}
