"""Reading through a grant: masking from the current grades, ungraded datasets refused, fixed query cost,
region-less files, the audit entry of each read, and the limits on rates and escalation."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.accounts import services as accounts
from grassroots.accounts.models import Department
from grassroots.accounts.roles import Role
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry, AuditSubject
from grassroots.conftest import PASSWORD, valid_id
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.notifications.models import Notification
from grassroots.registry import services as registry
from grassroots.sharing import catalogue, escalation, grading, grants, workflow
from grassroots.sharing.models import GrantUse, RequestStatus, ResourceRow, StepKind
from grassroots.sharing.tests.conftest import spec_for
from grassroots.sharing.tests.test_catalogue import grade_all, spec

DATA_URL = "/api/v1/sharing/data"
ID1, ID3 = valid_id(seq="123"), valid_id(seq="224")


def people_csv(rows: int = 2, *, region: bool = True) -> bytes:
    head = "区划代码,姓名,身份证号,电话\n" if region else "姓名,身份证号,电话\n"
    lines = [f"{'G1,' if region else ''}张三丰,{ID1},13812345678" for _ in range(rows - 1)]
    lines.append(f"{'G3,' if region else ''}李四,{ID3},13900001111")
    return (head + "\n".join(lines) + "\n").encode()


def upload(cast, content: bytes, *, region_column: str = "区划代码"):
    return catalogue.create_dataset_from_file(
        cast.mz_officer,
        department_id=cast.mzj.pk,
        spec=spec(code="mz-people"),
        filename="people.csv",
        content=content,
        region_column=region_column,
    )


def grant_for(cast, dataset, *, officer=None, consumer=None, region=None, fields=None):
    officer, consumer, region = officer or cast.zz_officer, consumer or cast.zz, region or cast.S1
    fields = fields or [f.name for f in dataset.fields.all()]
    request = workflow.submit_request(
        officer, spec_for(cast, dataset_id=dataset.pk, consumer_id=consumer.pk, region_id=region.pk, fields=fields)
    )
    workflow.decide_compliance(cast.data_officer, request, approve=True)
    workflow.decide_provider(cast.mz_officer, request, approve=True, rate_per_minute=100)
    request.refresh_from_db()
    return request.grant, grants.issue_key(officer, request.grant)


def call(client, key, **params):
    return client.get(DATA_URL, params, headers={"X-Share-Key": key})


def test_it_refuses_to_approve_or_issue_a_key_while_a_field_is_ungraded(share_cast):
    c = share_cast
    dataset = upload(c, people_csv())
    request = workflow.submit_request(c.zz_officer, spec_for(c, dataset_id=dataset.pk, fields=["区划代码", "电话"]))
    workflow.decide_compliance(c.data_officer, request, approve=True)
    assert "尚未分级" in "".join(workflow.compliance_findings(request))
    with pytest.raises(DomainError) as error:
        workflow.decide_provider(c.mz_officer, request, approve=True)
    assert error.value.code == ErrorCode.CONFLICT
    assert error.value.details == {"ungraded": ["区划代码", "姓名", "身份证号", "电话"]}
    request.refresh_from_db()
    assert request.status == RequestStatus.PROVIDER and not hasattr(request, "grant")
    workflow.decide_provider(c.mz_officer, request, approve=False, reasons="请先完成字段分级")  # refusing is fine
    # A grant whose dataset lost a grade (data from before grading existed) gets no key and returns nothing.
    grade_all(c, dataset, 姓名="name", 身份证号="id_number", 电话="phone")
    grant, key = grant_for(c, dataset, fields=["区划代码", "电话"])
    dataset.fields.filter(name="电话").update(graded_at=None)
    with pytest.raises(DomainError) as error:
        grants.issue_key(c.zz_officer, grant)
    assert error.value.code == ErrorCode.CONFLICT and error.value.details == {"ungraded": ["电话"]}
    with pytest.raises(DomainError) as error:
        grants.fetch(grant, resource_id=None)
    assert error.value.code == ErrorCode.CONFLICT
    assert GrantUse.objects.filter(grant=grant, outcome="conflict").count() == 1


def test_regrading_a_field_after_a_grant_changes_what_the_call_after_the_review_returns(share_cast, client):
    c = share_cast
    dataset = upload(c, people_csv())
    grade_all(c, dataset, 姓名="name")  # the ID column graded 一般数据 by mistake
    grant, key = grant_for(c, dataset, fields=["区划代码", "姓名", "身份证号"])
    first = call(client, key).json()
    assert first["rows"][0] == {"区划代码": "G1", "姓名": "张**", "身份证号": ID1} and first["masked"] == ["姓名"]
    grading.grade_fields(c.mz_officer, dataset, {"身份证号": ("core", "id_number")})
    paused = call(client, key)  # any change of grades waits for the compliance step (sharing/grading.py)
    assert paused.status_code == 403 and paused.json()["code"] == "suspended"
    workflow.decide_compliance(c.data_officer, grant.request, approve=True)
    second = call(client, key).json()
    assert second["rows"][0]["身份证号"] == ID1[:6] + "*" * 8 + ID1[-4:]
    assert second["masked"] == ["姓名", "身份证号"]
    page = client.post("/accounts/login/", {"username": "zz_officer", "password": PASSWORD})
    assert page.status_code == 302
    shown = client.get(f"/sharing/grants/{grant.pk}/").content.decode()
    assert "身份证号（部分隐藏）" in shown


def test_a_call_costs_the_same_queries_for_one_row_or_a_thousand(share_cast):
    c = share_cast
    dataset = upload(c, people_csv(1000))
    grade_all(c, dataset, 姓名="name", 身份证号="id_number", 电话="phone")
    grant, _key = grant_for(c, dataset)
    counts = {}
    for limit in (1, 1000):
        with CaptureQueriesContext(connection) as queries:
            body = grants.fetch(grant, resource_id=None, limit=limit)
        counts[limit] = len(queries)
        assert len(body["rows"]) == limit
    assert counts[1] == counts[1000], counts
    assert body["rows"][0] == {
        "区划代码": "G1",
        "姓名": "张**",
        "身份证号": ID1[:6] + "*" * 8 + ID1[-4:],
        "电话": "138****5678",
    }


def test_a_file_without_a_region_column_is_shared_only_for_the_providers_whole_area(share_cast, client):
    c = share_cast
    dataset = upload(c, people_csv(region=False), region_column="")
    grade_all(c, dataset, 姓名="name", 身份证号="id_number", 电话="phone")
    with pytest.raises(DomainError) as error:  # a street's department cannot have a street's share of it
        workflow.submit_request(c.zz_officer, spec_for(c, dataset_id=dataset.pk, fields=["姓名"]))
    assert error.value.code == ErrorCode.REGION_OUT_OF_SCOPE and "区划代码列" in error.value.message
    district = Department.objects.create(name="区应急局", code="yjj", region=c.D)
    officer = accounts.create_user(username="yj_officer", password=PASSWORD, display_name="yj")
    accounts.grant_membership(None, officer, role=Role.DEPARTMENT, region=c.D, department=district)
    grant, key = grant_for(c, dataset, officer=officer, consumer=district, region=c.D, fields=["姓名"])
    assert [r["姓名"] for r in call(client, key).json()["rows"]] == ["张**", "李*"]
    grant.__class__.objects.filter(pk=grant.pk).update(region_path=c.S1.path)  # e.g. a grant from before the check
    refused = call(client, key)
    assert refused.status_code == 409 and refused.json()["code"] == "conflict"
    assert "区划代码列" in refused.json()["message"]  # the site language unless the caller asks for another
    assert GrantUse.objects.filter(grant=grant, outcome="conflict").count() == 1


def test_an_uploaded_table_is_read_a_slice_at_a_time_within_region(share_cast):
    c = share_cast
    content = "区划代码,户数\nG1,1\nG4,2\nG1,3\nG3,4\n".encode()  # G4 is in 乙街道, outside the grant
    dataset = upload(c, content)
    grade_all(c, dataset)
    grant, _key = grant_for(c, dataset)
    assert ResourceRow.objects.filter(resource__dataset=dataset).count() == 4
    page = grants.fetch(grant, resource_id=None, offset=2, limit=1)
    assert page["rows"] == [{"区划代码": "G3", "户数": "4"}] and page["has_more"] is False
    page = grants.fetch(grant, resource_id=None, offset=0, limit=2)
    assert [r["户数"] for r in page["rows"]] == ["1", "3"] and page["has_more"] is True


def test_reads_through_a_grant_are_audited_with_the_reader_and_the_people_shown(granted, client):
    c = granted
    assert call(client, c.key).status_code == 200
    entry = AuditEntry.objects.filter(event=AuditEvent.SHARED_DATA_ACCESSED).latest("pk")
    assert entry.actor_id is None and entry.actor_label == f"s1-zz:{c.grant.key_prefix}"
    assert entry.extra["consumer"] == "s1-zz" and entry.extra["consumer_id"] == c.zz.pk
    assert entry.extra["grant"] == str(c.grant.pk) and entry.extra["key"] == c.grant.key_prefix
    assert entry.extra["ids"] == sorted([str(c.p1.pk), str(c.p3.pk)], key=int)  # S1's people, not 王五 in S2
    assert entry.extra["masked"] == ["name", "phone"]
    # The same detail key as a registry list read, so a search by person finds both kinds of read.
    registry.record_listing(c.staff_s1, [c.p1], filters={})
    listed = AuditEntry.objects.filter(event=AuditEvent.PERSON_LISTED).latest("pk")
    assert str(c.p1.pk) in listed.extra["ids"] and str(c.p1.pk) in entry.extra["ids"]
    assert grants.SUBJECT_KEYS["registry.person"] == "ids"
    # …and the auditors' index names the people a grant read showed, so the person search finds it.
    about = set(AuditSubject.objects.filter(entry=entry).values_list("kind", "object_id"))
    assert {("registry.person", str(c.p1.pk)), ("registry.person", str(c.p3.pk))} <= about


def test_a_rate_limit_of_zero_or_less_is_refused(share_cast, api_client):
    c = share_cast
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    workflow.decide_compliance(c.data_officer, request, approve=True)
    for rate in (0, -5, 6001):
        with pytest.raises(DomainError) as error:
            workflow.decide_provider(c.mz_officer, request, approve=True, rate_per_minute=rate)
        assert error.value.code == ErrorCode.INVALID_INPUT and "1–6000" in error.value.message
    response = api_client.as_user(c.mz_officer).post(
        f"/api/v1/sharing/requests/{request.pk}/decision", {"approve": True, "rate_per_minute": 0}
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    request.refresh_from_db()
    assert request.status == RequestStatus.PROVIDER
    workflow.decide_provider(c.mz_officer, request, approve=True)
    request.refresh_from_db()
    assert request.grant.rate_per_minute == 60


def test_two_workers_escalating_the_same_overdue_request_escalate_it_once(share_cast):
    c = share_cast
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    later = request.step_due_at + dt.timedelta(minutes=1)
    # Both workers listed the request as overdue before either claimed it.
    assert [escalation.escalate_request(request.pk, later) for _worker in range(2)] == [True, False]
    assert request.steps.filter(kind=StepKind.ESCALATED).count() == 1
    assert Notification.objects.filter(user=c.data_officer, message__startswith="【超期督办】").count() == 1
    assert AuditEntry.objects.filter(event=AuditEvent.SHARE_ESCALATED, target_id=str(request.pk)).count() == 1
    assert escalation.escalate_overdue(later) == {"requests": 0, "error_reports": 0}
