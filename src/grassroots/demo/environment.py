"""Demo environment stations (演示数据, is_demo) in the demo district, with a year of data at medium scale.

Per street: air stations (pm25, pm10, so2, no2, co, o3, hourly), a river section (ph, do, codmn, nh3n, tp, one
lab sample a day), a noise point (hourly Leq, with its GB 3096-2008 functional zone); two soil sites (soil pH and
eight metals, a sample a quarter) and one discharge outlet (flow, cod) operated by a demo firm whose contact can
sign in. The series come from demo/environment_series.py; the small scale (tests) keeps a week only.

Observations are bulk-inserted (demo/history.py does the same for past cases): going through ingest() would run
the warning rules over a year of history and open a storm of cases the demo does not want.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from grassroots.accounts import services as accounts
from grassroots.areas.models import Level, Region
from grassroots.demo import environment_series as series
from grassroots.environment import aggregates, storage
from grassroots.environment.models import (
    Aggregate,
    Aggregation,
    Datastream,
    Observation,
    ObservedProperty,
    OperatorContact,
    Period,
    Quality,
    Sensor,
    Station,
    StationKind,
)  # fmt: skip
from grassroots.registry.models import Industry, LegalPerson

# scale → (days of hourly data, air stations per street)
DAYS = {"small": (7, 2), "medium": (365, 2), "large": (365, 3)}
FIRM_USERNAME = "qy_demo"
MONITOR = "区生态环境监测站（演示）"
NOISE_ZONES = ("4a", "1", "2")
BATCH = 5000


@dataclass(frozen=True)
class Plan:
    station: Station
    streams: dict[str, tuple[Aggregation, int]]  # property code → aggregation, interval in minutes
    times: list[datetime]
    values: dict[str, np.ndarray]


def seed_environment(scale_name: str, *, seed: int, password: str, progress=print) -> dict[str, int]:
    """Idempotent: a district that already has demo stations is left as it is."""
    if Station.objects.filter(is_demo=True).exists():
        return {"env_stations": Station.objects.filter(is_demo=True).count()}
    began = time.monotonic()
    days, per_street = DAYS[scale_name]
    rng = np.random.default_rng(seed + 13)
    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        plans = _plans(rng, end, days, per_street)
        firm = _firm_outlet(rng, end, days, plans)
        counts = _write(plans)
        if firm is not None:
            _firm_login(firm, password)
    counts["env_seconds"] = round(time.monotonic() - began, 1)
    progress(gettext("环境监测：%(s)s 个站点，%(o)s 条观测值（%(t)s 秒）")
             % {"s": counts["env_stations"], "o": counts["observations"], "t": counts["env_seconds"]})  # fmt: skip
    return counts


def _grids(street: Region) -> list[Region]:
    return list(Region.objects.filter(level=Level.GRID, path__startswith=street.path).order_by("code"))


def _station(code: str, name: str, kind: StationKind, grid: Region, rng, **extra) -> Station:
    lng = (grid.center_lng or 116.41) + rng.normal(0, 0.0005)
    lat = (grid.center_lat or 39.92) + rng.normal(0, 0.0005)
    return Station.objects.create(
        code=code, name=name, kind=kind, region=grid, lng=round(lng, 6), lat=round(lat, 6), is_demo=True, **extra
    )


def _plans(rng, end: datetime, days: int, per_street: int) -> list[Plan]:
    hours = series.hourly(end, days * 24)
    samples = series.daily(end, days)
    plans: list[Plan] = []
    streets = list(Region.objects.filter(level=Level.STREET).order_by("code"))
    for s, street in enumerate(streets):
        grids = _grids(street)
        if not grids:
            continue
        tail = street.code[-3:]
        for n in range(per_street):
            grid = grids[(n * len(grids)) // per_street]
            name = f"{street.name}{grid.name[:-4] if grid.name.endswith('网格') else grid.name}空气站（演示）"
            station = _station(f"aq-{tail}-{n + 1}", name, StationKind.AIR, grid, rng, operator_name=MONITOR)
            streams = {code: (Aggregation.HOURLY_MEAN, 60) for code in ("pm25", "pm10", "so2", "no2", "co", "o3")}
            plans.append(Plan(station, streams, hours, series.air(hours, rng)))
        river = _station(f"ws-{tail}", f"{street.name}河道断面（演示）", StationKind.WATER, grids[-1], rng,
                         operator_name=MONITOR, water_target="III")  # fmt: skip
        water = {code: (Aggregation.SAMPLE, 1440) for code in ("ph", "do", "codmn", "nh3n", "tp")}
        plans.append(Plan(river, water, samples, series.water(samples, rng)))
        zone = NOISE_ZONES[s % len(NOISE_ZONES)]
        point = _station(f"ns-{tail}", f"{street.name}声环境监测点（演示）", StationKind.NOISE, grids[len(grids) // 2],
                         rng, operator_name=MONITOR, noise_zone=zone)  # fmt: skip
        plans.append(Plan(point, {"leq": (Aggregation.HOURLY_MEAN, 60)}, hours, series.noise(hours, rng, zone)))
        if s < 2:  # two soil sites; the second a little richer in cadmium, still below screening at pH > 7.5
            quarters = [samples[-1] - timedelta(days=91 * k) for k in (3, 2, 1, 0)]  # a year, whatever the scale
            site = _station(f"so-{tail}", f"{street.name}绿地土壤点位（演示）", StationKind.SOIL, grids[0], rng,
                            operator_name=MONITOR, soil_land_use="other")  # fmt: skip
            metals = {code: (Aggregation.SAMPLE, 91 * 1440) for code in series.SOIL}
            plans.append(Plan(site, metals, quarters, series.soil(quarters, rng, cadmium=1.0 + 1.2 * s)))
    return plans


def _firm_outlet(rng, end: datetime, days: int, plans: list[Plan]) -> LegalPerson | None:
    """The discharge outlet of a demo works (a manufacturer if the demo has one), run by the firm itself."""
    firms = LegalPerson.objects.filter(is_demo=True).order_by("uscc")
    firm = firms.filter(industry=Industry.MANUFACTURING).first() or firms.first()
    if firm is None:
        return None
    hours = series.hourly(end, days * 24)
    outlet = _station("dc-001", f"{firm.name}废水排放口（演示）", StationKind.DISCHARGE, firm.region, rng,
                      operator=firm, operator_name=firm.name)  # fmt: skip
    streams = {"flow": (Aggregation.HOURLY_MEAN, 60), "cod": (Aggregation.HOURLY_MEAN, 60)}
    plans.append(Plan(outlet, streams, hours, series.discharge(hours, rng)))
    return firm


def _firm_login(firm: LegalPerson, password: str) -> None:
    """The firm's environment contact (企业联系人): notified of its outlet's alerts, reports rectification."""
    name = gettext("%(firm)s环保专员（演示）") % {"firm": firm.name}
    user = accounts.create_users_bulk([(FIRM_USERNAME, name)], password=password)[FIRM_USERNAME]
    OperatorContact.objects.get_or_create(legal_person=firm, user=user)


@dataclass(frozen=True)
class Clock:
    """A plan's times in the forms every one of its streams needs, worked out once."""

    stamps: list  # the times as the database takes them
    hours: list  # the local hour each falls in (aggregates.hour_of), likewise
    days: list  # the local days (aggregates.day_of), likewise
    day_of: np.ndarray  # index into `days` of each time

    @classmethod
    def of(cls, times: list[datetime]) -> Clock:
        adapt = connection.ops.adapt_datetimefield_value
        index: dict[datetime, int] = {}
        day_of = np.array([index.setdefault(aggregates.day_of(t), len(index)) for t in times])
        return cls([adapt(t) for t in times], [adapt(aggregates.hour_of(t)) for t in times],
                   [adapt(d) for d in index], day_of)  # fmt: skip


def _write(plans: list[Plan]) -> dict[str, int]:
    properties = {p.code: p for p in ObservedProperty.objects.all()}
    total = 0
    for plan in plans:
        if plan.station.kind in (StationKind.AIR, StationKind.NOISE, StationKind.DISCHARGE):
            Sensor.objects.create(station=plan.station, serial=f"DEMO-{plan.station.code.upper()}", model_name="演示")
        clock = Clock.of(plan.times)
        for code, (aggregation, interval) in plan.streams.items():
            prop = properties[code]
            values = plan.values[code].astype(float)
            stream = Datastream.objects.create(
                station=plan.station, property=prop, unit=prop.unit, aggregation=aggregation,
                interval_minutes=interval, last_time=plan.times[-1], last_value=float(values[-1]),
            )  # fmt: skip
            _store(stream.pk, plan.times, clock, values.tolist())
            _aggregate(stream.pk, clock, values)
            total += len(values)
    return {"env_stations": len(plans), "observations": total}


def _store(pk: int, times: list[datetime], clock: Clock, values: list[float]) -> None:
    """PostgreSQL: storage.write_batch (COPY into the month partitions). SQLite: plain multi-row INSERTs, since
    the ORM's bulk_create (storage's SQLite path) spends ~100 µs a row preparing values (measured: 49 s against
    4.4 s for 249,000 rows). The rows are new, so nothing is skipped."""
    valid = int(Quality.VALID)
    if storage.is_postgres():
        storage.write_batch([(pk, t, v, valid) for t, v in zip(times, values, strict=True)])
        return
    rows = [(pk, t, v, valid) for t, v in zip(clock.stamps, values, strict=True)]
    _insert(Observation, ("datastream", "time", "value", "quality"), rows)


def _aggregate(pk: int, clock: Clock, values: np.ndarray) -> None:
    """The stream's hourly and daily aggregates, as aggregates.rebuild() would make them (checked in
    demo/tests/test_environment.py) but from the values in hand: every demo stream has at most one reading an
    hour, so an hour is that reading and a day the sum of its hours (local days, aggregates.day_of)."""
    hour, day = str(Period.HOUR), str(Period.DAY)
    rows = [(pk, hour, start, 1, v, v, v) for start, v in zip(clock.hours, values.tolist(), strict=True)]
    n = len(clock.days)
    counts = np.bincount(clock.day_of, minlength=n)
    totals = np.bincount(clock.day_of, weights=values, minlength=n)
    low, high = np.full(n, np.inf), np.full(n, -np.inf)
    np.minimum.at(low, clock.day_of, values)
    np.maximum.at(high, clock.day_of, values)
    rows += [(pk, day, start, int(c), float(t), float(lo), float(hi))
             for start, c, t, lo, hi in zip(clock.days, counts, totals, low, high, strict=True)]  # fmt: skip
    _insert(Aggregate, ("datastream", "period", "start", "count", "total", "minimum", "maximum"), rows)


def _insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows whose datetimes are already adapted for the database."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
