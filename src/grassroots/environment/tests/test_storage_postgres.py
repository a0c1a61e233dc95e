"""PostgreSQL storage: month partitions, rows moved out of DEFAULT, retention, and the COPY path.

Run with DATABASE_URL=postgres://…; skipped on SQLite, which keeps the same model without partitions.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from grassroots.environment import storage
from grassroots.environment.models import Observation
from grassroots.environment.tests.streams import station, stream

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def at(month: dt.date, day: int = 1, hour: int = 0) -> dt.datetime:
    return dt.datetime(month.year, month.month, day, hour, tzinfo=dt.UTC)


def rows_in(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def bounds(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = %s", [name])
        return cursor.fetchone()[0]


@pytest.fixture
def ds(cast, monkeypatch):
    monkeypatch.setattr(storage, "_known", set())
    return stream(station(cast.G1, "st-g1"), "pm25")


def test_a_month_gets_its_partition_before_its_rows(ds):
    new = storage.write_batch([(ds.pk, at(FEB, 3, 5), 35.0, 0), (ds.pk, at(MAR, 31, 23), 36.0, 0)])
    assert len(new) == 2
    parts = storage.partitions()
    assert {"environment_observation_y2026m02", "environment_observation_y2026m03"} <= set(parts)
    assert bounds("environment_observation_y2026m02") == (
        "FOR VALUES FROM ('2026-02-01 00:00:00+00') TO ('2026-03-01 00:00:00+00')"
    )
    assert rows_in("environment_observation_y2026m02") == rows_in("environment_observation_y2026m03") == 1
    assert rows_in(storage.DEFAULT) == 0


def test_rows_already_in_default_move_into_the_new_partition(ds):
    Observation.objects.bulk_create(  # written past storage: no partition yet, so they land in DEFAULT
        [Observation(datastream_id=ds.pk, time=at(JAN, d), value=float(d), quality=0) for d in (1, 15, 31)]
        + [Observation(datastream_id=ds.pk, time=at(FEB, 2), value=2.0, quality=0)]
    )
    assert rows_in(storage.DEFAULT) == 4
    assert storage.ensure_partitions([JAN]) == ["environment_observation_y2026m01"]
    assert rows_in("environment_observation_y2026m01") == 3
    assert rows_in(storage.DEFAULT) == 1  # February's row waits for its own partition
    assert sorted(Observation.objects.values_list("value", flat=True)) == [1.0, 2.0, 15.0, 31.0]
    assert storage.ensure_partitions([JAN]) == []  # exists now: nothing to do


def test_the_copy_path_stores_new_rows_and_skips_the_stored_ones(ds):
    first = [(ds.pk, at(MAR, 1, h), float(h), 0) for h in range(5)]
    assert storage.write_batch(first) == first
    again = first[2:] + [(ds.pk, at(MAR, 2), 99.0, 1)]
    assert storage.write_batch(again) == [(ds.pk, at(MAR, 2), 99.0, 1)]
    assert Observation.objects.count() == 6
    assert storage.write_batch(first[:1]) == []  # twice in one transaction: the staging table is emptied first


def test_retention_drops_old_partitions_and_old_default_rows(ds, settings):
    storage.write_batch([(ds.pk, at(m), 1.0, 0) for m in (JAN, FEB, MAR)])
    with connection.cursor() as cursor:  # a December row stuck in DEFAULT (no partition for it)
        cursor.execute(f"INSERT INTO {storage.DEFAULT} VALUES (%s, %s, 1.0, 0)", [ds.pk, at(dt.date(2025, 12, 1))])
    done = storage.drop_partitions_before(FEB)
    assert done == {"dropped": ["environment_observation_y2026m01"], "deleted": 1}
    assert "environment_observation_y2026m01" not in storage.partitions()
    assert sorted(t.month for t in Observation.objects.values_list("time", flat=True)) == [2, 3]
    settings.ENVIRONMENT_RETENTION_MONTHS = 0
    assert storage.apply_retention() == {"dropped": [], "deleted": 0}


def test_the_retention_cutoff_counts_whole_months(settings):
    settings.ENVIRONMENT_RETENTION_MONTHS = 12
    assert storage.retention_cutoff(dt.date(2027, 3, 15)) == dt.date(2026, 3, 1)
    settings.ENVIRONMENT_RETENTION_MONTHS = 3
    assert storage.retention_cutoff(dt.date(2027, 1, 31)) == dt.date(2026, 10, 1)
    settings.ENVIRONMENT_RETENTION_MONTHS = 0
    assert storage.retention_cutoff(dt.date(2027, 1, 31)) is None


def test_a_partition_is_cached_only_once_committed(ds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        storage.ensure_partitions([MAR])
    assert storage._known == set()  # not committed (the test's transaction): looked up again next time
    with django_capture_on_commit_callbacks(execute=True):
        storage.ensure_partitions([FEB])
    assert "environment_observation_y2026m02" in storage._known


def test_a_failed_write_forgets_the_cached_partitions(ds):
    storage._known.add("environment_observation_y2026m03")
    with pytest.raises(IntegrityError), transaction.atomic():
        storage.write_batch([(ds.pk, at(MAR), 1.0, -1)])  # CHECK (quality >= 0): the INSERT fails
    assert storage._known == set()


def test_the_table_has_a_brin_index_on_time_and_the_key_in_each_partition(ds):
    storage.ensure_partitions([MAR])
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", ["environment_observation"])
        defs = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", ["environment_observation_y2026m03"])
        part = [row[0] for row in cursor.fetchall()]
    assert any("USING brin" in d and "time" in d for d in defs)
    assert any("UNIQUE" in d and '(datastream_id, "time")' in d for d in part)
    assert any("USING brin" in d for d in part)
