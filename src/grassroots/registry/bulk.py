"""Bulk registration for seeding and batch imports: the same rules as the single-row verbs, in batches.

Rows are unsaved model instances built by the caller. IDs and checksums are validated here, PII is sealed
by the field on insert, and one audit entry summarises each batch.
"""

from __future__ import annotations

from django.db import transaction

from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.registry.identifiers import parse_id_number, parse_uscc
from grassroots.registry.models import House, Household, LegalPerson, Person, Tagging

BATCH = 2000


@transaction.atomic
def bulk_register(
    actor,
    *,
    houses: list[House] = (),
    households: list[Household] = (),
    persons: list[Person] = (),
    legal_persons: list[LegalPerson] = (),
    taggings: list[Tagging] = (),
) -> dict[str, int]:
    for person in persons:
        facts = parse_id_number(person.id_number)
        if (person.birth_date, person.sex) != (facts.birth_date, facts.sex):
            raise DomainError(ErrorCode.INVALID_INPUT, "出生日期或性别与身份证号不符")
    for entity in legal_persons:
        parse_uscc(entity.uscc)
    for house in houses:
        house.door_number = House.compose_door_number(house.road, house.number, house.building, house.unit, house.room)
    House.objects.bulk_create(houses, batch_size=BATCH)
    Household.objects.bulk_create(households, batch_size=BATCH)
    Person.objects.bulk_create(persons, batch_size=BATCH)
    LegalPerson.objects.bulk_create(legal_persons, batch_size=BATCH)
    Tagging.objects.bulk_create(taggings, batch_size=BATCH)
    counts = {
        "houses": len(houses),
        "households": len(households),
        "persons": len(persons),
        "legal_persons": len(legal_persons),
        "taggings": len(taggings),
    }
    record(actor=actor, event=AuditEvent.PERSON_CREATED, target_type="registry.bulk", extra=counts)
    return counts
