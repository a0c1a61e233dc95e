"""Every output of personal data goes through here, so masking by role cannot be forgotten.

The pattern for each field is chosen per record: the most revealing among the viewer's roles whose
subtree contains the record's grid (accounts.roles.MASKING).
"""

from __future__ import annotations

from grassroots.accounts.scope import pattern_for
from grassroots.core import masking
from grassroots.registry.models import House, LegalPerson, Person

PII_FIELDS = ("name", "id_number", "phone")


def masked_pii(viewer, person: Person) -> dict[str, str | None]:
    path = person.region.path
    return {f: masking.apply(f, getattr(person, f), pattern_for(viewer, f, path)) for f in PII_FIELDS}


def derived_fields(viewer, person: Person) -> dict:
    """Birth date and sex come from the ID number, so they are masked with it (see core.masking)."""
    pattern = pattern_for(viewer, "id_number", person.region.path)
    derived = masking.derived_from_id(person.birth_date, person.sex, pattern)
    derived["sex_label"] = person.get_sex_display() if derived["sex"] else None
    return derived


def person_row(viewer, person: Person) -> dict:
    return {
        "id": person.pk,
        **masked_pii(viewer, person),
        **derived_fields(viewer, person),
        "residence": person.residence,
        "residence_label": person.get_residence_display(),
        "region_id": person.region_id,
        "grid": person.region.name,
        "house_id": person.house_id,
        "door_number": person.house.door_number if person.house_id else None,
        "household_id": person.household_id,
        "is_household_head": person.is_household_head,
        "status": person.status,
        "status_label": person.get_status_display(),
        "status_date": person.status_date,
        "tags": [t.tag.name for t in person.taggings.all()],
        "is_demo": person.is_demo,
        "version": person.version,
    }


def house_row(house: House) -> dict:
    return {
        "id": house.pk,
        "door_number": house.door_number,
        "road": house.road,
        "number": house.number,
        "building": house.building,
        "unit": house.unit,
        "room": house.room,
        "house_type": house.house_type,
        "house_type_label": house.get_house_type_display(),
        "is_rental": house.is_rental,
        "region_id": house.region_id,
        "grid": house.region.name,
        "lng": house.lng,
        "lat": house.lat,
        "tags": [t.tag.name for t in house.taggings.all()],
        "is_demo": house.is_demo,
        "version": house.version,
    }


def legal_person_row(entity: LegalPerson) -> dict:
    return {
        "id": entity.pk,
        "uscc": entity.uscc,
        "name": entity.name,
        "address": entity.address,
        "industry": entity.industry,
        "industry_label": entity.get_industry_display(),
        "region_id": entity.region_id,
        "grid": entity.region.name,
        "tags": [t.tag.name for t in entity.taggings.all()],
        "is_demo": entity.is_demo,
        "version": entity.version,
    }
