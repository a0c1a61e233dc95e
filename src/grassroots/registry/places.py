"""Registry verbs for houses (实有房屋, door numbers) and legal persons (法人单位)."""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_in_scope, require_perm, scoped
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.registry.identifiers import parse_uscc
from grassroots.registry.models import House, Household, HouseType, Industry, LegalPerson, Person, Tagging
from grassroots.registry.services import persons_for, require_grid


def houses_for(actor, perm: Perm = Perm.VIEW_REGISTRY) -> QuerySet[House]:
    tags = Prefetch("taggings", queryset=Tagging.objects.select_related("tag"))
    return scoped(House.objects.all(), actor, perm).select_related("region").prefetch_related(tags)


def legal_persons_for(actor, perm: Perm = Perm.VIEW_REGISTRY) -> QuerySet[LegalPerson]:
    tags = Prefetch("taggings", queryset=Tagging.objects.select_related("tag"))
    return scoped(LegalPerson.objects.all(), actor, perm).select_related("region").prefetch_related(tags)


def check_house_fields(road: str, number: str, house_type: str) -> None:
    if not road.strip() or not number.strip():
        raise DomainError(ErrorCode.INVALID_INPUT, _("街路巷和门牌号不能为空"))
    if house_type not in HouseType.values:
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("未知的房屋类型：%(value)s") % {"value": house_type})


def check_door_free(door: str, *, other_than: House | None = None) -> None:
    taken = House.objects.filter(door_number=door)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise DomainError(ErrorCode.DUPLICATE, _("门牌 %(door)s 已登记") % {"door": door})


def check_legal_fields(name: str, address: str, industry: str) -> None:
    if industry not in Industry.values:
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("未知的行业门类：%(value)s") % {"value": industry})
    if not name.strip() or not address.strip():
        raise DomainError(ErrorCode.INVALID_INPUT, _("名称和地址不能为空"))


def check_lnglat(lng: float | None, lat: float | None, region: Region) -> None:
    if (lng is None) != (lat is None):
        raise DomainError(ErrorCode.INVALID_INPUT, _("经纬度须同时提供"))
    if lng is None:
        return
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise DomainError(ErrorCode.OUT_OF_RANGE, _("坐标超出范围"))
    if region.min_lng is not None and not (
        region.min_lng <= lng <= region.max_lng and region.min_lat <= lat <= region.max_lat
    ):
        raise DomainError(ErrorCode.OUT_OF_RANGE, _("坐标不在该网格范围内"))


@transaction.atomic
def create_house(
    actor,
    *,
    region: Region,
    road: str,
    number: str,
    building: str = "",
    unit: str = "",
    room: str = "",
    house_type: str = HouseType.RESIDENTIAL,
    is_rental: bool = False,
    lng: float | None = None,
    lat: float | None = None,
    is_demo: bool = False,
) -> House:
    require_grid(region)
    if actor is not None:
        require_in_scope(actor, Perm.EDIT_REGISTRY, region.path)
    check_house_fields(road, number, house_type)
    check_lnglat(lng, lat, region)
    door = House.compose_door_number(road, number, building, unit, room)
    check_door_free(door)
    house = House(
        region=region,
        road=road.strip(),
        number=number.strip(),
        building=building.strip(),
        unit=unit.strip(),
        room=room.strip(),
        door_number=door,
        house_type=house_type,
        is_rental=is_rental,
        lng=lng,
        lat=lat,
        is_demo=is_demo,
    )
    house.save(force_insert=True)
    record(actor=actor, event=AuditEvent.HOUSE_CREATED, target=house, extra={"region": region.code})
    return house


def door_query_variants(query: str) -> set[str]:
    """People write 3号楼 and 3栋 for the same building; search both spellings, ignoring spaces."""
    query = re.sub(r"\s+", "", query or "")
    return {query, query.replace("号楼", "栋"), re.sub(r"(\d+)栋", r"\1号楼", query)}


@transaction.atomic
def search_houses(actor, query: str, *, limit: int = 50) -> list[House]:
    """Find houses by (part of) their door number inside the actor's scope."""
    require_perm(actor, Perm.VIEW_REGISTRY)
    variants = door_query_variants(query)
    query = min(variants, key=len)
    if len(query) < 2:
        raise DomainError(ErrorCode.INVALID_INPUT, _("请输入至少两个字的门牌号"))
    match = reduce(or_, (Q(door_number__contains=v) for v in variants))
    found = list(houses_for(actor).filter(match).order_by("door_number")[:limit])
    record(
        actor=actor,
        event=AuditEvent.HOUSE_SEARCHED,
        target_type="registry.house",
        extra={"by": ["door_number"], "hits": len(found)},  # never the address searched for
    )
    return found


@transaction.atomic
def get_house_for(actor, house_id: int) -> tuple[House, list[Person]]:
    """A house with its residents. Residents are personal data: the caller masks them, this logs the read."""
    require_perm(actor, Perm.VIEW_REGISTRY)
    house = houses_for(actor).filter(pk=house_id).first()
    if house is None:
        raise NotFound()
    residents = list(persons_for(actor).filter(house=house).order_by("-is_household_head", "birth_date"))
    record(
        actor=actor, event=AuditEvent.HOUSE_VIEWED, target=house, extra={"residents": [str(p.pk) for p in residents]}
    )
    return house, residents


@transaction.atomic
def create_legal_person(
    actor,
    *,
    region: Region,
    uscc: str,
    name: str,
    address: str,
    industry: str,
    house: House | None = None,
    is_demo: bool = False,
) -> LegalPerson:
    require_grid(region)
    if actor is not None:
        require_in_scope(actor, Perm.EDIT_REGISTRY, region.path)
    code = parse_uscc(uscc)
    check_legal_fields(name, address, industry)
    if LegalPerson.objects.filter(uscc=code).exists():
        raise DomainError(ErrorCode.DUPLICATE, _("统一社会信用代码 %(code)s 已登记") % {"code": code})
    entity = LegalPerson(
        region=region,
        uscc=code,
        name=name.strip(),
        address=address.strip(),
        industry=industry,
        house=house,
        is_demo=is_demo,
    )
    entity.save(force_insert=True)
    record(actor=actor, event=AuditEvent.LEGAL_PERSON_CREATED, target=entity, extra={"uscc": code})
    return entity


@transaction.atomic
def get_legal_person_for(actor, entity_id: int) -> LegalPerson:
    require_perm(actor, Perm.VIEW_REGISTRY)
    entity = legal_persons_for(actor).filter(pk=entity_id).first()
    if entity is None:
        raise NotFound()
    record(actor=actor, event=AuditEvent.LEGAL_PERSON_VIEWED, target=entity)
    return entity


def households_for(actor, perm: Perm = Perm.VIEW_REGISTRY) -> QuerySet[Household]:
    return scoped(Household.objects.all(), actor, perm, path_field="house__region__path").select_related(
        "house__region"
    )


@transaction.atomic
def get_household_for(actor, household_id: int) -> tuple[Household, list[Person]]:
    """A household with its members; the read is logged as a view of its house naming the people shown."""
    require_perm(actor, Perm.VIEW_REGISTRY)
    household = households_for(actor).filter(pk=household_id).first()
    if household is None:
        raise NotFound()
    members = list(persons_for(actor).filter(household=household).order_by("-is_household_head", "birth_date"))
    record(
        actor=actor,
        event=AuditEvent.HOUSE_VIEWED,
        target=household.house,
        extra={"household": str(household.pk), "residents": [str(p.pk) for p in members]},
    )
    return household, members
