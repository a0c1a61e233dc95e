import pytest

from grassroots.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttles count in the cache, which outlives a test: start each test from nothing."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def share_cast(cast):
    """Adds a provider (区民政局 over D), a consumer (甲街道综治中心 over S1), a data officer, and a dataset."""
    from grassroots.accounts import services as accounts
    from grassroots.accounts.models import Department
    from grassroots.accounts.roles import Role
    from grassroots.sharing import catalogue

    cast.mzj = Department.objects.create(name="区民政局", code="mzj", region=cast.D)
    cast.zz = Department.objects.create(name="甲街道综治中心", code="s1-zz", region=cast.S1)
    for username, role, region, department in (
        ("mz_officer", Role.DEPARTMENT, cast.D, cast.mzj),
        ("zz_officer", Role.DEPARTMENT, cast.S1, cast.zz),
        ("data_officer", Role.DATA_OFFICER, cast.D, None),
    ):
        user = accounts.create_user(username=username, password=PASSWORD, display_name=username)
        accounts.grant_membership(None, user, role=role, region=region, department=department)
        setattr(cast, username, user)
    cast.persons = catalogue.create_dataset_from_source(
        cast.mz_officer,
        department_id=cast.mzj.pk,
        spec=catalogue.DatasetSpec(
            code="mz-persons",
            title="实有人口基础信息",
            description="辖区实有人口（演示数据）",
            frequency="DAILY",
            sharing_class="conditional",
            conditions="仅限履行法定职责所需",
        ),
        source="registry.persons",
    )
    return cast


def spec_for(cast, **overrides):
    from grassroots.sharing.workflow import RequestSpec

    values = {
        "dataset_id": cast.persons.pk,
        "consumer_id": cast.zz.pk,
        "purpose": "开展独居老人走访慰问",
        "legal_basis": "《北京市养老服务条例》第十五条",
        "fields": ["name", "phone", "grid_code"],
        "region_id": cast.S1.pk,
        "duration_days": 30,
    }
    return RequestSpec(**{**values, **overrides})


@pytest.fixture
def granted(share_cast):
    """A request taken through compliance and the provider's approval, with the grant's key."""
    from grassroots.sharing import grants, workflow

    request = workflow.submit_request(share_cast.zz_officer, spec_for(share_cast))
    workflow.decide_compliance(share_cast.data_officer, request, approve=True)
    workflow.decide_provider(share_cast.mz_officer, request, approve=True, rate_per_minute=3)
    request.refresh_from_db()
    share_cast.request = request
    share_cast.grant = request.grant
    share_cast.key = grants.issue_key(share_cast.zz_officer, request.grant)
    return share_cast
