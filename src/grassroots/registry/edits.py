"""Registry edits beyond a person's own fields (those are services.update_person): moves (迁入, change of house or
household), 迁出 from the area and deaths, and corrections to houses, households and legal persons.

Every verb locks the row and checks the version the editor saw (services.check_version: a stale edit is 409),
checks the actor's edit scope over every grid it touches (outside: NotFound), and writes the audit row, and for a
person the history entry (registry/history.py), in its own transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_in_scope
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.time import local_today
from grassroots.registry import history, places
from grassroots.registry.models import ChangeKind, House, Household, LegalPerson, Person, PersonStatus
from grassroots.registry.services import check_version

MOVED_FIELDS = ["house", "household", "region", "is_household_head", "status", "status_date", "version", "updated_at"]
DEPARTURES = {
    PersonStatus.MOVED_OUT: (ChangeKind.MOVED_OUT, AuditEvent.PERSON_MOVED_OUT),
    PersonStatus.DECEASED: (ChangeKind.DIED, AuditEvent.PERSON_DIED),
}


def _check_date(on_date: dt.date | None) -> dt.date:
    on_date = on_date or local_today()
    if on_date > local_today():
        raise DomainError(ErrorCode.OUT_OF_RANGE, _("日期不能晚于今天"))
    return on_date


def _move_kind(person: Person, house: House, household: Household | None) -> ChangeKind:
    if person.status != PersonStatus.ACTIVE or person.house_id is None:
        return ChangeKind.MOVED_IN
    return ChangeKind.HOUSEHOLD if house.pk == person.house_id else ChangeKind.MOVED_HOUSE


@transaction.atomic
def move_person(
    actor,
    person: Person,
    *,
    version: int | None,
    house: House | None = None,
    household: Household | None = None,
    on_date: dt.date | None = None,
) -> Person:
    """迁入 or a change of house or household. The person follows the house into its grid; someone who moved
    out may move back in (迁入), someone who died may not."""
    require_in_scope(actor, Perm.EDIT_REGISTRY, person.region.path)
    if person.status == PersonStatus.DECEASED:
        raise DomainError(ErrorCode.PERSON_INACTIVE, _("该人员已登记死亡，不能迁移"))
    if household is not None:
        if house is not None and household.house_id != house.pk:
            raise DomainError(ErrorCode.INVALID_MOVE, _("该户不在所选房屋"))
        house = household.house
    if house is None:
        raise DomainError(ErrorCode.INVALID_MOVE, _("请指定迁入的房屋或户"))
    require_in_scope(actor, Perm.EDIT_REGISTRY, house.region.path)
    same = house.pk == person.house_id and getattr(household, "pk", None) == person.household_id
    if same and person.status == PersonStatus.ACTIVE:
        raise DomainError(ErrorCode.INVALID_MOVE, _("新住址与原住址相同"))
    on_date = _check_date(on_date)
    check_version(Person, person, version)
    kind, before = _move_kind(person, house, household), history.moved_facts(person)
    if household is None or household.pk != person.household_id:
        person.is_household_head = False  # a head of another household does not stay head on moving
    person.house, person.household, person.region = house, household, house.region
    person.status, person.status_date = PersonStatus.ACTIVE, None
    person.save(update_fields=MOVED_FIELDS)
    change = history.record_change(actor, person, before=before, after=history.moved_facts(person), kind=kind,
                                   on_date=on_date)  # fmt: skip
    record(actor=actor, event=AuditEvent.PERSON_MOVED, target=person,
           extra={"kind": str(kind), "fields": change.fields, "change": str(change.pk)})  # fmt: skip
    return person


@transaction.atomic
def record_departure(actor, person: Person, *, version: int | None, status: str, on_date: dt.date | None) -> Person:
    """迁出 (moved out of the area) or death. The record stays, out of the house and household, and no longer
    counts as resident population (registry/queries.py)."""
    require_in_scope(actor, Perm.EDIT_REGISTRY, person.region.path)
    if status not in DEPARTURES:
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("未知的状态：%(value)s") % {"value": status})
    if person.status != PersonStatus.ACTIVE:
        raise DomainError(ErrorCode.PERSON_INACTIVE, _("该人员已迁出或已登记死亡"))
    on_date = _check_date(on_date)
    check_version(Person, person, version)
    before = history.moved_facts(person)
    person.house = person.household = None
    person.is_household_head = False
    person.status, person.status_date = status, on_date
    person.save(update_fields=MOVED_FIELDS)
    kind, event = DEPARTURES[PersonStatus(status)]
    change = history.record_change(actor, person, before=before, after=history.moved_facts(person), kind=kind,
                                   on_date=on_date)  # fmt: skip
    record(actor=actor, event=event, target=person, extra={"fields": change.fields, "change": str(change.pk)})
    return person


HOUSE_FIELDS = ("road", "number", "building", "unit", "room", "house_type", "is_rental", "lng", "lat")


@transaction.atomic
def update_house(actor, house: House, *, version: int | None, **values) -> House:
    """Correct a house's door number parts, type, rental flag or location (it stays in its grid)."""
    require_in_scope(actor, Perm.EDIT_REGISTRY, house.region.path)
    unknown = set(values) - set(HOUSE_FIELDS)
    if unknown:
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("未知字段：%(field)s") % {"field": ", ".join(sorted(unknown))})
    after = {f: getattr(house, f) for f in HOUSE_FIELDS} | {
        f: (v.strip() if isinstance(v, str) else v) for f, v in values.items() if v is not None or f in ("lng", "lat")
    }
    places.check_house_fields(after["road"], after["number"], after["house_type"])
    places.check_lnglat(after["lng"], after["lat"], house.region)
    door = House.compose_door_number(*(after[f] for f in ("road", "number", "building", "unit", "room")))
    places.check_door_free(door, other_than=house)
    changed = [f for f in HOUSE_FIELDS if getattr(house, f) != after[f]]
    check_version(House, house, version)
    if not changed:
        raise DomainError(ErrorCode.INVALID_INPUT, _("没有需要保存的修改"))
    for field in changed:
        setattr(house, field, after[field])
    house.door_number = door
    house.save(update_fields=[*changed, "door_number", "version"])
    record(actor=actor, event=AuditEvent.HOUSE_UPDATED, target=house, extra={"fields": changed})
    return house


@transaction.atomic
def update_household(
    actor, household: Household, *, version: int | None, kind: str | None = None, head: Person | None = None
) -> Household:
    """Change a household's kind (家庭户/集体户) or its head (户主), who must be one of its members."""
    require_in_scope(actor, Perm.EDIT_REGISTRY, household.house.region.path)
    changed = []
    if kind is not None and kind != household.kind:
        if kind not in Household.Kind.values:
            raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("未知的户别：%(value)s") % {"value": kind})
        changed.append("kind")
    if head is not None:
        if head.household_id != household.pk or head.status != PersonStatus.ACTIVE:
            raise DomainError(ErrorCode.INVALID_INPUT, _("户主须是该户的在册成员"))
        if not head.is_household_head:
            changed.append("head")
    check_version(Household, household, version)
    if not changed:
        raise DomainError(ErrorCode.INVALID_INPUT, _("没有需要保存的修改"))
    if "kind" in changed:
        household.kind = kind
    household.save(update_fields=["kind", "version"])
    if "head" in changed:
        _set_head(actor, household, head)
    record(actor=actor, event=AuditEvent.HOUSEHOLD_UPDATED, target=household, extra={"fields": changed})
    return household


def _set_head(actor, household: Household, head: Person) -> None:
    for member in household.members.filter(is_household_head=True).exclude(pk=head.pk):
        _flag_head(actor, member, False)
    _flag_head(actor, head, True)


def _flag_head(actor, person: Person, value: bool) -> None:
    before = {"is_household_head": person.is_household_head}
    person.is_household_head = value
    person.version += 1
    person.save(update_fields=["is_household_head", "version", "updated_at"])
    history.record_change(actor, person, before=before, after={"is_household_head": value}, kind=ChangeKind.HOUSEHOLD)


@transaction.atomic
def update_legal_person(
    actor,
    entity: LegalPerson,
    *,
    version: int | None,
    name: str | None = None,
    address: str | None = None,
    industry: str | None = None,
) -> LegalPerson:
    """Correct a legal person's name, address or industry. The USCC identifies it and is not edited."""
    require_in_scope(actor, Perm.EDIT_REGISTRY, entity.region.path)
    fields = ("name", "address", "industry")
    given = {"name": name, "address": address, "industry": industry}
    after = {f: (given[f].strip() if given[f] is not None else getattr(entity, f)) for f in fields}
    places.check_legal_fields(after["name"], after["address"], after["industry"])
    changed = [f for f in fields if getattr(entity, f) != after[f]]
    check_version(LegalPerson, entity, version)
    if not changed:
        raise DomainError(ErrorCode.INVALID_INPUT, _("没有需要保存的修改"))
    for field in changed:
        setattr(entity, field, after[field])
    entity.save(update_fields=[*changed, "version"])
    record(actor=actor, event=AuditEvent.LEGAL_PERSON_UPDATED, target=entity, extra={"fields": changed})
    return entity
