"""Grades after the fact: live-source fields cannot be graded below their source, and any re-grade suspends
the dataset's grants until the compliance step reviews them again (issue 11, item 2)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.conftest import PASSWORD
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.notifications.models import Notification
from grassroots.sharing import escalation, grading, grants, transitions, workflow
from grassroots.sharing.models import GrantUse, RequestStatus, ShareGrant, StepKind
from grassroots.sharing.tests.conftest import spec_for
from grassroots.sharing.tests.test_grants import ID1, call, grant_for, people_csv, upload

API = "/api/v1/sharing"
LOWERINGS = {
    "id_number": ("general", ""),  # the exploit of the issue: ID, phone and name as 一般数据
    "phone": ("general", ""),
    "name": ("general", ""),
}


def grades_of(dataset) -> dict:
    return {f.name: (f.sensitivity, f.pii_kind) for f in dataset.fields.all()}


def login(client, user):
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


def test_a_live_source_field_cannot_be_graded_below_its_source_and_a_raise_applies(share_cast, client):
    c = share_cast
    before, entries = grades_of(c.persons), AuditEntry.objects.count()
    refused = [
        LOWERINGS,
        {"id_number": ("core", "")},  # still core, but no longer masked as an ID number
        {"phone": ("core", "name")},  # another kind masks differently
        {"sex": ("general", "")},  # below the source's 重要数据
        {"grid_code": ("core", "name"), "name": ("important", "")},  # one lowering refuses the whole change
    ]
    for grades in refused:
        with pytest.raises(DomainError) as error:
            grading.grade_fields(c.mz_officer, c.persons, grades)
        assert error.value.code == ErrorCode.GRADE_BELOW_SOURCE and error.value.status == 400, grades
        assert "实时数据源" in error.value.message
    assert error.value.details == {"fields": {"name": {"sensitivity": "core", "pii_kind": "name"}}}
    assert grades_of(c.persons) == before and AuditEntry.objects.count() == entries

    # Raising is the provider's to decide: 网格编码 becomes personal, 出生年份 core.
    result = grading.grade_fields(c.mz_officer, c.persons, {"grid_code": ("core", "name"), "birth_year": ("core", "")})
    assert result.changed == ["birth_year", "grid_code"] and result.suspended == []
    entry = AuditEntry.objects.filter(event=AuditEvent.DATASET_UPDATED).latest("pk")
    assert entry.extra["graded"] == {"birth_year": ["core", ""], "grid_code": ["core", "name"]}
    assert entry.extra["before"] == {"birth_year": ["important", ""], "grid_code": ["general", ""]}

    # The request comes after the change: reviewed and served with the raised grades, nothing suspended.
    request = workflow.submit_request(c.zz_officer, spec_for(c, fields=["grid_code", "birth_year", "name"]))
    assert "出生年份" in "".join(workflow.compliance_findings(request))
    workflow.decide_compliance(c.data_officer, request, approve=True)
    workflow.decide_provider(c.mz_officer, request, approve=True)
    request.refresh_from_db()
    body = call(client, grants.issue_key(c.zz_officer, request.grant)).json()
    assert {r["grid_code"] for r in body["rows"]} == {"G*"} and body["masked"] == ["grid_code", "name"]
    assert {r["name"] for r in body["rows"]} == {"张**", "李*"}


def test_the_api_and_the_page_refuse_a_lowering_and_take_a_raise(share_cast, api_client, client):
    c = share_cast
    before = grades_of(c.persons)
    url = f"{API}/datasets/{c.persons.pk}/grades"
    payload = {"fields": {name: {"sensitivity": s, "pii_kind": k} for name, (s, k) in LOWERINGS.items()}}
    refused = api_client.as_user(c.mz_officer).post(url, payload)
    assert refused.status_code == 400 and refused.json()["code"] == "grade_below_source"
    assert set(refused.json()["details"]["fields"]) == {"id_number", "phone", "name"}
    consumer = api_client.as_user(c.zz_officer).post(url, {"fields": {"sex": {"sensitivity": "core"}}})
    assert consumer.status_code == 403  # only the providing department grades
    assert grades_of(c.persons) == before
    raised = api_client.as_user(c.mz_officer).post(url, {"fields": {"sex": {"sensitivity": "core"}}})
    assert raised.status_code == 200 and raised.json()["changed"] == ["sex"]
    fields = {f["name"]: f for f in raised.json()["fields"]}
    assert fields["sex"]["sensitivity"] == "core" and fields["id_number"]["source_graded"] is True

    # The page offers only grades at or above the source's, and refuses a forged lower one with a message.
    login(client, c.mz_officer)
    page = client.get(f"/sharing/datasets/{c.persons.pk}/").content.decode()
    id_select = page[page.index('name="s_id_number"') : page.index("</select>", page.index('name="s_id_number"'))]
    assert 'value="core"' in id_select and 'value="general"' not in id_select
    form = {f"s_{n}": s for n, (s, _k) in LOWERINGS.items()} | {f"p_{n}": k for n, (_s, k) in LOWERINGS.items()}
    shown = client.post(f"/sharing/datasets/{c.persons.pk}/", form, follow=True).content.decode()
    assert "只能调高" in shown
    assert grades_of(c.persons) == {**before, "sex": ("core", "")}
    entries = AuditEntry.objects.count()
    same = client.post(f"/sharing/datasets/{c.persons.pk}/", {}, follow=True).content.decode()
    assert "字段分级没有变化" in same and AuditEntry.objects.count() == entries  # nothing changed, nothing logged


def test_a_regrade_after_approval_suspends_the_grant_until_the_compliance_step_reviews_it(share_cast, client):
    c = share_cast
    dataset = upload(c, people_csv())
    grading.grade_fields(c.mz_officer, dataset, {"区划代码": ("general", ""), "姓名": ("core", "name")})
    grading.grade_fields(c.mz_officer, dataset, {"身份证号": ("core", "id_number"), "电话": ("core", "phone")})
    grant, key = grant_for(c, dataset, fields=["区划代码", "身份证号"])
    assert call(client, key).json()["rows"][0]["身份证号"] == ID1[:6] + "*" * 8 + ID1[-4:]
    Notification.objects.all().delete()

    # An uploaded column may be lowered, but not behind the reviewers' back.
    result = grading.grade_fields(c.mz_officer, dataset, {"身份证号": ("general", "")})
    assert result.changed == ["身份证号"] and result.suspended == [grant]
    grant.refresh_from_db()
    assert grants.grant_state(grant) == "suspended" and "身份证号（核心数据/身份证号→一般数据）" in grant.suspend_reason
    request = grant.request
    assert request.status == RequestStatus.SUSPENDED and request.step_due_at > grant.suspended_at
    assert request.steps.last().kind == StepKind.SUSPENDED
    suspended = AuditEntry.objects.get(event=AuditEvent.GRANT_SUSPENDED, target_id=str(grant.pk))
    assert suspended.actor_id == c.mz_officer.pk and suspended.extra["fields"] == ["身份证号"]
    told = set(Notification.objects.filter(message__startswith="数据共享授权已暂停").values_list("user", flat=True))
    assert {c.zz_officer.pk, c.data_officer.pk, c.mz_officer.pk} <= told  # requester, reviewer, approver

    for _ in range(2):  # a suspended grant serves nothing, and every refused call is logged
        refused = call(client, key)
        assert refused.status_code == 403 and refused.json()["code"] == "suspended"
    assert GrantUse.objects.filter(grant=grant, outcome="suspended").count() == 2
    with pytest.raises(DomainError) as error:  # the provider cannot wave it through itself
        workflow.decide_provider(c.mz_officer, request, approve=True)
    assert error.value.code == ErrorCode.INVALID_TRANSITION and error.value.status == 409

    # The reviewer approves again; the grant resumes under the grades as they are now.
    workflow.decide_compliance(c.data_officer, request, approve=True)
    request.refresh_from_db()
    grant.refresh_from_db()
    assert request.status == RequestStatus.GRANTED and request.step_due_at is None
    assert grants.grant_state(grant) == "active" and grant.suspend_reason == ""
    body = call(client, key).json()
    assert body["rows"][0] == {"区划代码": "G1", "身份证号": ID1} and body["masked"] == []
    assert [s.kind for s in request.steps.all()][-2:] == [StepKind.SUSPENDED, StepKind.COMPLIANCE]
    assert Notification.objects.filter(user=c.zz_officer, message__contains="已恢复").exists()


def test_through_the_pages_a_regrade_suspends_the_grant_and_a_review_resumes_it(granted, client, api_client):
    c = granted
    assert {r["grid_code"] for r in call(client, c.key).json()["rows"]} == {"G1", "G3"}
    login(client, c.mz_officer)
    form = {"s_grid_code": "core", "p_grid_code": "name"}
    shown = client.post(f"/sharing/datasets/{c.persons.pk}/", form, follow=True).content.decode()
    assert "1 项共享授权已暂停" in shown
    assert call(client, c.key).json()["code"] == "suspended"
    (listed,) = api_client.as_user(c.zz_officer).get(f"{API}/grants").json()
    assert listed["state"] == "suspended" and listed["masked"]["grid_code"] == "partial"
    login(client, c.zz_officer)
    assert "已暂停，待重新合规审查" in client.get(f"/sharing/grants/{c.grant.pk}/").content.decode()

    login(client, c.data_officer)
    listed_open = client.get("/sharing/requests/?status=open").content.decode()  # the reviewer's queue
    assert f'href="/sharing/requests/{c.request.pk}/"' in listed_open
    page = client.get(f"/sharing/requests/{c.request.pk}/").content.decode()
    assert "重新合规审查" in page and "网格编码（一般数据→核心数据/姓名）" in page
    client.post(f"/sharing/requests/{c.request.pk}/compliance/", {"approve": "1"})
    body = call(client, c.key).json()
    assert {r["grid_code"] for r in body["rows"]} == {"G*"} and body["masked"] == ["grid_code", "name", "phone"]


def test_a_review_that_refuses_revokes_the_grant(granted, api_client, client):
    c = granted
    grading.grade_fields(c.mz_officer, c.persons, {"sex": ("core", "")})
    url = f"{API}/requests/{c.request.pk}/compliance"
    assert api_client.as_user(c.data_officer).post(url, {"approve": False}).status_code == 400  # reasons needed
    refused = api_client.as_user(c.data_officer).post(url, {"approve": False, "reasons": "性别字段不再需要"})
    assert refused.status_code == 200 and refused.json()["status"] == "rejected"
    c.grant.refresh_from_db()
    assert grants.grant_state(c.grant) == "revoked" and c.grant.revoke_reason == "性别字段不再需要"
    assert call(client, c.key).json()["code"] == "permission_denied"
    assert AuditEntry.objects.filter(event=AuditEvent.GRANT_REVOKED, target_id=str(c.grant.pk)).exists()
    again = api_client.as_user(c.data_officer).post(url, {"approve": True})
    assert again.status_code == 409  # reviewed once


def test_revoking_a_suspended_grant_ends_its_review_and_a_late_review_is_escalated(granted):
    c = granted
    grading.grade_fields(c.mz_officer, c.persons, {"sex": ("core", "")})
    c.request.refresh_from_db()
    later = c.request.step_due_at + dt.timedelta(minutes=1)
    assert escalation.escalate_overdue(later)["requests"] == 1
    assert Notification.objects.filter(user=c.data_officer, message__startswith="【超期督办】").exists()
    grants.revoke_grant(c.mz_officer, c.grant, reason="用途已经完成")
    c.request.refresh_from_db()
    assert c.request.status == RequestStatus.GRANTED and c.request.step_due_at is None
    assert grants.grant_state(ShareGrant.objects.get(pk=c.grant.pk)) == "revoked"


def test_the_grades_and_the_suspension_commit_together_or_not_at_all(granted, monkeypatch):
    c = granted
    real = transitions.record  # the suspension's audit row is written by the lifecycle's one transition

    def failing(**kw):
        if kw["event"] == AuditEvent.GRANT_SUSPENDED:
            raise RuntimeError("audit log unavailable")
        return real(**kw)

    monkeypatch.setattr(transitions, "record", failing)
    with pytest.raises(RuntimeError):
        grading.grade_fields(c.mz_officer, c.persons, {"sex": ("core", "")})
    assert grades_of(c.persons)["sex"] == ("important", "")
    c.grant.refresh_from_db()
    assert c.grant.suspended_at is None and not AuditEntry.objects.filter(event=AuditEvent.DATASET_UPDATED).exists()


def test_the_upgrade_restores_live_source_grades_lowered_before_the_rule(share_cast):
    c = share_cast
    c.persons.fields.filter(name__in=list(LOWERINGS)).update(sensitivity="general", pii_kind="")
    c.persons.fields.filter(name="grid_code").update(sensitivity="core", pii_kind="name")  # a raise stays
    migration = importlib.import_module("grassroots.sharing.migrations.0006_grant_suspension")
    migration.restore_source_grades(apps, None)
    grades = grades_of(c.persons)
    assert [grades[n] for n in ("id_number", "phone", "name")] == [
        ("core", "id_number"),
        ("core", "phone"),
        ("core", "name"),
    ]
    assert grades["grid_code"] == ("core", "name")
