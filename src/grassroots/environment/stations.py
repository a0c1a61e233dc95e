"""The station registry: scoped reads, and creating and editing stations (MANAGE_ENVIRONMENT), audited.

A station's grid is where its coordinates fall (areas' point→grid index), never typed: a point outside every
grid of the district is refused, and so is one in a grid outside the editor's area. Each kind carries the
fields its standard needs and only those: a noise point its GB 3096-2008 §4 functional-zone class, a water
section its GB 3838-2002 target class (Ⅰ–Ⅴ), a soil site its GB 15618-2018 land use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, require_perm, scoped
from grassroots.areas.services import locate_point
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.environment.models import Aggregation, Datastream, ObservedProperty, Station, StationKind
from grassroots.environment.standards import noise, soil, water
from grassroots.registry.models import LegalPerson

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")  # the <station> segment of the MQTT topic
WATER_KINDS = frozenset({StationKind.WATER, StationKind.DRINKING_WATER})
WATER_TARGETS = water.CLASSES[:5]  # a target is a class Ⅰ–Ⅴ; 劣Ⅴ is never a goal
EDITABLE = ("name", "kind", "lng", "lat", "operator", "operator_name", "noise_zone", "water_target",
            "soil_land_use", "active")  # fmt: skip


@dataclass(frozen=True)
class StationFields:
    """What an editor sets; the grid and its path follow from the coordinates."""

    name: str
    kind: str
    lng: float
    lat: float
    operator_uscc: str = ""
    operator_name: str = ""
    noise_zone: str = ""
    water_target: str = ""
    soil_land_use: str = ""
    active: bool = True


def stations_for(actor, perm: Perm = Perm.VIEW_ENVIRONMENT) -> QuerySet[Station]:
    return scoped(Station.objects.all(), actor, perm, path_field="region_path").select_related("region", "operator")


def get_station_for(actor, station_id: int, perm: Perm = Perm.VIEW_ENVIRONMENT) -> Station:
    """The station if the actor may see it with `perm`; 403 for a role without it, 404 outside the area."""
    require_perm(actor, perm)
    station = stations_for(actor, perm).filter(pk=station_id).first()
    if station is None:
        raise NotFound()
    return station


@transaction.atomic
def create_station(actor, *, code: str, fields: StationFields) -> Station:
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    if not CODE.match(code or ""):
        raise DomainError(ErrorCode.INVALID_INPUT, _("站点编码只能由小写字母、数字和连字符组成（2–40 位）"))
    station = Station(code=code, **_checked(actor, fields))
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError:
        raise DomainError(ErrorCode.DUPLICATE, _("站点编码 %(code)s 已存在") % {"code": code}) from None
    record(actor=actor, event=AuditEvent.ENV_STATION_CREATED, target=station, extra=_snapshot(station))
    return station


@transaction.atomic
def update_station(actor, station: Station, *, version: int, fields: StationFields) -> Station:
    """Edit a station the editor saw at `version`; a stale version is 409 stale_version, changing nothing."""
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    current = get_station_for(actor, station.pk, Perm.MANAGE_ENVIRONMENT)
    current = Station.objects.select_for_update().get(pk=current.pk)
    if current.version != version:
        raise DomainError(ErrorCode.STALE_VERSION, _("站点已被他人修改，请刷新后重试"))
    before = _snapshot(current)
    for name, value in _checked(actor, fields).items():
        setattr(current, name, value)
    after = _snapshot(current)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        current.version += 1
        current.save()
        record(actor=actor, event=AuditEvent.ENV_STATION_UPDATED, target=current, extra={"changed": changed})
    return current


@transaction.atomic
def add_datastream(
    actor, station: Station, *, property_code: str, aggregation: str, interval_minutes: int
) -> Datastream:
    """A property the station measures, always in the property's canonical unit (ingestion refuses any other)."""
    station = get_station_for(actor, station.pk, Perm.MANAGE_ENVIRONMENT)
    prop = ObservedProperty.objects.filter(code=property_code).first()
    if prop is None:
        raise DomainError(ErrorCode.INVALID_INPUT, _("未知监测指标：%(code)s") % {"code": property_code[:20]})
    if aggregation not in Aggregation.values:
        raise DomainError(ErrorCode.INVALID_INPUT, _("未知聚合方式：%(code)s") % {"code": aggregation[:20]})
    if not 1 <= interval_minutes <= 60 * 24 * 366:  # from each minute to once a year (a lab sample)
        raise DomainError(ErrorCode.INVALID_INPUT, _("上报间隔须在 1 分钟到 1 年之间"))
    stream = Datastream(station=station, property=prop, unit=prop.unit, aggregation=aggregation,
                        interval_minutes=interval_minutes)  # fmt: skip
    try:
        with transaction.atomic():
            stream.save()
    except IntegrityError:
        raise DomainError(ErrorCode.DUPLICATE, _("站点已有指标 %(name)s 的数据流") % {"name": prop.name}) from None
    extra = {"property": prop.code, "aggregation": aggregation, "interval_minutes": interval_minutes}
    record(actor=actor, event=AuditEvent.ENV_DATASTREAM_ADDED, target=station, extra=extra)
    return stream


def _checked(actor, fields: StationFields) -> dict:
    if fields.kind not in StationKind.values:
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("未知的站点类型：%(kind)s") % {"kind": fields.kind})
    name = (fields.name or "").strip()
    if not name or len(name) > 120:
        raise DomainError(ErrorCode.INVALID_INPUT, _("站点名称不能为空，且不超过 120 字"))
    values = {"name": name, "kind": fields.kind, "lng": fields.lng, "lat": fields.lat, "active": fields.active,
              "region": _grid_of(actor, fields.lng, fields.lat), **_kind_fields(fields)}  # fmt: skip
    values["operator"], values["operator_name"] = _operator(fields)
    return values


def _grid_of(actor, lng: float, lat: float):
    """The grid the point lies in; the point must be inside the district and the grid inside the editor's area."""
    grid = locate_point(lng, lat)  # OUT_OF_RANGE for a point off the globe or NaN
    if grid is None:
        raise DomainError(ErrorCode.OUT_OF_RANGE, _("站点坐标不在辖区内任何网格中"))
    if not covers(actor, Perm.MANAGE_ENVIRONMENT, grid.path):
        raise DomainError(ErrorCode.REGION_OUT_OF_SCOPE, _("站点坐标所在网格（%(grid)s）不在您的管辖范围内") % {
            "grid": grid.name})  # fmt: skip
    return grid


def _kind_fields(fields: StationFields) -> dict:
    """Each kind's standard fields, required for that kind and refused for the others."""
    rules = (
        # field, the kinds that need it, the allowed values, the message naming the clause
        ("noise_zone", {StationKind.NOISE}, noise.ZONE_CLASSES,
         _("声环境功能区应为 GB 3096-2008 的 0、1、2、3、4a、4b 类")),
        ("water_target", WATER_KINDS, WATER_TARGETS, _("水质目标应为 GB 3838-2002 的 I–V 类")),
        ("soil_land_use", {StationKind.SOIL}, soil.LAND_USES,
         _("用地类型应为 GB 15618-2018 的 paddy（水田）、orchard（果园）、other（其他）或 rotation（水旱轮作）")),
    )  # fmt: skip
    out = {}
    for name, kinds, allowed, message in rules:
        value = (getattr(fields, name) or "").strip()
        if fields.kind in kinds and value not in allowed:
            raise DomainError(ErrorCode.UNKNOWN_CHOICE, message, details={"field": name})
        if fields.kind not in kinds and value:
            raise DomainError(
                ErrorCode.INVALID_INPUT, _("%(field)s 不适用于该类型的站点") % {"field": name}, details={"field": name}
            )
        out[name] = value
    return out


def _operator(fields: StationFields) -> tuple[LegalPerson | None, str]:
    """A firm named by its unified social credit code (it is then notified of its stations' alerts), or a name."""
    uscc = (fields.operator_uscc or "").strip().upper()
    if not uscc:
        return None, (fields.operator_name or "").strip()[:120]
    firm = LegalPerson.objects.filter(uscc=uscc).first()
    if firm is None:
        raise DomainError(ErrorCode.INVALID_INPUT, _("找不到统一社会信用代码为 %(uscc)s 的法人单位") % {"uscc": uscc})
    return firm, firm.name


def _snapshot(station: Station) -> dict:
    values = {name: getattr(station, name) for name in EDITABLE if name != "operator"}
    return {**values, "operator": station.operator_id and str(station.operator_id), "region": station.region_id}
