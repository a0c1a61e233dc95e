"""Requests → compliance → provider → grant; working-day deadlines and escalation; grant use and its limits."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.notifications.models import Notification
from grassroots.sharing import feedback, grants, workflow
from grassroots.sharing.escalation import escalate_overdue
from grassroots.sharing.models import GrantUse, RequestStatus, ShareRequest
from grassroots.sharing.tests.conftest import spec_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATA_URL = "/api/v1/sharing/data"


def test_it_computes_step_deadlines_in_working_days():
    friday = dt.datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI)
    # Fri 15:00–17:30 is 2.5 h, Mon 7 h, Tue 09:00–12:00 3 h and 13:30–15:00 1.5 h: 14 h = 2 working days.
    assert workflow.working_deadline(friday, 2) == dt.datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI)
    assert workflow.working_deadline(friday, 5) == dt.datetime(2026, 11, 27, 15, 0, tzinfo=SHANGHAI)


def test_it_takes_a_request_through_to_a_grant(share_cast):
    c = share_cast
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    assert request.status == RequestStatus.COMPLIANCE
    assert request.step_due_at == workflow.working_deadline(request.created_at, 2)
    assert Notification.objects.filter(user=c.data_officer, link__contains=str(request.pk)).exists()
    workflow.decide_compliance(c.data_officer, request, approve=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.PROVIDER
    assert Notification.objects.filter(user=c.mz_officer).exists()
    workflow.decide_provider(c.mz_officer, request, approve=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED
    grant = request.grant
    assert grant.fields == ["grid_code", "name", "phone"]
    assert grant.region_path == c.S1.path
    assert [s.kind for s in request.steps.all()] == ["submitted", "compliance", "provider"]
    events = set(AuditEntry.objects.filter(target_id=str(request.pk)).values_list("event", flat=True))
    assert {
        AuditEvent.SHARE_REQUESTED,
        AuditEvent.SHARE_COMPLIANCE_DECIDED,
        AuditEvent.SHARE_PROVIDER_DECIDED,
    } <= events


def test_a_refusal_needs_reasons_and_changes_nothing_without_them(share_cast):
    c = share_cast
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    with pytest.raises(DomainError) as error:
        workflow.decide_compliance(c.data_officer, request, approve=False, reasons="")
    assert error.value.code == ErrorCode.REASONS_REQUIRED and error.value.status == 400
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLIANCE and request.steps.count() == 1
    workflow.decide_compliance(c.data_officer, request, approve=False, reasons="用途与所需字段不相称")
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert request.steps.last().reasons == "用途与所需字段不相称"


def test_it_refuses_bad_requests(share_cast):
    c = share_cast
    cases = [
        (spec_for(c, fields=["salary"]), ErrorCode.INVALID_INPUT),
        (spec_for(c, fields=[]), ErrorCode.INVALID_INPUT),
        (spec_for(c, purpose="看看"), ErrorCode.INVALID_INPUT),
        (spec_for(c, purpose="走访" * 251), ErrorCode.INVALID_INPUT),  # longer than the column: not a 500
        (spec_for(c, legal_basis="条" * 501), ErrorCode.INVALID_INPUT),
        (spec_for(c, duration_days=0), ErrorCode.INVALID_INPUT),
        (spec_for(c, region_id=c.S2.pk), ErrorCode.REGION_OUT_OF_SCOPE),  # outside the consumer's street
        (spec_for(c, period_start=dt.date(2026, 5, 1), period_end=dt.date(2026, 4, 1)), ErrorCode.INVALID_INPUT),
    ]
    for spec, code in cases:
        with pytest.raises(DomainError) as error:
            workflow.submit_request(c.zz_officer, spec)
        assert error.value.code == code, spec
    assert not ShareRequest.objects.exists()
    workflow.submit_request(c.zz_officer, spec_for(c))
    with pytest.raises(DomainError) as error:
        workflow.submit_request(c.zz_officer, spec_for(c))
    assert error.value.code == ErrorCode.DUPLICATE


def test_it_denies_those_who_may_not_act(share_cast):
    c = share_cast
    with pytest.raises(PermissionDenied):  # acting for a department one does not belong to
        workflow.submit_request(c.zz_officer, spec_for(c, consumer_id=c.mzj.pk))
    with pytest.raises(PermissionDenied):
        workflow.submit_request(c.grid_g1, spec_for(c))
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    with pytest.raises(PermissionDenied):
        workflow.decide_compliance(c.mz_officer, request, approve=True)
    workflow.decide_compliance(c.data_officer, request, approve=True)
    for stranger in (c.zz_officer, c.data_officer, c.dept_d):
        with pytest.raises(PermissionDenied):
            workflow.decide_provider(stranger, request, approve=True)
    with pytest.raises(NotFound):  # a department with a part in sharing, but not in this request
        workflow.get_request_for(c.dept_d, request.pk)
    for outsider in (c.outsider, c.grid_g1, c.resident):  # no part in sharing anywhere: refused before any lookup
        with pytest.raises(PermissionDenied):
            workflow.get_request_for(outsider, request.pk)
    for insider in (c.zz_officer, c.mz_officer, c.data_officer):
        assert workflow.get_request_for(insider, request.pk) == request


def test_overdue_steps_are_escalated_once(share_cast):
    c = share_cast
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    later = request.step_due_at + dt.timedelta(minutes=1)
    assert escalate_overdue(request.step_due_at - dt.timedelta(minutes=1)) == {
        "requests": 0,
        "error_reports": 0,
    }
    assert escalate_overdue(later)["requests"] == 1
    assert escalate_overdue(later)["requests"] == 0
    request.refresh_from_db()
    assert request.escalated_at == later
    assert Notification.objects.filter(user=c.data_officer, message__startswith="【超期督办】").count() == 1
    assert AuditEntry.objects.filter(event=AuditEvent.SHARE_ESCALATED, target_id=str(request.pk)).exists()


def _get(client, key, **params):
    return client.get(DATA_URL, params, headers={"X-Share-Key": key})


def test_a_grant_key_returns_only_the_granted_fields_region_and_masked_values(granted, client):
    response = _get(client, granted.key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["fields"] == ["grid_code", "name", "phone"]
    rows = {row["grid_code"]: row for row in body["rows"]}
    assert set(rows) == {"G1", "G3"}  # S1 only: 王五 in G4 (S2) is outside the grant
    assert rows["G1"] == {"grid_code": "G1", "name": "张**", "phone": "138****5678"}
    assert all(set(row) == {"grid_code", "name", "phone"} for row in body["rows"])
    use = GrantUse.objects.get(grant=granted.grant)
    assert (use.outcome, use.rows) == ("ok", 2)
    assert AuditEntry.objects.filter(event=AuditEvent.SHARED_DATA_ACCESSED, target_id=str(granted.grant.pk)).exists()


def test_it_refuses_unknown_reissued_revoked_expired_and_too_frequent_calls(granted, client):
    c = granted
    assert _get(client, "gs_not-a-key").status_code == 401
    assert client.get(DATA_URL).status_code == 401
    for _ in range(3):
        assert _get(client, c.key).status_code == 200
    limited = _get(client, c.key)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert GrantUse.objects.filter(grant=c.grant, outcome="rate_limited").count() == 1
    new_key = grants.issue_key(c.zz_officer, c.grant)
    assert _get(client, c.key).status_code == 401
    c.grant.expires_at = c.grant.starts_at
    c.grant.save()
    expired = _get(client, new_key)
    assert expired.status_code == 403 and expired.json()["code"] == "expired"
    c.grant.expires_at = c.grant.starts_at + dt.timedelta(days=30)
    c.grant.save()
    with pytest.raises(DomainError):
        grants.revoke_grant(c.mz_officer, c.grant, reason="")
    with pytest.raises(PermissionDenied):
        grants.revoke_grant(c.zz_officer, c.grant, reason="不再需要了")
    grants.revoke_grant(c.mz_officer, c.grant, reason="用途已完成")
    assert _get(client, new_key).status_code == 403
    outcomes = list(GrantUse.objects.filter(grant=c.grant).values_list("outcome", flat=True))
    assert outcomes.count("expired") == 1 and outcomes.count("permission_denied") == 1


def test_it_rejects_bad_paging(granted, client):
    assert _get(client, granted.key, limit=0).status_code == 400
    assert _get(client, granted.key, limit=5000).status_code == 400
    assert _get(client, granted.key, resource=999).status_code == 404
    assert _get(client, granted.key, offset="x").status_code == 422


def test_data_errors_are_reported_answered_once_and_escalated_when_late(granted):
    c = granted
    with pytest.raises(PermissionDenied):
        feedback.report_data_error(c.mz_officer, c.grant, record_ref="G1", description="电话号码已停用")
    report = feedback.report_data_error(c.zz_officer, c.grant, record_ref="G1/张**", description="电话号码已停用")
    assert report.due_at == workflow.working_deadline(report.created_at, 5)
    assert escalate_overdue(report.due_at + dt.timedelta(seconds=1))["error_reports"] == 1
    with pytest.raises(PermissionDenied):
        feedback.answer_data_error(c.zz_officer, report, answer="好的", corrected=True)
    feedback.answer_data_error(c.mz_officer, report, answer="已核实并更正", corrected=True)
    with pytest.raises(DomainError) as error:
        feedback.answer_data_error(c.mz_officer, report, answer="再答一次", corrected=True)
    assert error.value.code == ErrorCode.CONFLICT


def test_the_workflow_runs_through_the_api(share_cast, api_client):
    c = share_cast
    payload = {
        "dataset_id": c.persons.pk,
        "consumer_id": c.zz.pk,
        "purpose": "开展独居老人走访慰问",
        "legal_basis": "《北京市养老服务条例》",
        "fields": ["grid_code", "sex"],
        "region_id": c.C1.pk,
        "duration_days": 10,
    }
    created = api_client.as_user(c.zz_officer).post("/api/v1/sharing/requests", payload)
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    denied = api_client.as_user(c.mz_officer).post(
        f"/api/v1/sharing/requests/{request_id}/compliance", {"approve": True}
    )
    assert denied.status_code == 403
    ok = api_client.as_user(c.data_officer).post(f"/api/v1/sharing/requests/{request_id}/compliance", {"approve": True})
    assert ok.json()["status"] == "provider"
    refused = api_client.as_user(c.mz_officer).post(
        f"/api/v1/sharing/requests/{request_id}/decision", {"approve": False, "reasons": "该字段另有专门渠道提供"}
    )
    assert refused.json()["status"] == "refused"
    assert api_client.as_user(c.outsider).get("/api/v1/sharing/requests").status_code == 403  # no sharing role
    malformed = api_client.as_user(c.zz_officer).post("/api/v1/sharing/requests", "{not json")
    assert malformed.status_code in (400, 422)
