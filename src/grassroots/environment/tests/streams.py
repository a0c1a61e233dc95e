"""Stations and datastreams for the ingestion tests (not a conftest: other environment tests have their own)."""

from __future__ import annotations

import datetime as dt

from grassroots.environment.models import Aggregation, Datastream, ObservedProperty, Station, StationKind

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)  # a fixed past hour the tests write around


def station(region, code: str, properties=("pm25", "pm10"), kind=StationKind.AIR) -> Station:
    """A station in `region` with one hourly datastream per property, in the property's canonical unit."""
    made = Station.objects.create(code=code, name=f"测试站 {code}", kind=kind, region=region, lng=116.32, lat=39.85)
    for prop in ObservedProperty.objects.filter(code__in=properties):
        Datastream.objects.create(
            station=made, property=prop, unit=prop.unit, aggregation=Aggregation.HOURLY_MEAN, interval_minutes=60
        )
    return made


def stream(station_obj: Station, prop: str) -> Datastream:
    return Datastream.objects.get(station=station_obj, property__code=prop)
