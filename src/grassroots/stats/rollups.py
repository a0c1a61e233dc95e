"""The case rollups (DailyStat, CategoryWeek): a full rebuild, and an incremental refresh driven by
Case.updated_at. Registered as the rollup "cases" by StatsConfig.ready().

Counts are computed per grid with grouped queries, then added to every ancestor along the grid's
materialised path. The incremental refresh finds the (grid, day) and (grid, week) keys touched by cases
changed since the watermark, recomputes exactly those keys from the cases, and applies the difference to
the key's rows up the tree. Recomputing a key is idempotent, so the window overlaps the last one by a margin
that covers transactions still open when the previous refresh ran.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from grassroots.areas.models import Region
from grassroots.cases.models import Case, Outcome, Rating, Status
from grassroots.core.time import day_start
from grassroots.stats.models import CategoryWeek, DailyStat
from grassroots.stats.services import finish_state, lock_state, state_of

STATE = "cases"
WINDOW_DAYS = 30  # the cockpit's "last 30 days", shared by every panel and rollup
OVERLAP = dt.timedelta(minutes=5)
DAILY_FIELDS = ("received", "received_closed", "closed", "closed_on_time", "confirmed", "rated", "satisfied")
BATCH = 5000


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _local_day(field: str):
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _cases() -> QuerySet:
    return Case.objects.exclude(status=Status.MERGED).order_by()


def _daily_by_grid(cases: QuerySet, closed: QuerySet, ratings: QuerySet) -> dict[tuple[int, dt.date], dict]:
    out: dict[tuple[int, dt.date], dict] = defaultdict(lambda: dict.fromkeys(DAILY_FIELDS, 0))
    received = cases.annotate(d=_local_day("created_at")).values_list("region_id", "d")
    for grid, day, n, done in received.annotate(n=Count("id"), done=Count("id", filter=Q(closed_at__isnull=False))):
        out[(grid, day)]["received"] += n
        out[(grid, day)]["received_closed"] += done
    closures = closed.annotate(d=_local_day("closed_at")).values_list("region_id", "d")
    closures = closures.annotate(
        n=Count("id"),
        on_time=Count("id", filter=Q(closed_at__lte=F("due_at"))),
        confirmed=Count("id", filter=Q(outcome=Outcome.RESOLVED)),
    )
    for grid, day, n, on_time, confirmed in closures:
        row = out[(grid, day)]
        row["closed"] += n
        row["closed_on_time"] += on_time
        row["confirmed"] += confirmed
    rated = ratings.annotate(d=_local_day("created_at")).values_list("case__region_id", "d")
    for grid, day, n, happy in rated.annotate(n=Count("id"), happy=Count("id", filter=Q(satisfied=True))):
        out[(grid, day)]["rated"] += n
        out[(grid, day)]["satisfied"] += happy
    return out


def _weekly_by_grid(cases: QuerySet) -> dict[tuple[int, int, dt.date], int]:
    out: dict[tuple[int, int, dt.date], int] = defaultdict(int)
    rows = cases.annotate(d=_local_day("created_at")).values_list("region_id", "category_id", "d")
    for grid, category, day, n in rows.annotate(n=Count("id")):
        out[(grid, category, week_of(day))] += n
    return out


class RegionTree:
    """Region id → ancestors (itself included) and parent, read once per build."""

    def __init__(self):
        rows = Region.objects.values_list("id", "path", "parent_id")
        self.parent = {pk: parent for pk, _, parent in rows}
        self.ancestors = {pk: [int(p) for p in path.strip("/").split("/") if p] for pk, path, _ in rows}


def rebuild() -> dict[str, int]:
    """Recompute every rollup from the cases (first load, or after a region-tree change)."""
    started, now = time.perf_counter(), timezone.now()
    tree = RegionTree()
    daily: dict[tuple[int, dt.date], dict] = defaultdict(lambda: dict.fromkeys(DAILY_FIELDS, 0))
    by_grid = _daily_by_grid(_cases(), _cases().filter(closed_at__isnull=False), Rating.objects.order_by())
    for (grid, day), values in by_grid.items():
        for region in tree.ancestors.get(grid, ()):
            target = daily[(region, day)]
            for name in DAILY_FIELDS:
                target[name] += values[name]
    weekly: dict[tuple[int, int, dt.date], int] = defaultdict(int)
    for (grid, category, week), n in _weekly_by_grid(_cases()).items():
        for region in tree.ancestors.get(grid, ()):
            weekly[(region, category, week)] += n
    with transaction.atomic():
        state = lock_state(STATE)
        DailyStat.objects.all().delete()
        CategoryWeek.objects.all().delete()
        DailyStat.objects.bulk_create(
            (DailyStat(region_id=r, parent_id=tree.parent.get(r), day=d, **v) for (r, d), v in daily.items()),
            batch_size=BATCH,
        )
        CategoryWeek.objects.bulk_create(
            (CategoryWeek(region_id=r, category_id=c, week=w, received=n) for (r, c, w), n in weekly.items()),
            batch_size=BATCH,
        )
        finish_state(state, now, len(daily) + len(weekly), started)
    return {"daily": len(daily), "weekly": len(weekly)}


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return day_start(day), day_start(day + dt.timedelta(days=1))


def _touched(since: dt.datetime) -> tuple[dict[dt.date, set[int]], dict[dt.date, set[int]]]:
    """Days and weeks (each with its grids) touched by cases or ratings changed since `since`."""
    days: dict[dt.date, set[int]] = defaultdict(set)
    weeks: dict[dt.date, set[int]] = defaultdict(set)
    local = timezone.localtime
    for grid, created, closed in Case.objects.filter(updated_at__gte=since).values_list(
        "region_id", "created_at", "closed_at"
    ):
        days[local(created).date()].add(grid)
        weeks[week_of(local(created).date())].add(grid)
        if closed:
            days[local(closed).date()].add(grid)
    for grid, rated_at in Rating.objects.filter(created_at__gte=since).values_list("case__region_id", "created_at"):
        days[local(rated_at).date()].add(grid)
    return days, weeks


def refresh() -> dict[str, int]:
    """Bring the rollups up to date with the cases changed since the last refresh (the Celery job)."""
    state = state_of(STATE)
    if state is None or state.watermark is None:
        return rebuild()
    started, now = time.perf_counter(), timezone.now()
    with transaction.atomic():
        state = lock_state(STATE)
        days, weeks = _touched(state.watermark - OVERLAP)
        tree = RegionTree()
        touched = sum(_refresh_day(tree, day, grids) for day, grids in days.items())
        touched += sum(_refresh_week(tree, week, grids) for week, grids in weeks.items())
        finish_state(state, now, touched, started)
    return {"days": len(days), "weeks": len(weeks), "rows": touched}


def _apply(rows: dict, deltas: Iterable[tuple[tuple, dict]], make) -> None:
    for key, delta in deltas:
        row = rows.get(key)
        if row is None:
            row = rows[key] = make(key)
        for name, change in delta.items():
            setattr(row, name, getattr(row, name) + change)


def _refresh_day(tree: RegionTree, day: dt.date, grids: set[int]) -> int:
    start, end = _day_bounds(day)
    fresh = _daily_by_grid(
        _cases().filter(region_id__in=grids, created_at__gte=start, created_at__lt=end),
        _cases().filter(region_id__in=grids, closed_at__gte=start, closed_at__lt=end),
        Rating.objects.order_by().filter(case__region_id__in=grids, created_at__gte=start, created_at__lt=end),
    )
    old = {r.region_id: r for r in DailyStat.objects.filter(day=day, region_id__in=grids)}
    deltas = []
    for grid in grids:
        new_values = fresh.get((grid, day), dict.fromkeys(DAILY_FIELDS, 0))
        delta = {n: new_values[n] - (getattr(old[grid], n) if grid in old else 0) for n in DAILY_FIELDS}
        if any(delta.values()):
            deltas += [((region,), delta) for region in tree.ancestors.get(grid, ())]
    affected = {key[0] for key, _ in deltas}
    rows = {(r.region_id,): r for r in DailyStat.objects.select_for_update().filter(day=day, region_id__in=affected)}
    existing = set(rows)
    _apply(rows, deltas, lambda key: DailyStat(region_id=key[0], parent_id=tree.parent.get(key[0]), day=day))
    DailyStat.objects.bulk_create([r for k, r in rows.items() if k not in existing])
    DailyStat.objects.bulk_update([r for k, r in rows.items() if k in existing], DAILY_FIELDS, batch_size=BATCH)
    return len(rows)


def _refresh_week(tree: RegionTree, week: dt.date, grids: set[int]) -> int:
    start, _ = _day_bounds(week)
    end = start + dt.timedelta(days=7)
    fresh = _weekly_by_grid(_cases().filter(region_id__in=grids, created_at__gte=start, created_at__lt=end))
    old = {
        (r.region_id, r.category_id): r.received for r in CategoryWeek.objects.filter(week=week, region_id__in=grids)
    }
    keys = {(g, c) for g, c, _ in fresh} | set(old)
    deltas = []
    for grid, category in keys:
        change = fresh.get((grid, category, week), 0) - old.get((grid, category), 0)
        if change:
            deltas += [((region, category), {"received": change}) for region in tree.ancestors.get(grid, ())]
    affected = {key[0] for key, _ in deltas}
    rows = {
        (r.region_id, r.category_id): r
        for r in CategoryWeek.objects.select_for_update().filter(week=week, region_id__in=affected)
    }
    existing = set(rows)
    _apply(rows, deltas, lambda key: CategoryWeek(region_id=key[0], category_id=key[1], week=week))
    CategoryWeek.objects.bulk_create([r for k, r in rows.items() if k not in existing])
    CategoryWeek.objects.bulk_update([r for k, r in rows.items() if k in existing], ["received"], batch_size=BATCH)
    return len(rows)
