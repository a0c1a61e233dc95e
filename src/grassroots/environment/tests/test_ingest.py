"""ingest(): per-item errors, idempotence, units, time tolerance, physical range, batch handlers."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.utils import timezone

from grassroots.environment import ingest as ingesting
from grassroots.environment import storage, tasks
from grassroots.environment.ingest import Reading, ingest, normalise_unit
from grassroots.environment.models import Datastream, Observation, Quality
from grassroots.environment.tests.streams import T0, station, stream


@pytest.fixture
def world(cast):
    cast.st1 = station(cast.G1, "st-g1")
    cast.st4 = station(cast.G4, "st-g4")
    return cast


@pytest.fixture
def handlers(monkeypatch):
    """An empty handler registry for the test, so the rules app's handlers (if installed) do not run; and an
    empty partition cache, since each test's partitions are rolled back with it."""
    registry: list = []
    monkeypatch.setattr(ingesting, "_handlers", registry)
    monkeypatch.setattr(storage, "_known", set())
    return registry


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_it_stores_good_items_and_reports_each_bad_one(world, handlers):
    st1 = world.st1
    readings = [
        Reading("st-g1", "pm25", at(0), 35.0),
        Reading("nowhere", "pm25", at(0), 1.0),
        Reading("st-g4", "pm25", at(0), 1.0),
        Reading("st-g1", "so2", at(0), 1.0),
        Reading("st-g1", "pm25", at(1), 1.0, unit="mg/m³"),
        Reading("st-g1", "pm25", at(2), math.nan),
        Reading("st-g1", "pm25", at(3), math.inf),
        Reading("st-g1", "pm25", timezone.now() + dt.timedelta(hours=1), 1.0),
        Reading("st-g1", "pm25", dt.datetime(2026, 3, 1, 9, 0), 1.0),
        Reading("st-g1", "pm10", at(0), 80.0),
    ]
    result = ingest(readings, allowed_stations={st1.id}, source="test")
    assert (result.accepted, result.duplicates) == (2, 0)
    assert [(e.index, e.code) for e in result.errors] == [
        (1, "unknown_station"),
        (2, "station_not_allowed"),
        (3, "unknown_datastream"),
        (4, "unit_mismatch"),
        (5, "not_a_number"),
        (6, "not_a_number"),
        (7, "future_time"),
        (8, "naive_time"),
    ]
    assert all(e.message for e in result.errors)
    assert sorted(Observation.objects.values_list("value", flat=True)) == [35.0, 80.0]


def test_it_is_idempotent_by_datastream_and_time(world, handlers):
    first = ingest([Reading("st-g1", "pm25", at(0), 35.0)], allowed_stations=None, source="test")
    again = ingest(
        [Reading("st-g1", "pm25", at(0), 35.0), Reading("st-g1", "pm25", at(1), 40.0)],
        allowed_stations=None,
        source="test",
    )
    assert (first.accepted, first.duplicates, again.accepted, again.duplicates) == (1, 0, 1, 1)
    assert again.errors == []
    assert Observation.objects.count() == 2


def test_a_reading_repeated_in_one_batch_is_stored_once(world, handlers):
    result = ingest([Reading("st-g1", "pm25", at(0), 35.0)] * 3, allowed_stations=None, source="test")
    assert (result.accepted, result.duplicates, Observation.objects.count()) == (1, 2, 1)


def test_the_same_instant_in_another_timezone_is_a_duplicate(world, handlers):
    ingest([Reading("st-g1", "pm25", at(0), 35.0)], allowed_stations=None, source="test")
    beijing = at(0).astimezone(dt.timezone(dt.timedelta(hours=8)))
    result = ingest([Reading("st-g1", "pm25", beijing, 35.0)], allowed_stations=None, source="test")
    assert (result.accepted, result.duplicates) == (0, 1)


@pytest.mark.parametrize("unit", ["µg/m³", "μg/m³", "ug/m3", "UG/M3", " µg / m3 ", None])
def test_it_accepts_every_spelling_of_the_canonical_unit(world, handlers, unit):
    result = ingest([Reading("st-g1", "pm25", at(0), 35.0, unit=unit)], allowed_stations=None, source="test")
    assert (result.accepted, result.errors) == (1, [])


def test_unit_spellings_normalise_alike():
    assert normalise_unit("dB(A)") == normalise_unit("dBA") == "dba"
    assert normalise_unit("℃") == normalise_unit("°C") == normalise_unit("degC")
    assert normalise_unit("无量纲") == normalise_unit("") == normalise_unit("pH")
    assert normalise_unit("mg/L") == normalise_unit("mg/l") != normalise_unit("µg/L")


def test_the_future_tolerance_is_a_setting(world, handlers, settings):
    soon = timezone.now() + dt.timedelta(seconds=200)
    assert ingest([Reading("st-g1", "pm25", soon, 1.0)], allowed_stations=None, source="test").accepted == 1
    settings.ENVIRONMENT_FUTURE_TOLERANCE_SECONDS = 60
    later = soon + dt.timedelta(seconds=1)
    result = ingest([Reading("st-g1", "pm25", later, 1.0)], allowed_stations=None, source="test")
    assert [e.code for e in result.errors] == ["future_time"]


def test_a_value_outside_the_physical_range_is_kept_as_suspect(world, handlers):
    result = ingest(
        [Reading("st-g1", "pm25", at(0), -5.0), Reading("st-g1", "pm25", at(1), 9999.0)],
        allowed_stations=None,
        source="test",
    )
    assert (result.accepted, result.errors) == (2, [])
    assert set(Observation.objects.values_list("quality", flat=True)) == {Quality.SUSPECT}
    assert {w.quality for w in result.written} == {Quality.SUSPECT}


def test_a_time_before_1970_is_an_item_error(world, handlers):
    reset_clock = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    result = ingest([Reading("st-g1", "pm25", reset_clock, 1.0)], allowed_stations=None, source="test")
    assert [e.code for e in result.errors] == ["invalid_item"]


def test_an_unknown_quality_flag_is_an_item_error(world, handlers):
    result = ingest([Reading("st-g1", "pm25", at(0), 1.0, quality=7)], allowed_stations=None, source="test")
    assert [e.code for e in result.errors] == ["invalid_item"]


def test_it_keeps_the_newest_reading_on_the_datastream(world, handlers):
    ingest(
        [Reading("st-g1", "pm25", at(2), 50.0), Reading("st-g1", "pm25", at(1), 40.0)],
        allowed_stations=None,
        source="t",
    )
    ingest([Reading("st-g1", "pm25", at(0), 10.0)], allowed_stations=None, source="t")  # late: not the newest
    ds = stream(world.st1, "pm25")
    assert (ds.last_time, ds.last_value) == (at(2), 50.0)
    assert Datastream.objects.get(id=stream(world.st1, "pm10").id).last_time is None


def test_handlers_run_after_the_commit_with_the_new_readings(world, handlers, django_capture_on_commit_callbacks):
    seen: list = []
    ingesting.on_batch(seen.append)
    ingesting.on_batch(seen.append)  # registering twice is registering once
    ingest([Reading("st-g1", "pm25", at(0), 35.0)], allowed_stations=None, source="test")
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(
            [Reading("st-g1", "pm25", at(0), 35.0), Reading("st-g1", "pm25", at(1), 36.0)],
            allowed_stations=None,
            source="test",
        )
        assert seen == []  # nothing before the commit
    assert result.accepted == 1
    (batch,) = seen
    ds = stream(world.st1, "pm25")
    assert [(w.datastream_id, w.station_id, w.property, w.time, w.value, w.quality) for w in batch] == [
        (ds.id, world.st1.id, "pm25", at(1), 36.0, Quality.VALID)
    ]


def test_a_failing_handler_loses_no_data_and_others_still_run(
    world, handlers, django_capture_on_commit_callbacks, caplog
):
    seen: list = []

    def broken(batch):
        raise RuntimeError("secret value 35.0")

    ingesting.on_batch(broken)
    ingesting.on_batch(seen.append)
    before = ingesting.handler_failures()
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest([Reading("st-g1", "pm25", at(0), 35.0)], allowed_stations=None, source="test")
    assert result.accepted == 1 and Observation.objects.count() == 1
    assert len(seen) == 1
    assert ingesting.handler_failures() == before + 1
    assert "RuntimeError" in caplog.text and "secret" not in caplog.text


def test_a_batch_with_nothing_new_calls_no_handler(world, handlers, django_capture_on_commit_callbacks):
    seen: list = []
    ingesting.on_batch(seen.append)
    ingest([Reading("st-g1", "pm25", at(0), 35.0)], allowed_stations=None, source="test")
    with django_capture_on_commit_callbacks(execute=True):
        ingest(
            [Reading("st-g1", "pm25", at(0), 35.0), Reading("x", "pm25", at(0), 1.0)], allowed_stations=None, source="t"
        )
    assert seen == []


def test_retention_removes_readings_of_months_before_the_cutoff(world, handlers, settings):
    jan, mar = dt.datetime(2026, 1, 20, tzinfo=dt.UTC), dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    ingest([Reading("st-g1", "pm25", jan, 1.0), Reading("st-g1", "pm25", mar, 2.0)], allowed_stations=None, source="t")
    settings.ENVIRONMENT_RETENTION_MONTHS = 0
    assert tasks.maintain_storage()["deleted"] == 0
    storage.drop_partitions_before(dt.date(2026, 2, 1))
    assert list(Observation.objects.values_list("value", flat=True)) == [2.0]
