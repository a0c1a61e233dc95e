import pytest


@pytest.fixture
def case_cast(cast):
    """The shared cast plus a department (城管科 of 甲街道) whose officer handles city-management cases there."""
    from grassroots.accounts import services as accounts
    from grassroots.accounts.models import Department
    from grassroots.accounts.roles import Role
    from grassroots.cases.models import Category, ResponsibilityRule
    from grassroots.conftest import PASSWORD

    cast.cgk = Department.objects.create(name="甲街道城管科", code="s1-cgk", region=cast.S1)
    cast.officer = accounts.create_user(username="officer", password=PASSWORD, display_name="城管队员")
    accounts.grant_membership(None, cast.officer, role=Role.DEPARTMENT, region=cast.S1, department=cast.cgk)
    cast.resident2 = accounts.create_user(username="resident2", password=PASSWORD, display_name="居民乙")
    accounts.grant_membership(None, cast.resident2, role=Role.RESIDENT, region=cast.C1)
    ResponsibilityRule.objects.create(
        category=Category.objects.get(code="city_management"),
        level=2,
        department=cast.cgk,
        within=cast.S1,
        sla_hours=14,
        warn_hours=2,
    )
    return cast


def report(**overrides):
    from grassroots.cases.intake import Report

    values = {
        "title": "楼道堆放杂物",
        "description": "3号楼楼道里堆满纸箱和旧家具，堵住了消防通道，存在火灾隐患",
        "category": "fire_hazard",
        "lng": 116.32,
        "lat": 39.85,
    }
    values.update(overrides)
    return Report(**values)
