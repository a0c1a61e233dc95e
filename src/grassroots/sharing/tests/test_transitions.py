"""The request lifecycle's transition table: every edge moves, writes its step and audit row; others are refused."""

import pytest

from grassroots.accounts.scope import has_perm
from grassroots.audit.models import AuditEntry
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.sharing import transitions, workflow
from grassroots.sharing.models import RequestStatus, ShareRequest
from grassroots.sharing.tests.conftest import spec_for
from grassroots.sharing.transitions import TRANSITIONS


def _request_at(c, status: str) -> ShareRequest:
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    ShareRequest.objects.filter(pk=request.pk).update(status=status)
    request.refresh_from_db()
    return request


def _state(request: ShareRequest) -> tuple:
    row = ShareRequest.objects.get(pk=request.pk)
    audit = AuditEntry.objects.filter(target_id=str(request.pk)).count()
    return row.status, row.step_due_at, row.decided_at, request.steps.count(), audit


def _actor(c, edge, *, allowed: bool):
    people = (c.data_officer, c.mz_officer, c.zz_officer, c.grid_g1, c.resident, c.outsider)
    return next((p for p in people if any(has_perm(p, perm) for perm in edge.perms) == allowed), None)


EDGES = [(verb, source) for verb, edge in TRANSITIONS.items() for source in sorted(edge.sources)]


@pytest.mark.parametrize(("verb", "source"), EDGES)
def test_every_edge_of_the_table_moves_the_request_and_writes_its_step_and_audit_row(share_cast, verb, source):
    c, edge = share_cast, TRANSITIONS[verb]
    request = _request_at(c, source)
    steps = request.steps.count()
    actor = _actor(c, edge, allowed=True)
    locked = ShareRequest.objects.get(pk=request.pk)
    transitions.transition(locked, verb, actor, approved=True, reasons="理由充分", changes={"escalated_at": None})
    request.refresh_from_db()
    assert request.status == edge.target
    kinds = list(request.steps.values_list("kind", flat=True))
    assert len(kinds) == steps + (1 if edge.step else 0) and (edge.step is None or kinds[-1] == edge.step)
    entry = AuditEntry.objects.filter(target_id=str(request.pk)).order_by("pk").last()
    assert entry.event == edge.event and entry.actor_id == actor.pk


@pytest.mark.parametrize("verb", sorted(TRANSITIONS))
def test_a_step_from_any_other_status_is_refused_and_changes_nothing(share_cast, verb):
    c, edge = share_cast, TRANSITIONS[verb]
    actor = _actor(c, edge, allowed=True)
    others = [s for s in RequestStatus.values if s not in edge.sources]
    assert others, verb  # no verb may start anywhere: each one belongs to a step
    request = workflow.submit_request(c.zz_officer, spec_for(c))
    for status in others:
        ShareRequest.objects.filter(pk=request.pk).update(status=status)
        request.refresh_from_db()
        before = _state(request)
        with pytest.raises(DomainError) as error:
            transitions.transition(request, verb, actor, changes={"step_due_at": None})
        assert (error.value.code, error.value.status) == (ErrorCode.INVALID_TRANSITION, 409), (verb, status)
        assert error.value.details == {"status": status, "verb": verb}
        assert _state(request) == before, (verb, status)


@pytest.mark.parametrize("verb", sorted(TRANSITIONS))
def test_a_role_without_the_edges_permission_is_refused_and_changes_nothing(share_cast, verb):
    c, edge = share_cast, TRANSITIONS[verb]
    request = _request_at(c, sorted(edge.sources)[0])
    before = _state(request)
    with pytest.raises(PermissionDenied):
        transitions.transition(request, verb, _actor(c, edge, allowed=False))
    assert _state(request) == before


def test_every_status_is_reached_by_the_table_or_by_submitting(share_cast):
    reached = {edge.target for edge in TRANSITIONS.values()} | {RequestStatus.COMPLIANCE}
    assert reached == set(RequestStatus.values)


def test_the_services_refuse_a_step_the_request_is_not_at(granted):
    c = granted
    before = _state(c.request)
    for act in (
        lambda: workflow.withdraw_request(c.zz_officer, c.request),
        lambda: workflow.decide_compliance(c.data_officer, c.request, approve=True),
        lambda: workflow.decide_provider(c.mz_officer, c.request, approve=False, reasons="不再提供此数据"),
    ):
        with pytest.raises(DomainError) as error:
            act()
        assert error.value.code == ErrorCode.INVALID_TRANSITION and "已授权" in error.value.message
    assert _state(c.request) == before
