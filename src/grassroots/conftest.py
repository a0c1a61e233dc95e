"""Shared test cast (STYLE.md §9): a tiny territory and one user per role, plus one who must be refused.

Territory (squares, lng/lat):          Users:
  D 东城测试区                          admin        系统管理员 over D
  ├─ S1 甲街道                          leader_s1    街道领导 over S1
  │  ├─ C1 一社区 ─ G1, G2              staff_s1     街道工作人员 over S1
  │  └─ C2 二社区 ─ G3                  worker_c1    社区工作人员 over C1
  └─ S2 乙街道                          grid_g1      网格员 over G1
     └─ C3 三社区 ─ G4                  dept_d       部门人员 over D (城管委)
                                        resident     居民 (no staff scope)
                                        outsider     社区工作人员 over C3 (other street)
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from grassroots.registry.identifiers import id_check_char, uscc_check_char


def valid_id(area: str = "110101", birth: str = "19800101", seq: str = "123") -> str:
    first17 = f"{area}{birth}{seq}"
    return first17 + id_check_char(first17)


def valid_uscc(body: str = "91110101MA01ABCD5") -> str:
    return body + uscc_check_char(body)


def square(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feature(code, name, level, parent, geometry):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent_code": parent},
        "geometry": geometry,
    }


TERRITORY = {
    "type": "FeatureCollection",
    "features": [
        feature("D", "东城测试区", 1, None, square(116.30, 39.80, 116.50, 40.00)),
        feature("S1", "甲街道", 2, "D", square(116.30, 39.80, 116.40, 40.00)),
        feature("S2", "乙街道", 2, "D", square(116.40, 39.80, 116.50, 40.00)),
        feature("C1", "一社区", 3, "S1", square(116.30, 39.80, 116.40, 39.90)),
        feature("C2", "二社区", 3, "S1", square(116.30, 39.90, 116.40, 40.00)),
        feature("C3", "三社区", 3, "S2", square(116.40, 39.80, 116.50, 40.00)),
        feature("G1", "一社区第1网格", 4, "C1", square(116.30, 39.80, 116.35, 39.90)),
        feature("G2", "一社区第2网格", 4, "C1", square(116.35, 39.80, 116.40, 39.90)),
        feature("G3", "二社区第1网格", 4, "C2", square(116.30, 39.90, 116.40, 40.00)),
        feature("G4", "三社区第1网格", 4, "C3", square(116.40, 39.80, 116.50, 40.00)),
    ],
}

PASSWORD = "Test-pass-2026"


class Cast:
    """Attribute access to regions (cast.G1), users (cast.grid_g1) and people (cast.p1)."""

    def __init__(self):
        from grassroots.accounts import services as accounts
        from grassroots.accounts.models import Department
        from grassroots.accounts.roles import Role
        from grassroots.areas import services as areas
        from grassroots.areas.models import Region
        from grassroots.registry import places
        from grassroots.registry import services as registry

        areas.import_regions(None, TERRITORY)
        for region in Region.objects.all():
            setattr(self, region.code, region)
        dept = Department.objects.create(name="城管委", code="cgw", region=self.D)
        roles = {
            "admin": (Role.SYSTEM_ADMIN, self.D),
            "leader_s1": (Role.STREET_LEADER, self.S1),
            "staff_s1": (Role.STREET_STAFF, self.S1),
            "worker_c1": (Role.COMMUNITY_STAFF, self.C1),
            "grid_g1": (Role.GRID_WORKER, self.G1),
            "dept_d": (Role.DEPARTMENT, self.D),
            "resident": (Role.RESIDENT, self.G1),
            "outsider": (Role.COMMUNITY_STAFF, self.C3),
        }
        for username, (role, region) in roles.items():
            user = accounts.create_user(username=username, password=PASSWORD, display_name=username)
            accounts.grant_membership(
                None, user, role=role, region=region, department=dept if role == Role.DEPARTMENT else None
            )
            setattr(self, username, user)
        self.h1 = places.create_house(None, region=self.G1, road="银杏胡同", number="8号", lng=116.32, lat=39.85)
        self.h4 = places.create_house(
            None, region=self.G4, road="柳荫街", number="3号", building="1号楼", unit="2单元", room="501"
        )
        self.p1 = registry.create_person(
            None,
            region=self.G1,
            name="张三丰",
            id_number=valid_id(seq="123"),
            phone="13812345678",
            house=self.h1,
            is_household_head=True,
        )
        self.p3 = registry.create_person(
            None, region=self.G3, name="李四", id_number=valid_id(seq="224"), phone="13900001111"
        )
        self.p4 = registry.create_person(
            None, region=self.G4, name="王五", id_number=valid_id(seq="335"), phone="13700002222", house=self.h4
        )
        self.firm = places.create_legal_person(
            None, region=self.G1, uscc=valid_uscc(), name="测试餐馆", address="银杏胡同8号", industry="H"
        )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 at Django's default work factor costs ~0.4 s a user; the cast has eight.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """LocaleMiddleware activates a request's language in the test's thread and leaves it active: a request
    sent with Accept-Language: en would otherwise turn every later test of the worker English."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def cast(db) -> Cast:
    return Cast()


@pytest.fixture
def api_client(client):
    """A test client that authenticates with an API token for the given user."""
    from grassroots.accounts.services import issue_api_token

    class ApiClient:
        def as_user(self, user):
            _, secret = issue_api_token(user, name="test")
            self.headers = {"Authorization": f"Bearer {secret}"}
            return self

        def get(self, url, **kw):
            return client.get(url, headers=self.headers, **kw)

        def post(self, url, data=None, **kw):
            return client.post(
                url,
                data=data,
                content_type=kw.pop("content_type", "application/json"),
                headers={**self.headers, **kw.pop("headers", {})},
                **kw,
            )

        def delete(self, url, **kw):
            return client.delete(url, headers=self.headers, **kw)

    return ApiClient()


@pytest.fixture
def case_cast(cast):
    """The shared cast plus a department (城管科 of 甲街道) whose officer handles city-management cases there."""
    from grassroots.accounts import services as accounts
    from grassroots.accounts.models import Department
    from grassroots.accounts.roles import Role
    from grassroots.conftest import PASSWORD

    cast.cgk = Department.objects.create(name="甲街道城管科", code="s1-cgk", region=cast.S1)
    cast.officer = accounts.create_user(username="officer", password=PASSWORD, display_name="城管队员")
    accounts.grant_membership(None, cast.officer, role=Role.DEPARTMENT, region=cast.S1, department=cast.cgk)
    cast.resident2 = accounts.create_user(username="resident2", password=PASSWORD, display_name="居民乙")
    accounts.grant_membership(None, cast.resident2, role=Role.RESIDENT, region=cast.C1)
    route_city_management(cast.cgk, cast.S1)
    return cast


def route_city_management(department, within) -> None:
    """City-management cases at street level inside `within` go to `department` (14 h, warned 2 h before)."""
    from grassroots.cases.models import Category, ResponsibilityRule

    ResponsibilityRule.objects.create(
        category=Category.objects.get(code="city_management"),
        level=2,
        department=department,
        within=within,
        sla_hours=14,
        warn_hours=2,
    )
