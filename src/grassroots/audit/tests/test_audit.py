"""Each service writes its audit row (STYLE.md §3), and the log is append-only."""

import pytest

from grassroots.accounts import services as accounts
from grassroots.accounts.roles import Role
from grassroots.areas import services as areas
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AppendOnlyError, AuditEntry
from grassroots.conftest import valid_id
from grassroots.core.errors import DomainError
from grassroots.registry import places
from grassroots.registry import services as registry
from grassroots.registry.models import Tag


def last(event: AuditEvent) -> AuditEntry:
    return AuditEntry.objects.filter(event=event).order_by("-id").first()


def test_registry_services_write_their_rows(cast):
    person = registry.create_person(cast.grid_g1, region=cast.G1, name="钱八", id_number=valid_id(seq="771"))
    assert last(AuditEvent.PERSON_CREATED).target_id == str(person.pk)
    registry.update_person(cast.grid_g1, person, phone="13512345678")
    assert last(AuditEvent.PERSON_UPDATED).extra == {"fields": ["phone"]}
    registry.get_person_for(cast.grid_g1, person.pk)
    assert last(AuditEvent.PERSON_VIEWED).actor == cast.grid_g1
    registry.find_persons(cast.grid_g1, phone="13512345678")
    assert last(AuditEvent.PERSON_SEARCHED).extra["hits"] == [str(person.pk)]
    registry.reveal_person_field(cast.grid_g1, person, field="phone", reason="回访")
    assert last(AuditEvent.PERSON_REVEALED).extra["field"] == "phone"
    registry.add_tag(cast.grid_g1, person, Tag.objects.get(code="veteran"))
    assert last(AuditEvent.TAG_ADDED).extra == {"tag": "veteran"}
    registry.remove_tag(cast.grid_g1, person, Tag.objects.get(code="veteran"))
    assert last(AuditEvent.TAG_REMOVED).extra == {"tag": "veteran"}
    registry.record_listing(cast.grid_g1, [person], filters={})
    assert last(AuditEvent.PERSON_LISTED).extra["ids"] == [str(person.pk)]
    household = registry.create_household(cast.grid_g1, house=cast.h1)
    assert last(AuditEvent.HOUSEHOLD_CREATED).target_id == str(household.pk)


def test_place_services_write_their_rows(cast):
    house = places.create_house(cast.grid_g1, region=cast.G1, road="石碑胡同", number="2号")
    assert last(AuditEvent.HOUSE_CREATED).target_id == str(house.pk)
    places.search_houses(cast.grid_g1, "石碑")
    assert last(AuditEvent.HOUSE_SEARCHED).extra == {"by": ["door_number"], "hits": 1}  # never the address
    places.get_house_for(cast.grid_g1, cast.h1.pk)
    assert last(AuditEvent.HOUSE_VIEWED).extra["residents"] == [str(cast.p1.pk)]
    places.get_legal_person_for(cast.grid_g1, cast.firm.pk)
    assert last(AuditEvent.LEGAL_PERSON_VIEWED).target_id == str(cast.firm.pk)
    assert last(AuditEvent.LEGAL_PERSON_CREATED).extra == {"uscc": cast.firm.uscc}


def test_area_and_account_services_write_their_rows(cast):
    areas.export_geojson(cast.admin, cast.S1)
    assert last(AuditEvent.REGION_EXPORTED).extra == {"root": "S1", "features": 6}
    assert last(AuditEvent.REGION_IMPORTED).extra["created"] == 10
    membership = accounts.grant_membership(cast.admin, cast.resident, role=Role.GRID_WORKER, region=cast.G2)
    assert last(AuditEvent.MEMBERSHIP_GRANTED).target_id == str(membership.pk)
    accounts.revoke_membership(cast.admin, membership)
    assert last(AuditEvent.MEMBERSHIP_REVOKED).extra["role"] == "grid_worker"
    token, _ = accounts.issue_api_token(cast.admin, name="ci")
    assert last(AuditEvent.API_TOKEN_ISSUED).target_id == str(token.pk)
    accounts.revoke_api_token(cast.admin, token.pk)
    assert last(AuditEvent.API_TOKEN_REVOKED).target_id == str(token.pk)


def test_exports_are_audited(cast, api_client):
    api_client.as_user(cast.staff_s1).get("/api/v1/registry/export/persons?fmt=xlsx")
    entry = last(AuditEvent.REGISTRY_EXPORTED)
    assert entry.actor == cast.staff_s1 and entry.extra["rows"] == 2 and entry.extra["format"] == "xlsx"


def test_the_log_refuses_updates_and_deletes(cast):
    entry = AuditEntry.objects.first()
    entry.extra = {"tampered": True}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_a_failed_service_leaves_no_audit_row(cast):
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError):
        registry.create_person(cast.grid_g1, region=cast.G1, name="重复", id_number=valid_id(seq="123"))
    assert AuditEntry.objects.count() == before


def test_viewing_a_case_is_audited_with_whether_the_identity_was_shown(case_cast, api_client):
    from grassroots.cases.intake import open_case
    from grassroots.cases.models import Channel
    from grassroots.cases.tests.conftest import report

    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    api_client.as_user(case_cast.staff_s1).get(f"/api/v1/cases/{case.pk}")
    api_client.as_user(case_cast.leader_s1).get(f"/api/v1/cases/{case.pk}")
    rows = AuditEntry.objects.filter(event=AuditEvent.CASE_VIEWED).order_by("id")
    assert [(r.actor.username, r.extra["identity_shown"]) for r in rows] == [("staff_s1", True), ("leader_s1", False)]
