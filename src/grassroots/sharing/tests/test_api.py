"""The sharing API: denials for keys, revocation and answers; lists of requests, grants, error reports and
releases at a fixed query cost; the DCAT export of open data; upload limits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.core.errors import DomainError, ErrorCode
from grassroots.sharing import catalogue, feedback, grants, workflow
from grassroots.sharing.models import Dataset, OpenRelease
from grassroots.sharing.tests.conftest import spec_for
from grassroots.sharing.tests.test_catalogue import spec

API = "/api/v1/sharing"


@pytest.fixture
def report(granted):
    return feedback.report_data_error(granted.zz_officer, granted.grant, record_ref="G1", description="电话号码已停用")


def test_only_the_consumer_issues_a_key(granted, api_client):
    c = granted
    before = c.grant.key_hash
    provider = api_client.as_user(c.mz_officer).post(f"{API}/grants/{c.grant.pk}/key")
    assert provider.status_code == 403 and provider.json()["code"] == "permission_denied"
    hidden = api_client.as_user(c.dept_d).post(f"{API}/grants/{c.grant.pk}/key")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    for stranger in (c.outsider, c.grid_g1):  # no sharing permission anywhere: 403 before any lookup
        refused = api_client.as_user(stranger).post(f"{API}/grants/{c.grant.pk}/key")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    c.grant.refresh_from_db()
    assert c.grant.key_hash == before
    assert api_client.as_user(c.zz_officer).post(f"{API}/grants/{c.grant.pk}/key").status_code == 200


def test_only_the_provider_or_the_data_authority_revokes(granted, api_client):
    c = granted
    payload = {"reason": "用途已经完成"}
    consumer = api_client.as_user(c.zz_officer).post(f"{API}/grants/{c.grant.pk}/revoke", payload)
    assert consumer.status_code == 403 and consumer.json()["code"] == "permission_denied"
    hidden = api_client.as_user(c.dept_d).post(f"{API}/grants/{c.grant.pk}/revoke", payload)
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    refused = api_client.as_user(c.outsider).post(f"{API}/grants/{c.grant.pk}/revoke", payload)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    c.grant.refresh_from_db()
    assert c.grant.revoked_at is None
    assert api_client.as_user(c.data_officer).post(f"{API}/grants/{c.grant.pk}/revoke", payload).status_code == 200


def test_only_the_provider_answers_a_data_error(report, granted, api_client):
    c = granted
    payload = {"answer": "已核实并更正", "corrected": True}
    consumer = api_client.as_user(c.zz_officer).post(f"{API}/errors/{report.pk}/answer", payload)
    assert consumer.status_code == 403 and consumer.json()["code"] == "permission_denied"
    reviewer = api_client.as_user(c.data_officer).post(f"{API}/errors/{report.pk}/answer", payload)
    assert reviewer.status_code == 403  # the data authority sees it, but only the provider answers
    hidden = api_client.as_user(c.dept_d).post(f"{API}/errors/{report.pk}/answer", payload)
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    refused = api_client.as_user(c.outsider).post(f"{API}/errors/{report.pk}/answer", payload)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    report.refresh_from_db()
    assert report.answered_at is None
    answered = api_client.as_user(c.mz_officer).post(f"{API}/errors/{report.pk}/answer", payload)
    assert answered.status_code == 200 and answered.json()["corrected"] is True


def _grant_again(c):
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    workflow.decide_compliance(c.data_officer, request, approve=True)
    workflow.decide_provider(c.mz_officer, request, approve=True)


def _queries(client, url) -> tuple[int, list]:
    client.get(url)  # warm up: the token's first use is recorded once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def test_lists_cost_the_same_queries_for_one_row_or_many(granted, api_client):
    c = granted
    grants.fetch(c.grant, resource_id=None)
    client = api_client.as_user(c.zz_officer)
    one = {url: _queries(client, url) for url in (f"{API}/requests", f"{API}/grants")}
    _grant_again(c)
    _grant_again(c)
    for url, (count, body) in one.items():
        again, bigger = _queries(client, url)
        assert len(body) == 1 and len(bigger) == 3
        assert again == count, url


def test_my_grants_list_their_use_and_current_masking(granted, api_client):
    c = granted
    grants.fetch(c.grant, resource_id=None)
    (mine,) = api_client.as_user(c.zz_officer).get(f"{API}/grants").json()
    assert mine["id"] == str(c.grant.pk) and mine["state"] == "active" and mine["use_count"] == 1
    assert mine["masked"] == {"name": "partial", "phone": "partial"}
    assert [u["outcome"] for u in mine["uses"]] == ["ok"] and mine["uses"][0]["rows"] == 2
    assert [g["id"] for g in api_client.as_user(c.mz_officer).get(f"{API}/grants").json()] == [str(c.grant.pk)]
    assert api_client.as_user(c.dept_d).get(f"{API}/grants").json() == []
    for stranger in (c.outsider, c.grid_g1):  # no sharing permission anywhere
        assert api_client.as_user(stranger).get(f"{API}/grants").status_code == 403
    assert api_client.as_user(c.zz_officer).get(f"{API}/grants", data={"limit": 0}).status_code == 422


def test_error_reports_are_listed_to_both_sides_only(report, granted, api_client):
    c = granted
    (listed,) = api_client.as_user(c.mz_officer).get(f"{API}/errors", data={"open": "true"}).json()
    assert listed["id"] == report.pk and listed["grant_id"] == str(c.grant.pk) and listed["overdue"] is False
    assert [r["id"] for r in api_client.as_user(c.zz_officer).get(f"{API}/errors").json()] == [report.pk]
    assert api_client.as_user(c.dept_d).get(f"{API}/errors").json() == []
    assert api_client.as_user(c.outsider).get(f"{API}/errors").status_code == 403  # no sharing permission
    feedback.answer_data_error(c.mz_officer, report, answer="已核实", corrected=False)
    assert api_client.as_user(c.mz_officer).get(f"{API}/errors", data={"open": "true"}).json() == []


def _release() -> OpenRelease:
    return OpenRelease.objects.create(
        title="2026-11 各街道群众评价（按评分）",
        kind="satisfaction",
        period="2026-11",
        row_labels=["甲街道", "乙街道"],
        column_labels=["满意（4–5 分）", "一般（3 分）"],
        cells=[[12, None], [20, None]],
        row_totals=[15, 24],
        column_totals=[32, None],
        grand_total=39,
        hidden=2,
    )


def test_releases_are_listed_publicly_and_in_the_dcat_catalogue(share_cast, client, api_client):
    release = _release()
    (listed,) = client.get(f"{API}/releases").json()  # no login
    assert listed["id"] == release.pk and listed["cells"] == [[12, None], [20, None]] and listed["grand_total"] == 39
    assert listed["downloads"]["csv"] == f"/open/{release.pk}/download.csv"
    body = api_client.as_user(share_cast.zz_officer).get(f"{API}/catalogue").json()
    entry = next(d for d in body["dcat:dataset"] if d.get("grassroots:kind") == "satisfaction")
    assert entry["@type"] == "dcat:Dataset" and entry["dcat:landingPage"].endswith(f"/open/{release.pk}/")
    downloads = {d["dct:format"]: d for d in entry["dcat:distribution"]}
    assert set(downloads) == {"CSV", "JSON", "XLSX"}
    assert downloads["CSV"]["dcat:downloadURL"].endswith(f"/open/{release.pk}/download.csv")
    assert downloads["XLSX"]["dcat:mediaType"].endswith("spreadsheetml.sheet")
    assert client.get(downloads["JSON"]["dcat:downloadURL"]).json()["grand_total"] == 39


def test_an_uploaded_header_longer_than_the_column_is_refused_by_column(share_cast):
    c = share_cast
    long_name = "户" * 61
    content = f"区划代码,{long_name}\nG1,3\n".encode()
    with pytest.raises(DomainError) as error:
        catalogue.create_dataset_from_file(
            c.mz_officer,
            department_id=c.mzj.pk,
            spec=spec(),
            filename="a.csv",
            content=content,
            region_column="区划代码",
        )
    assert error.value.code == ErrorCode.INVALID_INPUT
    assert "第 2 列" in error.value.message and "60" in error.value.message
    assert len(error.value.details) == 1
    with pytest.raises(DomainError) as error:
        catalogue.create_dataset_from_file(
            c.mz_officer, department_id=c.mzj.pk, spec=spec(), filename="a.csv", content=content, region_column="x" * 61
        )
    assert error.value.code == ErrorCode.INVALID_INPUT and "区划列名" in error.value.message
    ok = f"区划代码,{'户' * 60}\nG1,3\n".encode()
    dataset = catalogue.create_dataset_from_file(
        c.mz_officer, department_id=c.mzj.pk, spec=spec(), filename="a.csv", content=ok, region_column="区划代码"
    )
    assert dataset.fields.get(position=1).name == "户" * 60
    assert Dataset.objects.filter(code="mz-subsidy").count() == 1
