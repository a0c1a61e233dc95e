"""Hourly and daily aggregates: hand-worked figures, incremental refresh, local days, series() and latest()."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from grassroots.environment import aggregates, queries, storage
from grassroots.environment import ingest as ingesting
from grassroots.environment.ingest import Reading, ingest
from grassroots.environment.models import Aggregate, AggregateDirty, Period
from grassroots.environment.tests.streams import station, stream
from grassroots.stats import registry

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
H0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=BJ)  # 08:00 Beijing time


@pytest.fixture
def world(cast, monkeypatch):
    monkeypatch.setattr(ingesting, "_handlers", [])
    monkeypatch.setattr(storage, "_known", set())
    cast.st1 = station(cast.G1, "st-g1")
    cast.pm25 = stream(cast.st1, "pm25")
    return cast


def put(*readings: tuple[dt.datetime, float]) -> None:
    result = ingest([Reading("st-g1", "pm25", t, v) for t, v in readings], allowed_stations=None, source="test")
    assert result.errors == []


def minutes(n: int, base: dt.datetime = H0) -> dt.datetime:
    return base + dt.timedelta(minutes=n)


def hourly(ds) -> dict:
    rows = Aggregate.objects.filter(datastream=ds, period=Period.HOUR).order_by("start")
    return {a.start.astimezone(BJ).hour: (a.count, a.mean, a.minimum, a.maximum) for a in rows}


def test_hours_and_days_are_worked_out_from_the_valid_readings(world):
    # 08:00–09:00: 10, 20, 60 → mean 30, min 10, max 60; 09:00–10:00: 40, 50 → 45; 9999 is beyond the
    # physical range (suspect) and left out.
    put((minutes(0), 10.0), (minutes(20), 20.0), (minutes(40), 60.0), (minutes(60), 40.0), (minutes(90), 50.0))
    put((minutes(100), 9999.0))
    assert aggregates.refresh() == {"hours": 2, "days": 1}
    assert hourly(world.pm25) == {8: (3, 30.0, 10.0, 60.0), 9: (2, 45.0, 40.0, 50.0)}
    day = Aggregate.objects.get(datastream=world.pm25, period=Period.DAY)
    assert day.start == dt.datetime(2026, 3, 1, tzinfo=BJ)
    assert (day.count, day.total, day.minimum, day.maximum) == (5, 180.0, 10.0, 60.0)
    assert AggregateDirty.objects.count() == 0


def test_a_refresh_recomputes_only_the_hours_touched_since_the_last(world, monkeypatch):
    put((minutes(0), 10.0), (minutes(60), 40.0), (minutes(120), 70.0))
    aggregates.refresh()
    seen: list = []
    real = aggregates._hourly
    monkeypatch.setattr(aggregates, "_hourly", lambda pairs: seen.append(sorted(pairs)) or real(pairs))
    put((minutes(61), 60.0))  # into 09:00 only
    assert aggregates.refresh() == {"hours": 1, "days": 1}
    assert seen == [[(world.pm25.pk, H0 + dt.timedelta(hours=1))]]
    assert hourly(world.pm25) == {8: (1, 10.0, 10.0, 10.0), 9: (2, 50.0, 40.0, 60.0), 10: (1, 70.0, 70.0, 70.0)}
    assert Aggregate.objects.get(datastream=world.pm25, period=Period.DAY).total == 180.0
    seen.clear()
    put((minutes(61), 60.0))  # a resend stores nothing and marks nothing
    assert aggregates.refresh() == {"hours": 0, "days": 0} and seen == []


def test_days_are_local_days(world):
    late = dt.datetime(2026, 3, 1, 23, 30, tzinfo=BJ)  # 15:30 UTC: still 1 March in Beijing
    put((late, 10.0), (late + dt.timedelta(hours=1), 30.0))  # 00:30 on 2 March
    aggregates.refresh()
    days = Aggregate.objects.filter(datastream=world.pm25, period=Period.DAY).order_by("start")
    assert [(d.start.astimezone(BJ).date(), d.total) for d in days] == [
        (dt.date(2026, 3, 1), 10.0),
        (dt.date(2026, 3, 2), 30.0),
    ]


def test_a_batch_arriving_during_a_refresh_keeps_its_mark(world, monkeypatch):
    put((minutes(0), 10.0))
    real = aggregates.recompute

    def recompute_while_a_batch_arrives(pairs):
        done = real(pairs)
        put((minutes(5), 30.0))  # same hour, after the refresh read it
        return done

    monkeypatch.setattr(aggregates, "recompute", recompute_while_a_batch_arrives)
    aggregates.refresh()
    assert AggregateDirty.objects.count() == 1  # not cleared: its version moved on
    monkeypatch.setattr(aggregates, "recompute", real)
    aggregates.refresh()
    assert hourly(world.pm25) == {8: (2, 20.0, 10.0, 30.0)}


def test_rebuild_agrees_with_the_incremental_refresh(world):
    put((minutes(0), 10.0), (minutes(30), 20.0), (minutes(150), 5.0))
    aggregates.refresh()
    before = hourly(world.pm25)
    Aggregate.objects.all().delete()
    assert aggregates.rebuild() == {"hours": 2, "days": 1}
    assert hourly(world.pm25) == before


def test_it_is_registered_with_the_stats_rollups():
    assert [r for r in registry.rollups() if r.name == aggregates.STATE][0].rebuild is aggregates.rebuild


def test_series_is_current_before_the_refresh(world):
    put((minutes(0), 10.0), (minutes(30), 30.0))
    aggregates.refresh()
    put((minutes(45), 50.0), (minutes(60), 7.0))  # not yet rolled up
    points = queries.series(world.pm25, H0, H0 + dt.timedelta(hours=3))
    assert [(p.time.astimezone(BJ).hour, p.mean, p.minimum, p.maximum, p.count) for p in points] == [
        (8, 30.0, 10.0, 50.0, 3),
        (9, 7.0, 7.0, 7.0, 1),
    ]
    (day,) = queries.series(world.pm25, H0.replace(hour=0), H0.replace(hour=0) + dt.timedelta(days=1), Period.DAY)
    assert (day.count, day.mean) == (4, 97.0 / 4)


def test_latest_is_the_newest_valid_reading(world):
    other = stream(world.st1, "pm10")
    put((minutes(0), 10.0), (minutes(60), 20.0))
    put((minutes(120), 9999.0))  # suspect: not shown as the live value
    assert queries.latest([world.pm25, other.pk]) == {
        world.pm25.pk: queries.Latest(minutes(60), 20.0),
        other.pk: None,
    }
