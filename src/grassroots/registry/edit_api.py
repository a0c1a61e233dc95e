"""Registry editing operations of the API, on the registry router (registry/api.py imports this module).

Each handler: a scoped fetch (outside the caller's area: 404), one verb of registry.services or registry.edits,
the record again, masked for the caller. Bodies carry the version the caller was shown; a stale one is 409.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.registry import edits, history, places, presenters, services
from grassroots.registry.api import _house_json, _person_json, router
from grassroots.registry.schemas import (
    HouseDetailOut,
    HouseEditIn,
    HouseholdEditIn,
    HouseholdOut,
    LegalPersonEditIn,
    LegalPersonOut,
    PersonDepartureIn,
    PersonEditIn,
    PersonHistoryOut,
    PersonMoveIn,
    PersonOut,
)


def pk_of(value: str | None) -> int | None:
    """An id sent as a string (JavaScript cannot hold 64-bit integers); a malformed one is a 400."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, _("不是有效的编号：%(value)s") % {"value": value}) from None


def scoped_one(qs, pk: int | None):
    """The record named, among those the caller may see; absent or outside: NotFound."""
    found = qs.filter(pk=pk).first() if pk is not None else None
    if pk is not None and found is None:
        raise NotFound()
    return found


def _fresh_person(request, person_id: int) -> dict:
    return _person_json(request.auth, services.persons_for(request.auth).get(pk=person_id))


@router.patch("/persons/{person_id}", response=PersonOut)
def edit_person(request: HttpRequest, person_id: int, payload: PersonEditIn):
    person = services.get_person_for(request.auth, person_id)
    services.update_person(request.auth, person, **payload.dict(exclude_unset=True))
    return _fresh_person(request, person_id)


@router.post("/persons/{person_id}/move", response=PersonOut)
def move_person(request: HttpRequest, person_id: int, payload: PersonMoveIn):
    person = services.get_person_for(request.auth, person_id)
    house = scoped_one(places.houses_for(request.auth), pk_of(payload.house_id))
    household = scoped_one(places.households_for(request.auth), pk_of(payload.household_id))
    edits.move_person(
        request.auth, person, version=payload.version, house=house, household=household, on_date=payload.on_date
    )
    return _fresh_person(request, person_id)


@router.post("/persons/{person_id}/departure", response=PersonOut)
def record_departure(request: HttpRequest, person_id: int, payload: PersonDepartureIn):
    person = services.get_person_for(request.auth, person_id)
    edits.record_departure(request.auth, person, **payload.dict())
    return _fresh_person(request, person_id)


@router.get("/persons/{person_id}/history", response=list[PersonHistoryOut])
def person_history(request: HttpRequest, person_id: int):
    return history.history_rows(request.auth, services.get_person_for(request.auth, person_id))


@router.patch("/houses/{house_id}", response=HouseDetailOut)
def edit_house(request: HttpRequest, house_id: int, payload: HouseEditIn):
    house, _residents = places.get_house_for(request.auth, house_id)
    values = payload.dict(exclude_unset=True)
    edits.update_house(request.auth, house, **values)
    house, residents = places.get_house_for(request.auth, house_id)
    return {**_house_json(house), "residents": [_person_json(request.auth, p) for p in residents]}


def _household_json(request, household_id: int) -> dict:
    household, members = places.get_household_for(request.auth, household_id)
    return {
        "id": str(household.pk),
        "house_id": str(household.house_id),
        "kind": household.kind,
        "kind_label": household.get_kind_display(),
        "members": [_person_json(request.auth, p) for p in members],
        "version": household.version,
    }


@router.get("/households/{household_id}", response=HouseholdOut)
def get_household(request: HttpRequest, household_id: int):
    return _household_json(request, household_id)


@router.patch("/households/{household_id}", response=HouseholdOut)
def edit_household(request: HttpRequest, household_id: int, payload: HouseholdEditIn):
    household, _members = places.get_household_for(request.auth, household_id)
    head = scoped_one(services.persons_for(request.auth), pk_of(payload.head_id))
    edits.update_household(request.auth, household, version=payload.version, kind=payload.kind, head=head)
    return _household_json(request, household_id)


@router.patch("/legal-persons/{entity_id}", response=LegalPersonOut)
def edit_legal_person(request: HttpRequest, entity_id: int, payload: LegalPersonEditIn):
    entity = places.get_legal_person_for(request.auth, entity_id)
    edits.update_legal_person(request.auth, entity, **payload.dict(exclude_unset=True))
    entity = places.get_legal_person_for(request.auth, entity_id)
    return {**presenters.legal_person_row(entity), "id": str(entity.pk)}
