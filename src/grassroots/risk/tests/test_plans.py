"""Plan proposals: made once at the rule's plan level, decided by street leaders in scope, kept in the
warning's lifecycle and the audit log."""

import pytest
from django.db import IntegrityError, transaction

from grassroots.accounts import services as accounts
from grassroots.accounts.roles import Role
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.conftest import PASSWORD
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.notifications.models import Notification
from grassroots.risk import plans, services
from grassroots.risk.levels import Level
from grassroots.risk.models import PlanProposal, ProposalStatus, Status


@pytest.fixture
def flood_rule(cast):
    return services.save_rule(
        cast.admin, domain="emergency", kind="内涝", plan_level=Level.ORANGE, plan_name="东城区防汛应急预案"
    )


def flood(cast, severity=3):
    return services.raise_signal(domain="emergency", region=cast.G1, kind="内涝", value=1, severity=severity).warning


def test_a_warning_at_the_plan_level_proposes_the_plan_to_street_leaders(
    cast, flood_rule, mailoutbox, django_capture_on_commit_callbacks
):
    cast.leader_s1.email = "leader@example.org"
    cast.leader_s1.save()
    assert not flood(cast, severity=2).proposals.exists()  # yellow: below the plan level
    with django_capture_on_commit_callbacks(execute=True):
        warning = flood(cast, severity=3)
    (proposal,) = warning.proposals.all()
    assert (proposal.plan_name, proposal.level, proposal.status) == ("东城区防汛应急预案", Level.ORANGE, "proposed")
    assert warning.plan_proposed == "东城区防汛应急预案"
    assert "plan_proposed" in [e.kind for e in warning.events.all()]
    entry = AuditEntry.objects.get(event=AuditEvent.PLAN_PROPOSED)
    assert entry.target_id == str(proposal.pk) and entry.extra["warning"] == str(warning.pk)
    (notice,) = Notification.objects.filter(user=cast.leader_s1)
    assert "东城区防汛应急预案" in notice.message and notice.link == f"/risk/warnings/{warning.pk}/"
    assert not Notification.objects.exclude(user=cast.leader_s1).exists()  # only street leaders in scope
    assert [m.to for m in mailoutbox] == [["leader@example.org"]]


def test_a_re_raise_never_makes_a_second_open_proposal(cast, flood_rule):
    warning = flood(cast, severity=3)
    flood(cast, severity=3)  # the same warning climbs to red
    flood(cast, severity=4)
    assert warning.proposals.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second open one too
        PlanProposal.objects.create(warning=warning, plan_name="x", level=4, proposed_at=warning.first_at)


def test_only_street_leaders_and_admins_in_scope_decide(cast, flood_rule):
    proposal = flood(cast).proposals.get()
    for user in (cast.staff_s1, cast.worker_c1, cast.grid_g1, cast.resident, cast.outsider):
        with pytest.raises(PermissionDenied):
            plans.adopt_plan(user, proposal)
    leader_s2 = accounts.create_user(username="leader_s2", password=PASSWORD, display_name="leader_s2")
    accounts.grant_membership(None, leader_s2, role=Role.STREET_LEADER, region=cast.S2)
    with pytest.raises(NotFound):
        plans.decline_plan(leader_s2, proposal, note="不在本街道")
    assert PlanProposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED
    plans.adopt_plan(cast.admin, proposal, note="启动Ⅳ级响应")
    assert PlanProposal.objects.get(pk=proposal.pk).decided_by == cast.admin


def test_declining_needs_a_reason_and_is_recorded(cast, flood_rule):
    warning = flood(cast)
    proposal = warning.proposals.get()
    with pytest.raises(DomainError) as error:
        plans.decline_plan(cast.leader_s1, proposal, note=" 不用 ")
    assert error.value.code == ErrorCode.REASONS_REQUIRED and error.value.status == 400
    plans.decline_plan(cast.leader_s1, proposal, note="积水已排除，无需启动")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.note) == ("declined", cast.leader_s1, "积水已排除，无需启动")
    assert proposal.decided_at is not None
    event = warning.events.get(kind="plan_declined")
    assert event.actor == cast.leader_s1 and event.note == "不采纳《东城区防汛应急预案》：积水已排除，无需启动"
    assert AuditEntry.objects.get(event=AuditEvent.PLAN_DECLINED).actor == cast.leader_s1
    with pytest.raises(DomainError) as error:
        plans.adopt_plan(cast.leader_s1, proposal)
    assert error.value.code == ErrorCode.CONFLICT


def test_a_declined_plan_is_proposed_again_only_at_a_higher_level(cast, flood_rule):
    warning = flood(cast, severity=3)  # orange
    plans.decline_plan(cast.leader_s1, warning.proposals.get(), note="影响范围小，暂不启动")
    flood(cast, severity=1)  # still orange: not proposed again
    assert warning.proposals.count() == 1
    flood(cast, severity=4)  # red, above the declined level
    again = warning.proposals.get(status="proposed")
    assert again.level == Level.RED
    plans.adopt_plan(cast.leader_s1, again)
    assert warning.events.filter(kind="plan_adopted").count() == 1
    assert AuditEntry.objects.filter(event=AuditEvent.PLAN_ADOPTED).count() == 1


def test_a_warning_with_an_open_proposal_cannot_be_closed_until_it_is_decided(cast, flood_rule):
    warning = flood(cast)
    with pytest.raises(DomainError) as error:
        services.close_warning(cast.worker_c1, warning, disposition="handled", note="积水已排除")
    assert error.value.code == ErrorCode.CONFLICT
    plans.decline_plan(cast.leader_s1, warning.proposals.get(), note="积水已排除，无需启动")
    services.close_warning(cast.worker_c1, warning, disposition="handled", note="积水已排除")
    warning.refresh_from_db()
    assert warning.status == Status.CLOSED
