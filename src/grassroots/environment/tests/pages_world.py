"""Stations with readings for the page tests: an air station in G1 run by the cast's firm, a water section in G3,
an air station outside 甲街道 (G4), with hourly aggregates as the ingester would have rolled them up."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.utils import timezone

from grassroots.environment.models import (
    Aggregate,
    Aggregation,
    Datastream,
    Observation,
    ObservedProperty,
    Period,
    Station,
    StationKind,
)


def stream(station: Station, code: str, value: float, *, hours: int = 24, at: dt.datetime | None = None) -> Datastream:
    """A datastream whose last `hours` readings, one an hour, are all `value`, the newest at `at` (this hour by
    default), with the hourly and daily aggregates the rollup would have written."""
    prop = ObservedProperty.objects.get(code=code)
    newest = (at or timezone.now()).replace(minute=0, second=0, microsecond=0)
    ds = Datastream.objects.create(
        station=station, property=prop, unit=prop.unit, aggregation=Aggregation.HOURLY_MEAN,
        last_time=newest, last_value=value,
    )  # fmt: skip
    Observation.objects.bulk_create(
        Observation(datastream=ds, time=newest - dt.timedelta(hours=h), value=value) for h in range(hours)
    )
    Aggregate.objects.bulk_create(
        Aggregate(datastream=ds, period=Period.HOUR, start=newest - dt.timedelta(hours=h), count=1, total=value,
                  minimum=value, maximum=value)
        for h in range(hours)
    )  # fmt: skip
    Aggregate.objects.create(
        datastream=ds, period=Period.DAY, start=newest.replace(hour=0), count=hours, total=value * hours,
        minimum=value, maximum=value,
    )  # fmt: skip
    return ds


def reference_data() -> None:
    """The observed properties and default rules the migrations seed, again: a browser test's flush removes
    migration data for the tests after it (both seeds are idempotent)."""
    from django.apps import apps

    for name in ("0002_observed_properties", "0003_rules_defaults"):
        import_module(f"grassroots.environment.migrations.{name}").seed(apps, None)


def build(cast) -> None:
    reference_data()
    cast.air = Station.objects.create(
        code="aq-jia-1", name="甲街道空气站", kind=StationKind.AIR, region=cast.G1, lng=116.32, lat=39.85,
        operator=cast.firm, operator_name=cast.firm.name,
    )  # fmt: skip
    # PM2.5 at 80 µg/m³ for 24 h under HJ 633-2026: 100 + 50·(80−60)/(115−60) = 118.2 → IAQI 119, 轻度污染.
    stream(cast.air, "pm25", 80)
    stream(cast.air, "pm10", 70)
    stream(cast.air, "no2", 30, hours=1)
    cast.river = Station.objects.create(
        code="river-jia", name="甲河断面", kind=StationKind.WATER, region=cast.G3, lng=116.35, lat=39.95,
        water_target="III",
    )  # fmt: skip
    stream(cast.river, "codmn", 5, hours=1)  # Ⅲ类 (4 < 5 ≤ 6)
    stream(cast.river, "nh3n", 1.2, hours=1)  # Ⅳ类 (1.0 < 1.2 ≤ 1.5): worse than the Ⅲ target
    cast.far = Station.objects.create(
        code="aq-yi-1", name="乙街道空气站", kind=StationKind.AIR, region=cast.G4, lng=116.45, lat=39.85
    )
    stream(cast.far, "pm25", 20)
