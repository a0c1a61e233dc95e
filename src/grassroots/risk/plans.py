"""Proposals to start an emergency plan (预案): proposed by a warning's rule, decided by street leaders.

There is no emergency app yet, so a proposal is the whole of it: made once when a warning reaches the rule's
plan level, shown on the warning with adopt and decline, kept in the warning's lifecycle and the audit log.
A warning has at most one open proposal. A declined proposal is made again only if the warning climbs above
the level at which it was declined; an adopted one never again. The future emergency app takes adopted
proposals as incidents (docs/risk.md).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import Membership
from grassroots.accounts.roles import Role
from grassroots.accounts.scope import grants
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.notifications.services import notify
from grassroots.risk.delivery import PLAN
from grassroots.risk.events import warning_event
from grassroots.risk.levels import NAMES_ZH
from grassroots.risk.models import EventKind, PlanProposal, ProposalStatus, Warning, WarningRule

DECIDERS = frozenset({Role.STREET_LEADER, Role.SYSTEM_ADMIN})
DEFAULT_PLAN_ZH = "相关专项应急预案"
MIN_REASON = 4


def leaders_over(path: str) -> set:
    """Active street leaders whose membership covers the region path (a district leader covers its streets)."""
    rows = Membership.objects.filter(role=Role.STREET_LEADER).select_related("user", "region")
    return {m.user for m in rows if path.startswith(m.region.path) and m.user.is_active}


def propose_plan(rule: WarningRule, warning: Warning) -> PlanProposal | None:
    """Called inside raise_signal's transaction when the warning's level rose. None when nothing is due."""
    if not rule.plan_level or warning.level < rule.plan_level:
        return None
    earlier = list(PlanProposal.objects.select_for_update().filter(warning=warning))
    if any(p.status in (ProposalStatus.PROPOSED, ProposalStatus.ADOPTED) for p in earlier):
        return None
    if any(p.status == ProposalStatus.DECLINED and p.level >= warning.level for p in earlier):
        return None
    name = rule.plan_name or DEFAULT_PLAN_ZH
    proposal = PlanProposal.objects.create(
        warning=warning, plan_name=name, level=warning.level, proposed_at=timezone.now()
    )
    warning.plan_proposed = name
    warning.save(update_fields=["plan_proposed"])
    warning_event(warning, EventKind.PLAN_PROPOSED, note=name)
    record(
        actor=None,
        event=AuditEvent.PLAN_PROPOSED,
        target=proposal,
        extra={"warning": str(warning.pk), "plan": name, "level": warning.level},
    )
    # Stored text stays Chinese whatever the reader's language (as warning summaries do).
    message = f"【{NAMES_ZH[warning.level]}预警】建议启动《{name}》，请决定是否采纳：{warning.summary}"
    notify(leaders_over(warning.region_path), message, topic=PLAN, link=f"/risk/warnings/{warning.pk}/")
    return proposal


def open_proposal(warning: Warning) -> PlanProposal | None:
    return warning.proposals.filter(status=ProposalStatus.PROPOSED).first()


def get_proposal_for(actor, warning: Warning, proposal_id: int) -> PlanProposal:
    """A proposal of a warning the actor may already see (the caller fetched it through get_warning_for)."""
    proposal = warning.proposals.filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound()
    return proposal


def _require_decider(actor, path: str) -> None:
    deciding = [g for g in grants(actor) if g.role in DECIDERS]
    if not deciding:
        raise PermissionDenied(_("只有街道领导或系统管理员可以决定是否启动预案"))
    if not any(g.covers(path) for g in deciding):
        raise NotFound()


def _decide(actor, proposal: PlanProposal, status: ProposalStatus, note: str) -> PlanProposal:
    _require_decider(actor, proposal.warning.region_path)
    proposal = PlanProposal.objects.select_for_update().select_related("warning").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise DomainError(ErrorCode.CONFLICT, _("该预案建议已有决定"))
    note = (note or "").strip()
    if status == ProposalStatus.DECLINED and len(note) < MIN_REASON:
        raise DomainError(ErrorCode.REASONS_REQUIRED, _("不采纳须写明理由（至少 4 个字）"))
    proposal.status, proposal.decided_by, proposal.decided_at = status, actor, timezone.now()
    proposal.note = note[:500]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "note"])
    adopted = status == ProposalStatus.ADOPTED
    verb = "采纳" if adopted else "不采纳"
    warning_event(
        proposal.warning,
        EventKind.PLAN_ADOPTED if adopted else EventKind.PLAN_DECLINED,
        actor=actor,
        note=f"{verb}《{proposal.plan_name}》" + (f"：{note}" if note else ""),
    )
    record(
        actor=actor,
        event=AuditEvent.PLAN_ADOPTED if adopted else AuditEvent.PLAN_DECLINED,
        target=proposal,
        extra={"warning": str(proposal.warning_id), "plan": proposal.plan_name},
    )
    return proposal


@transaction.atomic
def adopt_plan(actor, proposal: PlanProposal, *, note: str = "") -> PlanProposal:
    return _decide(actor, proposal, ProposalStatus.ADOPTED, note)


@transaction.atomic
def decline_plan(actor, proposal: PlanProposal, *, note: str) -> PlanProposal:
    return _decide(actor, proposal, ProposalStatus.DECLINED, note)
