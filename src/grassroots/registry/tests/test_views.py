"""Registry pages: registration forms, lists, exports and the denials."""

import pytest

from grassroots.conftest import PASSWORD, valid_id
from grassroots.registry.models import House, Person


@pytest.fixture
def as_user(client):
    def login(user):
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        return client

    return login


def test_a_grid_worker_registers_a_person_through_the_form(cast, as_user):
    client = as_user(cast.grid_g1)
    page = client.get("/registry/persons/new/")
    assert "一社区第1网格" in page.content.decode() and "二社区第1网格" not in page.content.decode()
    response = client.post(
        "/registry/persons/new/",
        {
            "grid": cast.G1.pk,
            "name": "孙七",
            "id_number": valid_id(seq="661"),
            "phone": "13511112222",
            "residence": "registered",
            "door_number": "银杏胡同8号",
        },
    )
    person = Person.objects.get(id_number_bidx=Person(id_number=valid_id(seq="661")).id_number_bidx)
    assert response.status_code == 302 and response.url == f"/registry/persons/{person.pk}/"
    assert person.house == cast.h1 and person.name == "孙七"


def test_the_form_shows_the_services_reason_and_writes_nothing(cast, as_user):
    client = as_user(cast.grid_g1)
    response = client.post(
        "/registry/persons/new/",
        {"grid": cast.G1.pk, "name": "孙七", "id_number": "110101198001011230", "residence": "registered"},
    )
    assert response.status_code == 200 and "校验码错误" in response.content.decode()
    assert Person.objects.count() == 3


def test_a_grid_outside_scope_cannot_be_chosen(cast, as_user):
    response = as_user(cast.grid_g1).post(
        "/registry/persons/new/",
        {"grid": cast.G3.pk, "name": "孙七", "id_number": valid_id(seq="661"), "residence": "registered"},
    )
    assert response.status_code == 200 and Person.objects.count() == 3


def test_roles_without_edit_rights_get_403(cast, as_user):
    assert as_user(cast.leader_s1).get("/registry/persons/new/").status_code == 403


def test_registering_a_house(cast, as_user):
    response = as_user(cast.worker_c1).post(
        "/registry/houses/new/",
        {"grid": cast.G2.pk, "road": "槐树胡同", "number": "5号", "house_type": "residential", "is_rental": "on"},
    )
    house = House.objects.get(door_number="槐树胡同5号")
    assert response.status_code == 302 and house.is_rental and house.region == cast.G2


def test_person_list_page_masks_and_filters(cast, as_user):
    client = as_user(cast.staff_s1)
    body = client.get("/registry/persons/").content.decode()
    assert "张三丰" in body and "138****5678" in body and "王五" not in body
    body = client.get(f"/registry/persons/?region={cast.C2.pk}").content.decode()
    assert "李四" in body and "张三丰" not in body
    assert client.get(f"/registry/persons/?region={cast.C3.pk}").status_code == 404


def test_export_page_download_is_masked(cast, as_user):
    response = as_user(cast.staff_s1).get("/registry/export/persons/?fmt=csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].endswith('persons.csv"') and "138****5678" in text
    assert as_user(cast.grid_g1).get("/registry/export/persons/?fmt=csv").status_code == 403


def test_door_number_search_page(cast, as_user):
    body = as_user(cast.outsider).post("/registry/houses/search/", {"door": "柳荫街3号1栋"}).content.decode()
    assert "柳荫街3号1号楼2单元501" in body
    detail = as_user(cast.outsider).get(f"/registry/houses/{cast.h4.pk}/").content.decode()
    assert "王五" in detail and "137" in detail


def test_person_search_page_takes_post_only(cast, as_user):
    client = as_user(cast.grid_g1)
    assert client.get("/registry/persons/search/?name=张三丰").status_code == 405
    body = client.post("/registry/persons/search/", {"name": "张三丰"}).content.decode()
    assert "张三丰" in body
