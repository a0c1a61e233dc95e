"""The catalogue: datasets over live sources and uploaded tables, field grading, DCAT export, pages."""

import datetime as dt
import io
import re

import pytest
from openpyxl import Workbook

from grassroots.conftest import PASSWORD
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.sharing import catalogue, grading, grants, workflow
from grassroots.sharing.models import Dataset, Resource, ResourceRow
from grassroots.sharing.tests.conftest import spec_for


def spec(**overrides) -> catalogue.DatasetSpec:
    values = {
        "code": "mz-subsidy",
        "title": "低保发放名册",
        "description": "各社区低保对象发放情况（演示数据）",
        "frequency": "MONTHLY",
        "sharing_class": "conditional",
        "conditions": "仅限社会救助核查",
    }
    return catalogue.DatasetSpec(**{**values, **overrides})


CSV = "区划代码,日期,户数,金额\nG1,2026-10-01,12,15600\nG4,2026-10-01,7,9100\nG3,2026-11-01,3,3900\n".encode()


def upload(cast, content=CSV, name="subsidy.csv", **kw):
    return catalogue.create_dataset_from_file(
        cast.mz_officer,
        department_id=cast.mzj.pk,
        spec=spec(),
        filename=name,
        content=content,
        region_column=kw.get("region_column", "区划代码"),
        date_column=kw.get("date_column", "日期"),
    )


def test_a_live_dataset_takes_its_fields_and_levels_from_the_source(share_cast):
    fields = {f.name: (f.sensitivity, f.pii_kind) for f in share_cast.persons.fields.all()}
    assert fields["id_number"] == ("core", "id_number")
    assert fields["grid_code"] == ("general", "")
    assert share_cast.persons.resources.get().kind == Resource.LIVE


def test_only_the_departments_officers_may_catalogue_for_it(share_cast):
    c = share_cast
    for actor, department in ((c.zz_officer, c.mzj), (c.grid_g1, c.mzj), (c.data_officer, c.mzj)):
        with pytest.raises(PermissionDenied):
            catalogue.create_dataset_from_source(
                actor, department_id=department.pk, spec=spec(), source="cases.records"
            )


def test_it_checks_the_dataset_description(share_cast):
    c = share_cast
    bad = [
        spec(code="Bad Code"),
        spec(sharing_class="conditional", conditions=""),
        spec(sharing_class="none", legal_basis=""),
        spec(frequency="HOURLY"),
        spec(code="mz-persons"),  # taken
        spec(conditions="限" * 501),  # longer than the column: refused, not a database error
        spec(sharing_class="none", legal_basis="法" * 501),
    ]
    for item in bad:
        with pytest.raises(DomainError):
            catalogue.create_dataset_from_source(
                c.mz_officer, department_id=c.mzj.pk, spec=item, source="cases.records"
            )
    with pytest.raises(DomainError):
        catalogue.create_dataset_from_source(c.mz_officer, department_id=c.mzj.pk, spec=spec(), source="nope")
    assert Dataset.objects.count() == 1


def grade_all(cast, dataset, **personal):
    """Grade every field: 一般数据 unless named in `personal` ({field: pii kind}, graded 核心数据)."""
    grades = {
        f.name: ("core", personal[f.name]) if f.name in personal else ("general", "") for f in dataset.fields.all()
    }
    grading.grade_fields(cast.mz_officer, dataset, grades)


def test_an_uploaded_table_is_checked_whole_and_shared_within_region_and_period(share_cast, client):
    c = share_cast
    bad_region = CSV + b"X9,2026-11-01,1,100\n"
    with pytest.raises(DomainError) as error:
        upload(c, bad_region)
    assert "第 5 行" in error.value.message
    with pytest.raises(DomainError):
        upload(c, CSV.replace(b"2026-11-01", b"2026/11/01"))
    with pytest.raises(DomainError) as error:
        upload(c, b"PK\x03\x04 not really a workbook", name="subsidy.xlsx")
    assert "Excel" in error.value.message
    with pytest.raises(DomainError) as error:
        upload(c, b"x" * (catalogue.MAX_FILE_BYTES + 1))
    assert error.value.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert not Dataset.objects.filter(code="mz-subsidy").exists()

    dataset = upload(c)
    request = workflow.submit_request(
        c.zz_officer,
        spec_for(
            c, dataset_id=dataset.pk, fields=["区划代码", "金额"], period_start=None, period_end=None, region_id=c.S1.pk
        ),
    )
    request = workflow.decide_compliance(c.data_officer, request, approve=True)
    with pytest.raises(DomainError) as error:  # uploaded columns start ungraded
        workflow.decide_provider(c.mz_officer, request, approve=True)
    assert error.value.code == ErrorCode.CONFLICT and error.value.details == {
        "ungraded": ["区划代码", "日期", "户数", "金额"]
    }
    grade_all(c, dataset)
    workflow.decide_provider(c.mz_officer, request, approve=True)
    request.refresh_from_db()
    key = grants.issue_key(c.zz_officer, request.grant)
    rows = client.get("/api/v1/sharing/data", headers={"X-Share-Key": key}).json()["rows"]
    assert rows == [{"区划代码": "G1", "金额": "15600"}, {"区划代码": "G3", "金额": "3900"}]


def test_an_excel_upload_works_like_csv(share_cast):
    book = Workbook()
    sheet = book.active
    for row in (["区划代码", "日期", "户数"], ["G1", "2026-10-01", 12]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    dataset = upload(share_cast, out.getvalue(), name="subsidy.xlsx")
    resource = dataset.resources.get()
    assert resource.row_count == 1
    (row,) = ResourceRow.objects.filter(resource=resource)
    assert row.data == {"区划代码": "G1", "日期": "2026-10-01", "户数": "12"}
    assert (row.region, row.day) == (share_cast.G1, dt.date(2026, 10, 1))


def test_personal_fields_must_be_graded_core(share_cast):
    c = share_cast
    dataset = upload(c)
    with pytest.raises(DomainError):
        grading.grade_fields(c.mz_officer, dataset, {"户数": ("general", "phone")})
    grading.grade_fields(c.mz_officer, dataset, {"金额": ("important", "")})
    assert dataset.fields.get(name="金额").sensitivity == "important"
    with pytest.raises(PermissionDenied):
        grading.grade_fields(c.zz_officer, dataset, {"金额": ("general", "")})


def test_a_dataset_that_is_not_shared_cannot_be_requested(share_cast):
    c = share_cast
    closed = catalogue.create_dataset_from_source(
        c.mz_officer,
        department_id=c.mzj.pk,
        spec=spec(code="mz-closed", sharing_class="none", legal_basis="《中华人民共和国个人信息保护法》第十三条"),
        source="registry.persons",
    )
    with pytest.raises(DomainError) as error:
        workflow.submit_request(c.zz_officer, spec_for(c, dataset_id=closed.pk))
    assert error.value.code == ErrorCode.CONFLICT and "个人信息保护法" in error.value.message


def test_the_catalogue_exports_as_dcat(share_cast, api_client):
    body = api_client.as_user(share_cast.zz_officer).get("/api/v1/sharing/catalogue").json()
    assert body["@type"] == "dcat:Catalog"
    (entry,) = body["dcat:dataset"]
    assert entry["dct:identifier"] == "mz-persons"
    assert entry["dct:publisher"]["foaf:name"] == "区民政局"
    assert entry["dct:accrualPeriodicity"]["@id"].endswith("/frequency/DAILY")
    assert entry["grassroots:sharingClass"] == "conditional"
    assert {"name": "id_number", "label": "身份证号", "sensitivity": "core", "personal": True, "graded": True} in entry[
        "grassroots:fields"
    ]
    assert api_client.as_user(share_cast.resident).get("/api/v1/sharing/catalogue").status_code == 403


def test_the_pages_carry_the_whole_flow(granted, client):
    c = granted
    client.post("/accounts/login/", {"username": "zz_officer", "password": PASSWORD})
    assert "实有人口基础信息" in client.get("/sharing/").content.decode()
    page = client.get(f"/sharing/datasets/{c.persons.pk}/").content.decode()
    assert 'data-testid="request-form"' in page
    assert "已授权" in client.get(f"/sharing/requests/{c.request.pk}/").content.decode()
    shown = client.post(f"/sharing/grants/{c.grant.pk}/", {"action": "key"}).content.decode()
    c.grant.refresh_from_db()
    (key,) = set(re.findall(r"gs_[A-Za-z0-9_-]{40,}", shown))
    assert grants.grant_by_key(key) == c.grant and "只显示这一次" in shown
    assert key not in client.get(f"/sharing/grants/{c.grant.pk}/").content.decode()  # shown once only
    client.post(f"/sharing/grants/{c.grant.pk}/", {"action": "report", "record_ref": "G1", "description": "电话已停用"})
    assert "电话已停用" in client.get(f"/sharing/grants/{c.grant.pk}/").content.decode()
    client.post("/accounts/login/", {"username": "outsider", "password": PASSWORD})  # no sharing permission
    assert client.get(f"/sharing/requests/{c.request.pk}/").status_code == 403
    assert client.get(f"/sharing/grants/{c.grant.pk}/").status_code == 403
    assert client.get("/sharing/requests/").status_code == 403


def test_a_retried_submission_with_the_same_key_creates_one_request(share_cast, api_client):
    c = share_cast
    payload = {
        "dataset_id": c.persons.pk,
        "consumer_id": c.zz.pk,
        "purpose": "开展独居老人走访慰问",
        "legal_basis": "《北京市养老服务条例》",
        "fields": ["grid_code"],
        "region_id": c.S1.pk,
        "duration_days": 10,
    }
    client = api_client.as_user(c.zz_officer)
    first = client.post("/api/v1/sharing/requests", payload, headers={"Idempotency-Key": "req-1"})
    again = client.post("/api/v1/sharing/requests", payload, headers={"Idempotency-Key": "req-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
