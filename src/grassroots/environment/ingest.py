"""The one write path for readings: HTTP batches, MQTT, lab imports and the demo replay all call ingest().

Each item is checked on its own, so a bad item never rejects the good ones beside it; the good ones are written
in one batch (storage.write_batch), idempotent by (datastream, time). After the commit the batch handlers
registered with on_batch() run (warning rules), so a failing rule can never lose a stored reading.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.errors import ErrorCode
from grassroots.environment import aggregates, storage
from grassroots.environment.models import Datastream, Quality, Station

logger = logging.getLogger(__name__)

FAILURES_KEY = "environment:batch_handler_failures"  # a per-deployment counter in the cache, read by health views


@dataclass(frozen=True, slots=True)
class Reading:
    station: str  # Station.code
    property: str  # ObservedProperty.code
    time: datetime  # must be timezone-aware
    value: float
    unit: str | None = None  # None: the datastream's own (canonical) unit
    quality: int = Quality.VALID


@dataclass
class ItemError:
    index: int  # position of the item in the batch sent
    code: str  # a stable code, see docs/environment-ingest.md
    message: str


@dataclass
class IngestResult:
    accepted: int  # new readings stored
    duplicates: int  # readings already stored for the same (datastream, time), or repeated in the batch
    errors: list[ItemError] = field(default_factory=list)
    written: list[Written] = field(default_factory=list, repr=False)  # the new readings, as handlers get them


@dataclass(frozen=True, slots=True)
class Written:
    """A reading as stored, handed to the batch handlers after the commit."""

    datastream_id: int
    station_id: int
    property: str
    time: datetime
    value: float
    quality: int


BatchHandler = Callable[[list[Written]], None]

# A registry filled once from AppConfig.ready(), not state that changes while requests run.
_handlers: list[BatchHandler] = []


def on_batch(handler: BatchHandler) -> None:
    """Run `handler(written)` after every committed batch that stored at least one new reading."""
    if handler not in _handlers:
        _handlers.append(handler)


def handlers() -> list[BatchHandler]:
    return list(_handlers)


# Item error codes: the ErrorCode catalogue's strings (core/errors.py, docs/environment-ingest.md).
UNKNOWN_STATION = str(ErrorCode.UNKNOWN_STATION)
STATION_NOT_ALLOWED = str(ErrorCode.STATION_NOT_ALLOWED)
UNKNOWN_DATASTREAM = str(ErrorCode.UNKNOWN_DATASTREAM)
UNIT_MISMATCH = str(ErrorCode.UNIT_MISMATCH)
NOT_A_NUMBER = str(ErrorCode.NOT_A_NUMBER)
FUTURE_TIME = str(ErrorCode.FUTURE_TIME)
NAIVE_TIME = str(ErrorCode.NAIVE_TIME)
INVALID_ITEM = str(ErrorCode.INVALID_ITEM)  # the item is not a reading at all (schema), see ingest_api


# Spellings of "no unit" (pH, ratios) that all mean the canonical 无量纲.
_DIMENSIONLESS = {"", "1", "-", "无量纲", "dimensionless", "ph", "none"}


@lru_cache(maxsize=256)
def normalise_unit(unit: str) -> str:
    """A comparable form: NFKC folds µ→μ, ³→3, ℃→°C; case, spaces and the μ/u spelling do not matter,
    so "ug/m3", "µg/m³" and "μg/m3" are one unit, as are "dB(A)" and "dBA", "℃" and "degC"."""
    text = unicodedata.normalize("NFKC", unit).strip().lower().replace(" ", "")
    text = text.replace("μ", "u").replace("°", "deg").replace("(", "").replace(")", "")
    return "" if text in _DIMENSIONLESS else text


def _tolerance() -> timedelta:
    return timedelta(seconds=getattr(settings, "ENVIRONMENT_FUTURE_TOLERANCE_SECONDS", 300))


@dataclass(frozen=True)
class _Stream:
    id: int
    station_id: int
    property: str
    unit: str
    low: float | None
    high: float | None
    unit_key: str = ""  # normalise_unit(unit)


def _lookup(readings: Sequence[Reading]) -> tuple[dict[str, int], dict[tuple[int, str], _Stream]]:
    codes = {r.station for r in readings if isinstance(r.station, str)}
    stations = dict(Station.objects.filter(code__in=codes).values_list("code", "id"))
    rows = Datastream.objects.filter(station_id__in=stations.values()).values_list(
        "id", "station_id", "property__code", "unit", "property__physical_min", "property__physical_max"
    )
    streams = {(row[1], row[2]): _Stream(*row, normalise_unit(row[3])) for row in rows}
    return stations, streams


QUALITIES = frozenset(Quality.values)
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def _check(reading: Reading, stations, streams, allowed, limit) -> tuple[_Stream, float, int] | tuple[str, str]:
    """The stream, value and quality of a good reading, or (code, message) of a bad one. The hot loop of
    ingestion (10,000 calls a batch): messages are built only for the bad ones."""
    station_id = stations.get(reading.station)
    if station_id is None:
        return UNKNOWN_STATION, _("未知站点 %(station)s") % {"station": reading.station}
    if allowed is not None and station_id not in allowed:
        return STATION_NOT_ALLOWED, _("该令牌无权写入站点 %(station)s") % {"station": reading.station}
    stream = streams.get((station_id, reading.property))
    if stream is None:
        return UNKNOWN_DATASTREAM, _("站点 %(station)s 没有指标 %(property)s 的数据流") % {
            "station": reading.station,
            "property": reading.property,
        }
    if reading.unit is not None and normalise_unit(reading.unit) != stream.unit_key:
        return UNIT_MISMATCH, _("单位 %(unit)s 与数据流单位 %(expected)s 不符") % {
            "unit": reading.unit,
            "expected": stream.unit,
        }
    value = reading.value
    if value.__class__ is not float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return NOT_A_NUMBER, _("数值不是有限数")
        value = float(value)
    if not math.isfinite(value):
        return NOT_A_NUMBER, _("数值不是有限数")
    moment = reading.time
    if not isinstance(moment, datetime):
        return INVALID_ITEM, _("时间格式无效")
    if moment.utcoffset() is None:
        return NAIVE_TIME, _("时间缺少时区")
    if moment > limit:
        return FUTURE_TIME, _("时间晚于当前时间超过容差")
    if moment < EARLIEST:  # a device's reset clock; it would also create a partition per bogus month
        return INVALID_ITEM, _("时间早于 1970 年")
    quality = reading.quality
    if quality not in QUALITIES:
        return INVALID_ITEM, _("质量标志只能是 0、1 或 2")
    # Outside what the sensor can physically read: stored as suspect, so the sensor-health rules see it.
    if (stream.low is not None and value < stream.low) or (stream.high is not None and value > stream.high):
        quality = max(quality, Quality.SUSPECT)
    return stream, value, quality


def ingest(readings: Sequence[Reading], *, allowed_stations: set[int] | None, source: str) -> IngestResult:
    """Validate each reading, store the good ones in one batch and hand the new ones to the batch handlers.

    allowed_stations: the station ids the caller (an ingest token) may write, None for trusted callers (MQTT
    with its broker ACL, lab import after its permission check, demo). source: "http", "mqtt", "lab" …, for logs.
    """
    limit = timezone.now() + _tolerance()
    stations, streams = _lookup(readings)
    errors: list[ItemError] = []
    rows: dict[tuple[int, datetime], tuple[_Stream, float, int]] = {}
    repeated = 0
    for index, reading in enumerate(readings):
        checked = _check(reading, stations, streams, allowed_stations, limit)
        if isinstance(checked[0], str):
            errors.append(ItemError(index, checked[0], checked[1]))
            continue
        key = (checked[0].id, reading.time)
        if key in rows:  # the same (datastream, time) twice in one batch: the first one counts
            repeated += 1
            continue
        rows[key] = checked
    written: list[Written] = []
    if rows:
        with transaction.atomic():
            new = storage.write_batch([(key[0], key[1], value, quality) for key, (_s, value, quality) in rows.items()])
            by_id = {stream.id: stream for stream, _v, _q in rows.values()}
            written = [Written(ds, by_id[ds].station_id, by_id[ds].property, t, v, q) for ds, t, v, q in new]
            _update_last(written)
            aggregates.mark_dirty(written)
            if written:
                transaction.on_commit(lambda: run_handlers(written))
    result = IngestResult(len(written), len(rows) - len(written) + repeated, errors, written)
    logger.info(
        "ingest %s: %d accepted, %d duplicates, %d errors", source, result.accepted, result.duplicates, len(errors)
    )
    return result


def _update_last(written: list[Written]) -> None:
    """last_time/last_value follow the newest valid reading: a live view never shows a sensor fault's value.
    One guarded UPDATE per datastream, in id order so concurrent batches lock rows in the same order."""
    newest: dict[int, Written] = {}
    for item in written:
        if item.quality == Quality.VALID:
            known = newest.get(item.datastream_id)
            if known is None or item.time > known.time:
                newest[item.datastream_id] = item
    if not newest:
        return
    table = Datastream._meta.db_table
    order = sorted(newest)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement for the batch
            cursor.execute(
                f"UPDATE {table} AS d SET last_time = v.t, last_value = v.x "
                "FROM unnest(%s::bigint[], %s::timestamptz[], %s::float8[]) AS v(id, t, x) "
                "WHERE d.id = v.id AND (d.last_time IS NULL OR d.last_time < v.t)",
                [order, [newest[ds].time for ds in order], [newest[ds].value for ds in order]],
            )
            return
        adapt = connection.ops.adapt_datetimefield_value
        cursor.executemany(
            f"UPDATE {table} SET last_time = %s, last_value = %s "
            "WHERE id = %s AND (last_time IS NULL OR last_time < %s)",
            [(adapt(newest[ds].time), newest[ds].value, ds, adapt(newest[ds].time)) for ds in order],
        )


def run_handlers(written: list[Written]) -> int:
    """Run every batch handler; one that fails is logged (its name and error type only, no data) and counted,
    and the others still run. Returns the number of failures."""
    failures = 0
    for handler in list(_handlers):
        try:
            handler(written)
        except Exception as exc:  # noqa: BLE001 — a rule's failure must not stop ingestion or other rules
            failures += 1
            logger.error("batch handler %s failed: %s", getattr(handler, "__qualname__", handler), type(exc).__name__)
    if failures:
        try:
            cache.incr(FAILURES_KEY, failures)
        except ValueError:
            cache.set(FAILURES_KEY, failures, None)
    return failures


def handler_failures() -> int:
    return int(cache.get(FAILURES_KEY, 0))
