"""Where each station stands now against its standard: the live views' one reading of the latest data.

Air stations get the real-time (hourly) AQI of HJ 633 §5 from their hourly aggregates: PM2.5 and PM10 as the
24 h moving mean, O3 also as its 8 h moving mean, SO2, NO2, CO and O3 as the latest 1 h mean. Water sections
get their GB 3838-2002 class from the latest value of each basic item and are compared with their target
class; noise points their GB 3096-2008 limit for the zone and the period of the reading's hour; soil sites
their GB 15618-2018 risk for the land use. A station with no reading, or a reading the standard cannot judge,
says so instead of showing a number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.environment.models import Aggregate, Datastream, Period, Station, StationKind
from grassroots.environment.standards import StandardInputError, aqi, noise, soil, water

GREY = "#9aa5b1"  # no data, or no standard for the kind
WATER_COLOURS = {  # the colours used in China's water-quality bulletins, Ⅰ … 劣Ⅴ
    "I": "#44c4f2", "II": "#1f77d0", "III": "#00b050", "IV": "#ffd700", "V": "#ff8c00", "劣V": "#e00000",
}  # fmt: skip
SOIL_COLOURS = {"low": "#00b050", "possible": "#ff8c00", "high": "#e00000"}
WATER_ITEMS = ("ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn")  # the GB 3838 items our sections measure
AIR_ONE_HOUR = ("so2", "no2", "co", "o3")
MOVING_24H = ("pm25", "pm10")  # HJ 633 §5: the real-time report uses their 24 h moving mean
STALE_AFTER = dt.timedelta(hours=3)  # an hourly reading older than this is not "current"


def aqi_standard() -> str:
    """The deployment's AQI standard (HJ 633-2026 since 2026-03-01, or HJ 633-2012 where still reported)."""
    return getattr(settings, "ENVIRONMENT_AQI_STANDARD", "HJ633-2026")


@dataclass
class Now:
    """A station's current standing. `rank` orders stations across kinds on one scale: 0 fine, 1 not yet beyond
    its standard (AQI 良), 2 just beyond it (轻度污染, one class worse than the water target, over a noise
    limit, soil between screening and intervention values), up to 5 (严重污染)."""

    station: Station
    at: dt.datetime | None = None
    value: str = ""  # the headline figure: "AQI 85", "Ⅲ类", "58.2 dB(A)"
    label: str = ""  # its category: 良, 达标, 超标 3.2 dB(A) …
    colour: str = GREY
    rank: int = 0
    exceeds: bool = False  # beyond the standard (AQI > 100, worse than the target class, over the limit, risk)
    result: object = None  # the standards calculator's result, for the station page
    error: str = ""
    values: dict[str, tuple[float, dt.datetime]] = field(default_factory=dict)  # property → (value, time)
    inputs: dict[str, float] = field(default_factory=dict)  # what the calculator was given (AQI: HJ 633 inputs)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # property → (name, unit)
    # Out of date after twice the station's longest reporting interval (a lab sample every 90 days is current for
    # months), never sooner than STALE_AFTER.
    max_age: dt.timedelta = STALE_AFTER

    @property
    def has_data(self) -> bool:
        return self.at is not None and not self.error

    @property
    def stale(self) -> bool:
        return self.at is None or timezone.now() - self.at > self.max_age


def assess(stations: Iterable[Station]) -> dict[int, Now]:
    """The current standing of each station, read with two queries whatever the number of stations."""
    stations = list(stations)
    streams = Datastream.objects.filter(station__in=stations, last_time__isnull=False).select_related("property")
    latest: dict[int, dict[str, tuple[float, dt.datetime]]] = defaultdict(dict)
    names: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    ages: dict[int, dt.timedelta] = defaultdict(lambda: STALE_AFTER)
    ids: dict[int, str] = {}
    for stream in streams:
        latest[stream.station_id][stream.property.code] = (stream.last_value, stream.last_time)
        names[stream.station_id][stream.property.code] = (stream.property.name, stream.unit)
        ages[stream.station_id] = max(ages[stream.station_id], dt.timedelta(minutes=2 * stream.interval_minutes))
        ids[stream.pk] = stream.property.code
    air = [s.pk for s in stations if s.kind == StationKind.AIR]
    means = _moving_means(Datastream.objects.filter(station_id__in=air, pk__in=ids).values_list("pk", "station_id"))
    out = {}
    for station in stations:
        now = Now(station, values=latest.get(station.pk, {}), names=names.get(station.pk, {}), max_age=ages[station.pk])
        if now.values:
            now.at = max(t for _v, t in now.values.values())
            try:
                JUDGES.get(station.kind, _plain)(now, means.get(station.pk, {}))
            except StandardInputError as error:
                now.error, now.value, now.label, now.colour = error.message, "—", _("无法评价"), GREY
        else:
            now.value, now.label = "—", _("暂无数据")
        out[station.pk] = now
    return out


def _moving_means(streams) -> dict[int, dict[str, float]]:
    """Per air station: the 24 h moving means of PM2.5 and PM10 and the 8 h one of O3 from the hourly aggregates
    ending at the station's newest hour (HJ 633 §5 实时报)."""
    by_stream = dict(streams)
    if not by_stream:
        return {}
    since = timezone.now() - dt.timedelta(hours=48)  # bounds the read; windows are cut per stream below
    rows = Aggregate.objects.filter(datastream_id__in=by_stream, period=Period.HOUR, start__gte=since)
    hours: dict[int, list[tuple[dt.datetime, float, float, str]]] = defaultdict(list)
    for stream_id, code, start, total, count in rows.values_list(
        "datastream_id", "datastream__property__code", "start", "total", "count"
    ):
        hours[stream_id].append((start, total, count, code))
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for stream_id, items in hours.items():
        code = items[0][3]
        window = {"pm25": 24, "pm10": 24, "o3": 8}.get(code)
        if window is None:
            continue
        newest = max(start for start, *_rest in items)
        inside = [(t, n) for start, t, n, _c in items if newest - start < dt.timedelta(hours=window)]
        mean = sum(t for t, _n in inside) / sum(n for _t, n in inside)
        out[by_stream[stream_id]]["o3_8h" if code == "o3" else code] = mean
    return out


def _air(now: Now, means: dict[str, float]) -> None:
    values = {code: now.values[code][0] for code in AIR_ONE_HOUR if code in now.values}
    for code in MOVING_24H:
        if code in means or code in now.values:
            values[code] = means.get(code, now.values.get(code, (None,))[0])
    if "o3_8h" in means:
        values["o3_8h"] = means["o3_8h"]
    if not values:
        raise StandardInputError(_("没有参与 AQI 计算的污染物"))
    result = aqi.calculate(aqi_standard(), "hourly", values)
    now.inputs = values
    now.result, now.value, now.label = result, f"AQI {result.aqi}", str(result.category)
    now.colour, now.rank, now.exceeds = result.colour.hex, result.level - 1, result.aqi > 100


def _water(now: Now, _means) -> None:
    values = {code: now.values[code][0] for code in WATER_ITEMS if code in now.values}
    if not values:
        raise StandardInputError(_("没有 GB 3838-2002 基本项目的监测值"))
    result = water.classify("river", values)
    now.result, now.value, now.colour = result, str(result.class_name), WATER_COLOURS[result.water_class]
    target = now.station.water_target
    target_rank = water.CLASSES.index(target) + 1 if target in water.CLASSES else None
    now.exceeds = target_rank is not None and result.rank > target_rank
    # Classes beyond the target: one is 2 on the common scale; without a target, Ⅳ and worse count as poor.
    if now.exceeds:
        now.rank = min(5, 1 + result.rank - target_rank)
    elif target_rank is None:
        now.rank = max(0, result.rank - 3)
    if target_rank is None:
        now.label = _("未设水质目标")
    else:
        now.label = _("未达 %(target)s 目标") % {"target": water.CLASS_NAMES[target]} if now.exceeds else _("达标")


def _noise(now: Now, _means) -> None:
    if "leq" not in now.values:
        raise StandardInputError(_("没有等效声级 Leq"))
    leq, at = now.values["leq"]
    period = noise.period_of(timezone.localtime(at).hour)
    result = noise.assess(now.station.noise_zone, period, leq)
    now.result, now.value = result, f"{result.leq:g} dB(A)"
    now.exceeds = not result.compliant
    now.colour, now.rank = ("#e00000", 2 if result.exceedance <= 5 else 3) if now.exceeds else ("#00b050", 0)
    limit = {"limit": result.limit, "over": f"{result.exceedance:g}"}
    words = _("超标 %(over)s dB(A)（限值 %(limit)s）") if now.exceeds else _("达标（限值 %(limit)s）")
    now.label = words % limit


def _soil(now: Now, _means) -> None:
    if "soil_ph" not in now.values:
        raise StandardInputError(_("没有土壤 pH"))
    metals = {code: now.values[code][0] for code in soil.METALS if code in now.values}
    result = soil.assess(now.values["soil_ph"][0], now.station.soil_land_use or "other", metals)
    now.result, now.value, now.label = result, str(result.risk_name).split("：")[0], str(result.risk_name)
    now.colour, now.rank = SOIL_COLOURS[result.risk], (0, 2, 4)[soil.RISKS.index(result.risk)]
    now.exceeds = result.risk != "low"


def _plain(now: Now, _means) -> None:
    """Discharge outlets and sanitation have permits, not an ambient standard: the newest reading is shown."""
    code, (value, _at) = max(now.values.items(), key=lambda item: item[1][1])
    name, unit = now.names.get(code, (code, ""))
    now.value, now.label = f"{value:g} {unit}".strip(), name


JUDGES = {
    StationKind.AIR: _air,
    StationKind.WATER: _water,
    StationKind.DRINKING_WATER: _water,
    StationKind.NOISE: _noise,
    StationKind.SOIL: _soil,
}


PUBLIC_KINDS = (StationKind.AIR, StationKind.WATER)  # ambient air and surface water: public information


def public_standing(limit: int = 500) -> list[Now]:
    """What the citizen-supervision page shows: every active air station and surface-water section, for anyone
    (ambient quality is public environmental information, 《环境信息公开办法》; outlets and firms' data are not)."""
    qs = Station.objects.filter(active=True, kind__in=PUBLIC_KINDS).select_related("region")
    chosen = list(qs.order_by("kind", "code")[:limit])
    standing = assess(chosen)
    return [standing[s.pk] for s in chosen]
