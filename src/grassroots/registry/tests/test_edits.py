"""Registry editing: versions, scope, moves, departures, the sealed and masked history, counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.conftest import valid_id
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.registry import edits, history, places, queries, services
from grassroots.registry.models import ChangeKind, Household, Person, PersonChange, PersonStatus


def fresh(person: Person) -> Person:
    return Person.objects.select_related("region").get(pk=person.pk)


def test_a_new_phone_is_kept_in_the_history_sealed_and_masked_by_role(cast):
    services.update_person(cast.grid_g1, cast.p1, version=1, phone="13600000000")
    change = PersonChange.objects.get(person=cast.p1)
    assert change.kind == ChangeKind.PHONE and change.fields == ["phone"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed, facts FROM registry_personchange WHERE id = %s", [change.pk])
        sealed, facts = cursor.fetchone()
    assert "1360000" not in sealed and "13812345678" not in sealed and "1360000" not in str(facts)
    mine = history.history_rows(cast.grid_g1, fresh(cast.p1))[0]["changes"][0]
    assert (mine["before"], mine["after"]) == ("13812345678", "13600000000")  # a grid worker sees phones
    leader = history.history_rows(cast.leader_s1, fresh(cast.p1))[0]["changes"][0]
    assert (leader["before"], leader["after"]) == ("138****5678", "136****0000")
    entry = AuditEntry.objects.filter(event=AuditEvent.PERSON_UPDATED).order_by("-leaf_index").first()
    assert entry.extra == {"fields": ["phone"]} and "1360000" not in str(entry.extra)


def test_a_stale_version_is_refused_and_changes_nothing(cast):
    services.update_person(cast.grid_g1, cast.p1, version=1, name="张三")
    with pytest.raises(DomainError) as err:
        services.update_person(cast.worker_c1, fresh(cast.p1), version=1, phone="13600000000")
    assert err.value.code == ErrorCode.STALE_VERSION and err.value.status == 409
    person = fresh(cast.p1)
    assert person.phone == "13812345678" and person.name == "张三" and person.version == 2


def test_edits_are_scoped_to_the_actors_subtree(cast):
    with pytest.raises(NotFound):
        services.update_person(cast.grid_g1, cast.p3, version=1, phone="13600000000")
    with pytest.raises(PermissionDenied):
        services.update_person(cast.leader_s1, cast.p1, version=1, phone="13600000000")
    with pytest.raises(NotFound):
        edits.update_house(cast.outsider, cast.h1, version=1, is_rental=True)
    assert not PersonChange.objects.exists()


def test_bad_input_names_its_error_and_changes_nothing(cast):
    with pytest.raises(DomainError) as err:
        services.update_person(cast.grid_g1, cast.p1, version=1, residence="martian")
    assert err.value.code == ErrorCode.UNKNOWN_CHOICE
    with pytest.raises(DomainError) as err:
        services.update_person(cast.grid_g1, cast.p1, version=1, phone="12")
    assert err.value.code == ErrorCode.INVALID_PHONE
    assert fresh(cast.p1).version == 1 and not PersonChange.objects.exists()


def test_moving_house_within_scope_follows_the_house_into_its_grid(cast):
    h2 = places.create_house(None, region=cast.G2, road="银杏胡同", number="9号")
    household = Household.objects.create(house=h2)
    edits.move_person(cast.worker_c1, cast.p1, version=1, household=household)
    person = fresh(cast.p1)
    assert (person.house, person.household, person.region) == (h2, household, cast.G2)
    assert not person.is_household_head  # the head of the old home is not head of the new one
    change = PersonChange.objects.get(person=cast.p1)
    assert change.kind == ChangeKind.MOVED_HOUSE and set(change.fields) >= {"house", "household", "region"}
    row = history.history_rows(cast.worker_c1, person)[0]
    assert {c["field"]: c["after"] for c in row["changes"]}["house"] == h2.door_number
    assert AuditEntry.objects.filter(event=AuditEvent.PERSON_MOVED, target_id=str(cast.p1.pk)).exists()


def test_invalid_moves_have_their_own_code(cast):
    for kwargs in ({}, {"house": cast.h1}):
        with pytest.raises(DomainError) as err:
            edits.move_person(cast.grid_g1, cast.p1, version=1, **kwargs)
        assert err.value.code == ErrorCode.INVALID_MOVE
    other = Household.objects.create(house=cast.h4)
    with pytest.raises(DomainError) as err:
        edits.move_person(cast.admin, cast.p1, version=1, house=cast.h1, household=other)
    assert err.value.code == ErrorCode.INVALID_MOVE
    with pytest.raises(NotFound):  # into a house outside the actor's area
        edits.move_person(cast.grid_g1, cast.p1, version=1, house=cast.h4)
    assert fresh(cast.p1).house == cast.h1


def test_moved_out_and_dead_people_leave_the_counts_but_keep_their_record(cast):
    def persons_in_c1():
        rows = queries.counts_by_child(
            cast.C1,
            services.persons_for(cast.admin),
            places.houses_for(cast.admin),
            places.legal_persons_for(cast.admin),
        )
        return {r["region"].code: r["persons"] for r in rows}

    assert persons_in_c1()["G1"] == 1
    edits.record_departure(cast.grid_g1, cast.p1, version=1, status=PersonStatus.DECEASED, on_date=dt.date(2026, 1, 2))
    assert persons_in_c1()["G1"] == 0
    person = fresh(cast.p1)
    assert person.status == PersonStatus.DECEASED and person.house is None and person.status_date == dt.date(2026, 1, 2)
    assert PersonChange.objects.get(person=cast.p1).kind == ChangeKind.DIED
    with pytest.raises(DomainError) as err:
        edits.move_person(cast.grid_g1, person, version=2, house=cast.h1)
    assert err.value.code == ErrorCode.PERSON_INACTIVE and err.value.status == 409


def test_a_person_who_moved_out_may_move_back_in(cast):
    edits.record_departure(cast.grid_g1, cast.p1, version=1, status=PersonStatus.MOVED_OUT, on_date=None)
    with pytest.raises(DomainError) as err:
        edits.record_departure(cast.grid_g1, fresh(cast.p1), version=2, status=PersonStatus.DECEASED, on_date=None)
    assert err.value.code == ErrorCode.PERSON_INACTIVE
    edits.move_person(cast.grid_g1, fresh(cast.p1), version=2, house=cast.h1)
    person = fresh(cast.p1)
    assert person.status == PersonStatus.ACTIVE and person.house == cast.h1
    kinds = list(PersonChange.objects.filter(person=cast.p1).values_list("kind", flat=True))
    assert kinds == [ChangeKind.MOVED_IN, ChangeKind.MOVED_OUT]


def test_a_departure_in_the_future_is_refused(cast):
    with pytest.raises(DomainError) as err:
        edits.record_departure(
            cast.grid_g1, cast.p1, version=1, status=PersonStatus.MOVED_OUT, on_date=dt.date(2999, 1, 1)
        )
    assert err.value.code == ErrorCode.OUT_OF_RANGE and fresh(cast.p1).status == PersonStatus.ACTIVE


def test_house_edits_recompose_the_door_number_and_refuse_a_taken_one(cast):
    edits.update_house(cast.grid_g1, cast.h1, version=1, number="8号院", is_rental=True)
    house = places.houses_for(cast.grid_g1).get(pk=cast.h1.pk)
    assert house.door_number == "银杏胡同8号院" and house.is_rental and house.version == 2
    places.create_house(None, region=cast.G1, road="银杏胡同", number="10号")
    with pytest.raises(DomainError) as err:
        edits.update_house(cast.grid_g1, house, version=2, number="10号")
    assert err.value.code == ErrorCode.DUPLICATE
    entry = AuditEntry.objects.get(event=AuditEvent.HOUSE_UPDATED)
    assert entry.extra == {"fields": ["number", "is_rental"]}


def test_household_head_must_be_a_member_and_is_moved_in_history(cast):
    household = Household.objects.create(house=cast.h1)
    member = services.create_person(None, region=cast.G1, name="张小", id_number=valid_id(birth="20100101", seq="557"))
    with pytest.raises(DomainError):
        edits.update_household(cast.grid_g1, household, version=1, head=member)
    Person.objects.filter(pk=member.pk).update(household=household)
    edits.update_household(cast.grid_g1, household, version=1, head=fresh(member), kind=Household.Kind.COLLECTIVE)
    household.refresh_from_db()
    assert household.kind == Household.Kind.COLLECTIVE and fresh(member).is_household_head
    assert PersonChange.objects.get(person=member).fields == ["is_household_head"]


def test_legal_person_edits_are_audited(cast):
    edits.update_legal_person(cast.grid_g1, cast.firm, version=1, name="测试饭馆")
    cast.firm.refresh_from_db()
    assert cast.firm.name == "测试饭馆" and cast.firm.version == 2
    with pytest.raises(DomainError) as err:
        edits.update_legal_person(cast.grid_g1, cast.firm, version=2, industry="ZZ")
    assert err.value.code == ErrorCode.UNKNOWN_CHOICE
    assert AuditEntry.objects.get(event=AuditEvent.LEGAL_PERSON_UPDATED).extra == {"fields": ["name"]}
