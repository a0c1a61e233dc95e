import pytest
from django.db import connection

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.conftest import valid_id
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.registry import places, services
from grassroots.registry.models import Person, Tag


def raw_row(person_id: int) -> tuple:
    with connection.cursor() as cur:
        cur.execute("SELECT name, id_number, phone FROM registry_person WHERE id = %s", [person_id])
        return cur.fetchone()


def test_it_stores_pii_sealed_and_reads_it_back(cast):
    raw = raw_row(cast.p1.pk)
    assert all(value.startswith("gr1.") for value in raw)
    assert "13812345678" not in "".join(raw) and "张三丰" not in "".join(raw)
    fresh = Person.objects.get(pk=cast.p1.pk)
    assert (fresh.name, fresh.phone) == ("张三丰", "13812345678")


def test_it_derives_birth_date_and_sex_from_the_id_number(cast):
    assert str(cast.p1.birth_date) == "1980-01-01"
    assert cast.p1.sex == "M"  # sequence 123 is odd


def test_it_refuses_a_second_person_with_the_same_id_number(cast):
    with pytest.raises(DomainError) as err:
        services.create_person(cast.grid_g1, region=cast.G1, name="张三", id_number=valid_id(seq="123"))
    assert err.value.code == ErrorCode.DUPLICATE
    assert Person.objects.count() == 3


def test_it_rejects_an_invalid_id_number_and_writes_nothing(cast):
    with pytest.raises(DomainError) as err:
        services.create_person(cast.grid_g1, region=cast.G1, name="赵六", id_number="110101198001011230")
    assert err.value.code == ErrorCode.INVALID_ID_NUMBER
    assert Person.objects.count() == 3


def test_grid_worker_cannot_register_outside_their_grid(cast):
    with pytest.raises(NotFound):
        services.create_person(cast.grid_g1, region=cast.G3, name="赵六", id_number=valid_id(seq="447"))


def test_people_must_be_placed_in_a_grid(cast):
    with pytest.raises(DomainError) as err:
        services.create_person(cast.admin, region=cast.C1, name="赵六", id_number=valid_id(seq="447"))
    assert err.value.code == ErrorCode.NOT_A_GRID


def test_find_by_id_number_uses_the_blind_index_within_scope(cast):
    assert services.find_persons(cast.staff_s1, id_number=valid_id(seq="123").lower()) == [cast.p1]
    assert services.find_persons(cast.outsider, id_number=valid_id(seq="123")) == []
    assert services.find_persons(cast.staff_s1, phone="138 1234 5678") == [cast.p1]
    entry = AuditEntry.objects.filter(event=AuditEvent.PERSON_SEARCHED).first()
    assert valid_id(seq="123") not in str(entry.extra)  # the query itself is not logged in plaintext


def test_changing_a_phone_updates_its_blind_index(cast):
    services.update_person(cast.grid_g1, cast.p1, phone="13600000000")
    assert services.find_persons(cast.grid_g1, phone="13600000000") == [cast.p1]
    assert services.find_persons(cast.grid_g1, phone="13812345678") == []


def test_reveal_needs_a_reason_and_the_right_role(cast):
    with pytest.raises(DomainError) as err:
        services.reveal_person_field(cast.grid_g1, cast.p1, field="id_number", reason="")
    assert err.value.code == ErrorCode.REASONS_REQUIRED
    with pytest.raises(DomainError) as err:
        services.reveal_person_field(cast.leader_s1, cast.p1, field="id_number", reason="核实")
    assert err.value.code == ErrorCode.PERMISSION_DENIED
    assert services.reveal_person_field(cast.grid_g1, cast.p1, field="id_number", reason="上门核实") == valid_id()
    entry = AuditEntry.objects.get(event=AuditEvent.PERSON_REVEALED)
    assert entry.actor == cast.grid_g1 and entry.extra == {"field": "id_number", "reason": "上门核实"}


def test_viewing_a_person_is_audited(cast):
    services.get_person_for(cast.worker_c1, cast.p1.pk)
    assert AuditEntry.objects.filter(
        event=AuditEvent.PERSON_VIEWED, actor=cast.worker_c1, target_id=str(cast.p1.pk)
    ).exists()


def test_tags_only_apply_to_their_kind_of_target(cast):
    alone = Tag.objects.get(code="elderly-alone")
    services.add_tag(cast.grid_g1, cast.p1, alone)
    assert [t.tag.code for t in cast.p1.taggings.all()] == ["elderly-alone"]
    with pytest.raises(DomainError):
        services.add_tag(cast.grid_g1, cast.p1, Tag.objects.get(code="rental"))
    with pytest.raises(NotFound):
        services.add_tag(cast.grid_g1, cast.p3, alone)


def test_door_number_search_is_scoped_and_normalised(cast):
    assert places.search_houses(cast.staff_s1, "银杏 胡同8") == [cast.h1]
    assert places.search_houses(cast.staff_s1, "柳荫街") == []
    assert places.search_houses(cast.outsider, "柳荫街3号1栋") == [cast.h4]
    house, residents = places.get_house_for(cast.outsider, cast.h4.pk)
    assert residents == [cast.p4]
    with pytest.raises(NotFound):
        places.get_house_for(cast.outsider, cast.h1.pk)


def test_house_coordinates_must_lie_in_the_grid(cast):
    with pytest.raises(DomainError) as err:
        places.create_house(cast.grid_g1, region=cast.G1, road="银杏胡同", number="9号", lng=116.45, lat=39.85)
    assert err.value.code == ErrorCode.OUT_OF_RANGE
    with pytest.raises(DomainError) as err:
        places.create_house(cast.grid_g1, region=cast.G1, road="银杏胡同", number="8号")
    assert err.value.code == ErrorCode.DUPLICATE


def test_legal_persons_need_a_valid_uscc(cast):
    with pytest.raises(DomainError) as err:
        places.create_legal_person(
            cast.grid_g1, region=cast.G1, uscc="91350100M000100Y44", name="某店", address="银杏胡同9号", industry="F"
        )
    assert err.value.code == ErrorCode.INVALID_USCC
