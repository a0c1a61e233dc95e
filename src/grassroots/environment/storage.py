"""Where observations are stored: month partitions and COPY on PostgreSQL, the plain table on SQLite.

On PostgreSQL environment_observation is range-partitioned by month of `time` (migration 0001), with a BRIN index
on time (cheap for append-mostly time series) and the primary key (datastream_id, time) in every partition.
Months are UTC calendar months: partition environment_observation_y2026m01 holds [2026-01-01, 2026-02-01) UTC.
ensure_partitions() creates a month's partition before its rows are written, so the DEFAULT partition only
catches what a failed or skipped creation let through; a later creation moves those rows out of it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from grassroots.environment.models import Observation

logger = logging.getLogger(__name__)

TABLE = "environment_observation"
DEFAULT = "environment_observation_default"
STAGE = "environment_observation_in"  # per-session temporary table the COPY lands in

Row = tuple[int, dt.datetime, float, int]  # datastream_id, time, value, quality
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)

# Partitions known to exist, per process: a cache, filled after a commit and cleared on any failure.
_known: set[str] = set()


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def month_of(moment: dt.datetime) -> dt.date:
    utc = moment.astimezone(dt.UTC)
    return dt.date(utc.year, utc.month, 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def _bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
    end = next_month(month)
    return start, dt.datetime(end.year, end.month, 1, tzinfo=dt.UTC)


def partitions() -> dict[str, dt.date]:
    """The month partitions that exist now (not DEFAULT), by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = {}
    for name in names:
        if name != DEFAULT:
            stamp = name.removeprefix(f"{TABLE}_y")
            found[name] = dt.date(int(stamp[:4]), int(stamp[5:7]), 1)
    return found


def ensure_partitions(months: Iterable[dt.date]) -> list[str]:
    """Create the partitions of `months` that do not exist yet; returns the names created. PostgreSQL only.

    A month whose rows already sit in DEFAULT (written before its partition existed) gets them moved: in one
    transaction they are deleted from DEFAULT into a scratch table, the partition is created (PostgreSQL refuses
    while DEFAULT holds rows of its range) and the rows are inserted back through the parent.
    """
    wanted = {partition_name(m): m for m in months} if is_postgres() else {}
    missing = {name: m for name, m in wanted.items() if name not in _known}
    if not missing:
        return []
    created: list[str] = []
    try:
        with transaction.atomic():
            existing = partitions()
            for name, month in sorted(missing.items()):
                if name not in existing and _create_partition(name, month):
                    created.append(name)
    except Exception:
        _known.clear()
        raise
    # Only a committed partition may be cached: a rolled-back creation must be tried again.
    transaction.on_commit(lambda: _known.update(wanted))
    return created


def _create_partition(name: str, month: dt.date) -> bool:
    start, end = _bounds(month)
    with connection.cursor() as cursor:
        # Two writers creating the same month: the second waits here, then sees the first one's partition.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        scratch = f"{name}_moving"
        cursor.execute(f"CREATE TEMP TABLE {scratch} (LIKE {TABLE})")
        cursor.execute(
            f'WITH moved AS (DELETE FROM {DEFAULT} WHERE "time" >= %s AND "time" < %s RETURNING *) '
            f"INSERT INTO {scratch} SELECT * FROM moved",
            [start, end],
        )
        moved = cursor.rowcount
        # DDL takes no parameters; the bounds are our own UTC month starts, never input.
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ('{start}') TO ('{end}')")
        if moved:
            cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {scratch}")
        cursor.execute(f"DROP TABLE {scratch}")
    logger.info("created partition %s (%d rows moved from default)", name, moved)
    return True


def write_batch(rows: list[Row]) -> list[Row]:
    """Store the rows that are new and return exactly those; a (datastream, time) already stored is skipped.

    Call inside the caller's transaction. Rows must be unique by (datastream, time) within the batch.
    """
    if not rows:
        return []
    try:
        return _write_postgres(rows) if is_postgres() else _write_sqlite(rows)
    except Exception:
        _known.clear()  # a partition may have been dropped under us: look again next time
        raise


def _write_postgres(rows: list[Row]) -> list[Row]:
    ensure_partitions({month_of(row[1]) for row in rows})
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (datastream_id bigint, time timestamptz, "
            "value double precision, quality smallint) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"DELETE FROM {STAGE}")  # several batches may share one transaction (cheap when empty)
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {STAGE} (datastream_id, time, value, quality) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "timestamptz", "float8", "int2"])
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f'INSERT INTO {TABLE} (datastream_id, "time", value, quality) '
            # In key order, so two batches that overlap take their key locks in the same order (no deadlock).
            f"SELECT datastream_id, time, value, quality FROM {STAGE} ORDER BY datastream_id, time "
            # Microseconds since the epoch, not timestamps: integers come back ~10× cheaper to parse.
            'ON CONFLICT DO NOTHING RETURNING datastream_id, (extract(epoch FROM "time") * 1000000)::bigint'
        )
        by_key = {(row[0], (row[1] - EPOCH) // MICROSECOND): row for row in rows}
        return [by_key[(ds, micros)] for ds, micros in cursor.fetchall()]


def _write_sqlite(rows: list[Row]) -> list[Row]:
    streams = {row[0] for row in rows}
    low, high = min(row[1] for row in rows), max(row[1] for row in rows)
    existing = {
        (ds, t.astimezone(dt.UTC))
        for ds, t in Observation.objects.filter(datastream_id__in=streams, time__gte=low, time__lte=high).values_list(
            "datastream_id", "time"
        )
    }
    new = [row for row in rows if (row[0], row[1].astimezone(dt.UTC)) not in existing]
    # One prepared INSERT run over the rows: the ORM's bulk_create costs about 100 µs a row here, ten times as much.
    # OR IGNORE: a concurrent writer of the same reading stores it once either way.
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT OR IGNORE INTO {TABLE} (datastream_id, "time", value, quality) VALUES (%s, %s, %s, %s)',
            [(ds, adapt(t), v, q) for ds, t, v, q in new],
        )
    return new


# Retention -------------------------------------------------------------------------------------------------


def retention_cutoff(today: dt.date | None = None) -> dt.date | None:
    """The first month kept under ENVIRONMENT_RETENTION_MONTHS (0 keeps everything): with 12, in March 2027
    the months from March 2026 on are kept."""
    months = int(getattr(settings, "ENVIRONMENT_RETENTION_MONTHS", 0))
    if months <= 0:
        return None
    today = today or timezone.now().astimezone(dt.UTC).date()
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def drop_partitions_before(month: dt.date) -> dict:
    """Drop every month partition before `month`, and delete older rows that sit in DEFAULT; on SQLite delete
    the older rows. Aggregates are kept: they are the long-term record."""
    start, _end = _bounds(month)
    dropped: list[str] = []
    if is_postgres():
        with connection.cursor() as cursor:
            for name, part_month in sorted(partitions().items()):
                if part_month < month:
                    cursor.execute(f"DROP TABLE {name}")
                    dropped.append(name)
            cursor.execute(f'DELETE FROM {DEFAULT} WHERE "time" < %s', [start])
            deleted = cursor.rowcount
        _known.difference_update(dropped)
    else:
        deleted, _ = Observation.objects.filter(time__lt=start).delete()
    if dropped or deleted:
        logger.info("retention before %s: dropped %s, deleted %d rows", month, dropped, deleted)
    return {"dropped": dropped, "deleted": deleted}


def apply_retention() -> dict:
    cutoff = retention_cutoff()
    if cutoff is None:
        return {"dropped": [], "deleted": 0}
    return drop_partitions_before(cutoff)
