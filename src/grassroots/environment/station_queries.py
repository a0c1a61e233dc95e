"""What the station pages and the station API read: scoped lists with their current standing, the map, the
series of a datastream from the hourly and daily aggregates, and a station's health."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_in_scope, widest_path
from grassroots.areas.models import Level, Region
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.environment import current, queries, stations
from grassroots.environment.models import Alert, AlertStatus, Datastream, Period, Station, TaskStatus

MAX_POINTS = {Period.HOUR: 24 * 31, Period.DAY: 366 * 2}  # one request's longest series
DEFAULT_SPAN = {Period.HOUR: dt.timedelta(days=7), Period.DAY: dt.timedelta(days=90)}


def home_region(user, region_id: int | None) -> Region:
    """The region asked for, else the widest one the user sees stations in; 404 outside the user's area."""
    if region_id is None:
        home = widest_path(user, Perm.VIEW_ENVIRONMENT)
        region = Region.objects.filter(path=home).first() if home else None
    else:
        region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound()
    require_in_scope(user, Perm.VIEW_ENVIRONMENT, region.path)
    return region


def filtered(user, region: Region, *, kind: str = "", q: str = "") -> QuerySet[Station]:
    qs = stations.stations_for(user).filter(region_path__startswith=region.path)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q.lower()))
    open_alerts = Count("alerts", filter=~Q(alerts__status=AlertStatus.CLOSED))
    return qs.annotate(open_alerts=open_alerts).order_by("kind", "code")


def rows(qs: QuerySet[Station], limit: int = 2000) -> list[current.Now]:
    """Stations with their standing, worst first within each kind's order (the list is a work list)."""
    chosen = list(qs[:limit])
    standing = current.assess(chosen)
    return [standing[s.pk] for s in chosen]


def map_payload(region: Region, standing: list[current.Now]) -> dict:
    """The region's children drawn from our own GeoJSON (no tiles), and one coloured marker per station."""
    kids = [region] if region.level == Level.GRID else list(region.children.order_by("code"))
    features = [
        {"type": "Feature", "properties": {"name": kid.name, "id": kid.pk}, "geometry": kid.geometry}
        for kid in kids
        if kid.geometry
    ]
    markers = [
        {"name": n.station.name, "code": n.station.code, "id": str(n.station.pk), "lng": n.station.lng,
         "lat": n.station.lat, "colour": n.colour, "value": n.value, "label": n.label}
        for n in standing
    ]  # fmt: skip
    return {"geojson": {"type": "FeatureCollection", "features": features}, "markers": markers}


def filter_regions(region: Region) -> list[Region]:
    """The region and the streets and communities under it, for the region filter."""
    return list(Region.objects.filter(path__startswith=region.path, level__lte=Level.COMMUNITY).order_by("path"))


@dataclass(frozen=True)
class Series:
    start: dt.datetime
    end: dt.datetime
    points: list[queries.Point]


def series(stream: Datastream, period: str, start: dt.datetime | None, end: dt.datetime | None) -> Series:
    """Hourly or daily statistics of one datastream (queries.series: the aggregates, current to the last reading),
    oldest first, within a bounded span."""
    if period not in Period.values:
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("period 只能是 hour 或 day"))
    end = end or timezone.now()
    start = start or end - DEFAULT_SPAN[period]
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise DomainError(ErrorCode.INVALID_INPUT, _("时间须带时区，如 2026-01-01T00:00:00+08:00"))
    if start >= end:
        raise DomainError(ErrorCode.INVALID_INPUT, _("开始时间应早于结束时间"))
    step = dt.timedelta(hours=1) if period == Period.HOUR else dt.timedelta(days=1)
    if (end - start) / step > MAX_POINTS[period]:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, _("一次最多取 %(n)s 个点，请缩短时间范围") % {"n": MAX_POINTS[period]}
        )
    return Series(start, end, queries.series(stream, start, end, period))


def stream_of(station: Station, code: str) -> Datastream:
    stream = station.datastreams.select_related("property").filter(property__code=code).first()
    if stream is None:
        raise NotFound(_("该站点没有 %(code)s 数据流") % {"code": code})
    return stream


def health(station: Station) -> dict:
    """Is the station reporting? Each stream's newest reading against its interval (late after two missed), and
    the open maintenance tasks (sensor faults are the operator's work, not a pollution alarm)."""
    now = timezone.now()
    streams = []
    for stream in station.datastreams.select_related("property").order_by("property__code"):
        age = now - stream.last_time if stream.last_time else None
        late = age is None or age > dt.timedelta(minutes=2 * stream.interval_minutes)
        streams.append({"stream": stream, "age": age, "late": late})
    tasks = list(station.maintenance_tasks.filter(status=TaskStatus.OPEN).select_related("datastream__property"))
    return {"streams": streams, "late": sum(s["late"] for s in streams), "tasks": tasks,
            "ok": bool(streams) and not any(s["late"] for s in streams) and not tasks}  # fmt: skip


def open_alerts(station: Station) -> list[Alert]:
    return list(station.alerts.exclude(status=AlertStatus.CLOSED).select_related("rule").order_by("-last_at")[:50])


def open_alert_count(station: Station) -> int:
    return station.alerts.exclude(status=AlertStatus.CLOSED).count()


def charts(station: Station) -> list[dict]:
    """One chart per datastream: the last 7 days hourly and the last 90 days daily, as plain lists for ECharts."""
    out = []
    for stream in station.datastreams.select_related("property").order_by("property__code"):
        hourly = series(stream, Period.HOUR, None, None).points
        daily = series(stream, Period.DAY, None, None).points
        out.append({
            "code": stream.property.code, "name": stream.property.name, "unit": stream.unit,
            "hour": [[p.time.isoformat(), round(p.mean, 3)] for p in hourly],
            "day": [[timezone.localtime(p.time).date().isoformat(), round(p.mean, 3), p.minimum, p.maximum]
                    for p in daily],
        })  # fmt: skip
    return out


def detail(station: Station, out: dict, now: current.Now) -> dict:
    """The API's view of one station: its record and standing, its streams' freshness, open alerts and tasks."""
    state = health(station)
    streams = [
        {"property": s["stream"].property.code, "name": s["stream"].property.name, "unit": s["stream"].unit,
         "aggregation": s["stream"].aggregation, "interval_minutes": s["stream"].interval_minutes,
         "last_time": s["stream"].last_time, "last_value": s["stream"].last_value, "late": s["late"]}
        for s in state["streams"]
    ]  # fmt: skip
    result = now.result if station.kind == "air" and now.has_data else None
    return {**out, "datastreams": streams, "open_tasks": len(state["tasks"]), "open_alerts": open_alert_count(station),
            "iaqi": dict(result.iaqi) if result else {}, "primary": list(result.primary) if result else []}  # fmt: skip
