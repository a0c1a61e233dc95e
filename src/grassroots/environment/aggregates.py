"""Hourly and daily aggregates of the valid observations, rolled up incrementally.

ingest() marks each (datastream, hour) that got new readings in AggregateDirty, in the same transaction as the
readings. The stats job ("environment.aggregates", every 2 minutes) recomputes only those hours from the raw
observations, then the days that hold them from their hours, and clears the marks it has done. Hours and days
are local (settings.TIME_ZONE): HJ 633-2012 §3 counts a daily mean over the natural day 0–24 h Beijing time.
Only quality VALID readings count: suspect and invalid ones are kept raw for the sensor-health rules.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Trunc
from django.utils import timezone

from grassroots.environment.models import Aggregate, AggregateDirty, Observation, Period, Quality

STATE = "environment.aggregates"
BATCH = 5000  # dirty hours per transaction of a refresh
HOUR = dt.timedelta(hours=1)


def local_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def hour_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(local_tz()).replace(minute=0, second=0, microsecond=0)


def day_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(local_tz()).replace(hour=0, minute=0, second=0, microsecond=0)


def mark_dirty(written: Iterable) -> int:
    """Mark the hours of these new readings (ingest.Written) for the next refresh; in the caller's transaction."""
    hours: dict[dt.datetime, dt.datetime] = {}  # a batch has few distinct times: each is floored once
    pairs = sorted(
        {
            (w.datastream_id, hours.get(w.time) or hours.setdefault(w.time, hour_of(w.time)))
            for w in written
            if w.quality == Quality.VALID
        }
    )
    if not pairs:
        return 0
    table = AggregateDirty._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 500):
            chunk = pairs[start : start + 500]
            # An hour already marked gets its version raised: a refresh running now will not clear it.
            cursor.execute(
                f"INSERT INTO {table} (datastream_id, hour, version) VALUES "
                + ", ".join(["(%s, %s, 1)"] * len(chunk))
                + f" ON CONFLICT (datastream_id, hour) DO UPDATE SET version = {table}.version + 1",
                [v for ds, hour in chunk for v in (ds, connection.ops.adapt_datetimefield_value(hour))],
            )
    return len(pairs)


Pair = tuple[int, dt.datetime]  # (datastream id, start of the local hour or day)


def _runs(starts: Iterable[dt.datetime], gap: dt.timedelta) -> list[tuple[dt.datetime, dt.datetime]]:
    """The starts, sorted, as [first, last] runs with no step longer than `gap`: one range read per run, so
    the live hours of every stream are one query and a late lab import of last year does not widen it."""
    runs: list[list[dt.datetime]] = []
    for moment in sorted(set(starts)):
        if runs and moment - runs[-1][1] <= gap:
            runs[-1][1] = moment
        else:
            runs.append([moment, moment])
    return [(first, last) for first, last in runs]


def _hourly(pairs: set[Pair]) -> dict[Pair, dict]:
    """count/total/min/max of the valid readings of each (datastream, local hour) asked."""
    found: dict[Pair, dict] = {}
    for first, last in _runs((hour for _ds, hour in pairs), dt.timedelta(hours=24)):
        streams = {ds for ds, hour in pairs if first <= hour <= last}
        rows = (
            Observation.objects.filter(
                datastream_id__in=streams, quality=Quality.VALID, time__gte=first, time__lt=last + HOUR
            )
            .annotate(hour=Trunc("time", "hour", tzinfo=local_tz()))
            .values("datastream_id", "hour")
            .annotate(count=Count("value"), total=Sum("value"), minimum=Min("value"), maximum=Max("value"))
            .order_by()
        )
        for row in rows:
            key = (row.pop("datastream_id"), row.pop("hour").astimezone(local_tz()))
            if key in pairs:
                found[key] = row
    return found


def _daily(pairs: set[Pair]) -> dict[Pair, dict]:
    """A local day is the sum of its hours, which nest inside it."""
    found: dict[Pair, dict] = {}
    for first, last in _runs((day for _ds, day in pairs), dt.timedelta(days=2)):
        streams = {ds for ds, day in pairs if first <= day <= last}
        hours = Aggregate.objects.filter(
            datastream_id__in=streams, period=Period.HOUR, start__gte=first, start__lt=last + dt.timedelta(days=2)
        ).values_list("datastream_id", "start", "count", "total", "minimum", "maximum")
        for ds, start, count, total, low, high in hours:
            key = (ds, day_of(start))
            if key not in pairs:
                continue
            row = found.get(key)
            if row is None:
                found[key] = {"count": count, "total": total, "minimum": low, "maximum": high}
            else:
                row["count"] += count
                row["total"] += total
                row["minimum"] = min(row["minimum"], low)
                row["maximum"] = max(row["maximum"], high)
    return found


def _write(period: str, pairs: set[Pair], stats: dict[Pair, dict]) -> int:
    """Make the Aggregate rows of these pairs equal to `stats` (a pair with no valid reading has no row)."""
    for ds, start in pairs - stats.keys():  # rare: every reading of the hour or day was suspect or invalid
        Aggregate.objects.filter(datastream_id=ds, period=period, start=start).delete()
    Aggregate.objects.bulk_create(
        [Aggregate(datastream_id=ds, period=period, start=start, **row) for (ds, start), row in stats.items()],
        update_conflicts=True,
        unique_fields=["datastream", "period", "start"],
        update_fields=["count", "total", "minimum", "maximum"],
        batch_size=1000,
    )
    return len(pairs)


def recompute(pairs: Iterable[Pair]) -> dict[str, int]:
    """Recompute these (datastream, local hour) aggregates and the days that hold them."""
    hours = {(ds, hour_of(hour)) for ds, hour in pairs}
    if not hours:
        return {"hours": 0, "days": 0}
    days = {(ds, day_of(hour)) for ds, hour in hours}
    return {"hours": _write(Period.HOUR, hours, _hourly(hours)), "days": _write(Period.DAY, days, _daily(days))}


def refresh() -> dict[str, int]:
    """The marked hours, batch by batch; each batch's marks are cleared unless a batch re-marked them meanwhile."""
    from grassroots.stats.services import finish_state, lock_state

    started, totals = time.perf_counter(), {"hours": 0, "days": 0}
    while True:
        with transaction.atomic():
            state = lock_state(STATE)
            marks = list(
                AggregateDirty.objects.order_by("id").values_list("id", "datastream_id", "hour", "version")[:BATCH]
            )
            done = recompute((ds, hour) for _id, ds, hour, _v in marks)
            for key in done:
                totals[key] += done[key]
            by_version: dict[int, list[int]] = defaultdict(list)
            for mark_id, _ds, _hour, version in marks:
                by_version[version].append(mark_id)
            for version, ids in by_version.items():
                AggregateDirty.objects.filter(id__in=ids, version=version).delete()
            finish_state(state, timezone.now(), totals["hours"], started)
        if len(marks) < BATCH:
            return totals


def rebuild() -> dict[str, int]:
    """Everything again from the raw observations that are kept (aggregates of dropped months stay)."""
    pairs = (
        Observation.objects.filter(quality=Quality.VALID)
        .annotate(hour=Trunc("time", "hour", tzinfo=local_tz()))
        .values_list("datastream_id", "hour")
        .distinct()
        .order_by()
    )
    with transaction.atomic():
        result = recompute(pairs)
        AggregateDirty.objects.all().delete()
    return result


def register() -> None:
    """From EnvironmentConfig.ready(): the aggregates join stats' periodic rollup job."""
    from grassroots.stats import registry

    registry.register_rollup(STATE, refresh, rebuild=rebuild)
