"""Reads of the stored readings for pages and calculators: aggregated series and the latest values.

series() reads the hourly or daily aggregates and recomputes from the raw observations only what the last
refresh has not covered yet (hours marked dirty, and the current hour), so a chart is current to the last
reading without waiting for the rollup job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from grassroots.environment.aggregates import day_of, hour_of
from grassroots.environment.models import Aggregate, AggregateDirty, Datastream, Observation, Period, Quality

LENGTH = {Period.HOUR: dt.timedelta(hours=1), Period.DAY: dt.timedelta(days=1)}


class Point(NamedTuple):
    time: dt.datetime  # the start of the hour or local day
    mean: float
    minimum: float
    maximum: float
    count: int  # valid readings in it (HJ 633-2012 §6: a daily mean needs at least 20 hourly values)


class Latest(NamedTuple):
    time: dt.datetime
    value: float


def _raw(datastream_id: int, start: dt.datetime, end: dt.datetime) -> Point | None:
    row = Observation.objects.filter(
        datastream_id=datastream_id, quality=Quality.VALID, time__gte=start, time__lt=end
    ).aggregate(count=Count("value"), total=Sum("value"), low=Min("value"), high=Max("value"))
    if not row["count"]:
        return None
    return Point(start, row["total"] / row["count"], row["low"], row["high"], row["count"])


def _ds_id(datastream: Datastream | int) -> int:
    return datastream if isinstance(datastream, int) else datastream.pk


def series(
    datastream: Datastream | int, start: dt.datetime, end: dt.datetime, period: str = Period.HOUR
) -> list[Point]:
    """(time, mean, min, max, count) per hour or local day with valid readings in [start, end), oldest first."""
    ds, length = _ds_id(datastream), LENGTH[Period(period)]
    points = {
        a.start: Point(a.start, a.mean, a.minimum, a.maximum, a.count)
        for a in Aggregate.objects.filter(datastream_id=ds, period=period, start__gte=start, start__lt=end)
    }
    stale = set(
        AggregateDirty.objects.filter(datastream_id=ds, hour__gte=start, hour__lt=end).values_list("hour", flat=True)
    )
    now_hour = hour_of(timezone.now())
    if start <= now_hour < end:
        stale.add(now_hour)
    align = hour_of if period == Period.HOUR else day_of
    for begin in {align(h) for h in stale}:
        if not start <= begin < end:
            continue
        fresh = _raw(ds, begin, begin + length)
        if fresh is None:
            points.pop(begin, None)
        else:
            points[begin] = fresh
    return [points[k] for k in sorted(points)]


def latest(datastreams: Iterable[Datastream | int]) -> dict[int, Latest | None]:
    """The newest valid reading of each datastream (Datastream.last_*, kept by ingest), None before the first."""
    ids = [_ds_id(d) for d in datastreams]
    rows = Datastream.objects.filter(pk__in=ids).values_list("pk", "last_time", "last_value")
    found = {pk: Latest(t, v) if t is not None else None for pk, t, v in rows}
    return {pk: found.get(pk) for pk in ids}
