"""Stations, streams and readings for the rule and alert tests, written as ingest would write them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from grassroots.environment.models import (
    Aggregation,
    Datastream,
    Observation,
    ObservedProperty,
    Quality,
    Rule,
    Station,
    StationKind,
)

TZ = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai, the project's TIME_ZONE


@dataclass(frozen=True)
class Written:  # ingest.Written's contract
    datastream_id: int
    station_id: int
    property: str
    time: dt.datetime
    value: float
    quality: int = Quality.VALID


def only(*rules: Rule) -> None:
    """Switch the default rules off so a test sees only its own."""
    Rule.objects.exclude(pk__in=[r.pk for r in rules]).update(active=False)


def station(region, code="aq-t1", kind=StationKind.AIR, operator=None, **fields) -> Station:
    return Station.objects.create(
        code=code, name=f"{code}站", kind=kind, region=region, lng=116.32, lat=39.85, operator=operator, **fields
    )


def stream(site: Station, code: str, aggregation=Aggregation.HOURLY_MEAN, interval=60) -> Datastream:
    prop = ObservedProperty.objects.get(code=code)
    return Datastream.objects.create(
        station=site, property=prop, unit=prop.unit, aggregation=aggregation, interval_minutes=interval
    )


def write(ds: Datastream, readings: list[tuple[dt.datetime, float]], quality=Quality.VALID) -> list[Written]:
    """Store the readings (as ingest does, before the handlers run) and return them as the batch handed on."""
    Observation.objects.bulk_create([Observation(datastream=ds, time=t, value=v, quality=quality) for t, v in readings])
    last_time, last_value = max(readings)
    Datastream.objects.filter(pk=ds.pk).update(last_time=last_time, last_value=last_value)
    return [Written(ds.pk, ds.station_id, ds.property.code, t, v, quality) for t, v in readings]


def hours_ago(n: float) -> dt.datetime:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    return now - dt.timedelta(hours=n)
