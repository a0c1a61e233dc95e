"""Stations, streams and readings for the rule and alert tests, written as ingest would write them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from grassroots.accounts import services as accounts
from grassroots.accounts.models import Department
from grassroots.accounts.roles import Role
from grassroots.cases.models import Category, ResponsibilityRule
from grassroots.conftest import PASSWORD
from grassroots.environment import rules
from grassroots.environment.models import (
    Aggregation,
    Datastream,
    Observation,
    ObservedProperty,
    OperatorContact,
    Quality,
    Rule,
    RuleKind,
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


def make_outlet(cast):
    """A discharge outlet in G1 run by the cast's firm, whose contact has an ordinary login; COD > 100 opens a
    case, and sewage cases in S1 go to the street's environment office (生态环境科)."""
    cast.hbk = Department.objects.create(name="甲街道生态环境科", code="s1-hbk", region=cast.S1)
    cast.env_officer = accounts.create_user(username="env_officer", password=PASSWORD, display_name="环保员")
    accounts.grant_membership(None, cast.env_officer, role=Role.DEPARTMENT, region=cast.S1, department=cast.hbk)
    ResponsibilityRule.objects.create(
        category=Category.objects.get(code="sewage"), level=2, department=cast.hbk, within=cast.S1, sla_hours=14,
        warn_hours=2,
    )  # fmt: skip
    cast.firm_user = accounts.create_user(username="firm_user", password=PASSWORD, display_name="测试餐馆环保负责人")
    OperatorContact.objects.create(legal_person=cast.firm, user=cast.firm_user)
    cast.cod_rule = Rule.objects.create(
        name="排污口 COD 超标（测试）", kind=RuleKind.THRESHOLD, station_kind=StationKind.DISCHARGE,
        params={"op": ">", "value": 100}, level=3, open_case=True, case_category="sewage",
    )  # fmt: skip
    only(cast.cod_rule)
    site = station(cast.G1, "dc-g1", StationKind.DISCHARGE, operator=cast.firm, operator_name="测试餐馆")
    cast.cod = stream(site, "cod", interval=1)
    return cast


def storm(cast, n: int, *, batches: int = 1) -> None:
    start = hours_ago(2)
    readings = [(start + dt.timedelta(minutes=i), 150.0 + i) for i in range(n)]
    size = n // batches
    for b in range(batches):
        rules.evaluate_batch(write(cast.cod, readings[b * size : (b + 1) * size]))
