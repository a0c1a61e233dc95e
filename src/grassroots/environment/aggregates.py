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
    pairs = sorted({(w.datastream_id, hour_of(w.time)) for w in written if w.quality == Quality.VALID})
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


def _hourly(datastream_id: int, hours: list[dt.datetime]) -> dict[dt.datetime, dict]:
    """count/total/min/max per local hour of one datastream, for the hours asked (read in runs of near hours)."""
    found: dict[dt.datetime, dict] = {}
    wanted = set(hours)
    run: list[dt.datetime] = []
    for hour in sorted(hours) + [None]:
        if run and (hour is None or hour - run[-1] > dt.timedelta(hours=24)):
            rows = (
                Observation.objects.filter(
                    datastream_id=datastream_id, quality=Quality.VALID, time__gte=run[0], time__lt=run[-1] + HOUR
                )
                .annotate(hour=Trunc("time", "hour", tzinfo=local_tz()))
                .values("hour")
                .annotate(count=Count("value"), total=Sum("value"), minimum=Min("value"), maximum=Max("value"))
                .order_by()
            )
            for row in rows:
                start = row.pop("hour").astimezone(local_tz())
                if start in wanted:
                    found[start] = row
            run = []
        if hour is not None:
            run.append(hour)
    return found


def _write(datastream_id: int, period: str, starts: list[dt.datetime], stats: dict[dt.datetime, dict]) -> int:
    """Make the Aggregate rows of these starts equal to `stats` (a start with no valid reading has no row)."""
    Aggregate.objects.filter(datastream_id=datastream_id, period=period, start__in=starts).exclude(
        start__in=list(stats)
    ).delete()
    rows = [Aggregate(datastream_id=datastream_id, period=period, start=start, **row) for start, row in stats.items()]
    Aggregate.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["datastream", "period", "start"],
        update_fields=["count", "total", "minimum", "maximum"],
    )
    return len(starts)


def _daily(datastream_id: int, days: list[dt.datetime]) -> dict[dt.datetime, dict]:
    """A day is the sum of its hours, which nest inside it."""
    found: dict[dt.datetime, dict] = {}
    hours = Aggregate.objects.filter(
        datastream_id=datastream_id,
        period=Period.HOUR,
        start__gte=min(days),
        start__lt=max(days) + dt.timedelta(days=2),
    ).values_list("start", "count", "total", "minimum", "maximum")
    wanted = set(days)
    for start, count, total, low, high in hours:
        day = day_of(start)
        if day not in wanted:
            continue
        row = found.get(day)
        if row is None:
            found[day] = {"count": count, "total": total, "minimum": low, "maximum": high}
        else:
            row["count"] += count
            row["total"] += total
            row["minimum"] = min(row["minimum"], low)
            row["maximum"] = max(row["maximum"], high)
    return found


def recompute(pairs: Iterable[tuple[int, dt.datetime]]) -> dict[str, int]:
    """Recompute these (datastream, local hour) aggregates and the days that hold them."""
    by_stream: dict[int, set[dt.datetime]] = defaultdict(set)
    for datastream_id, hour in pairs:
        by_stream[datastream_id].add(hour_of(hour))
    hours = days = 0
    for datastream_id, starts in by_stream.items():
        ordered = sorted(starts)
        hours += _write(datastream_id, Period.HOUR, ordered, _hourly(datastream_id, ordered))
        day_starts = sorted({day_of(h) for h in ordered})
        days += _write(datastream_id, Period.DAY, day_starts, _daily(datastream_id, day_starts))
    return {"hours": hours, "days": days}


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
