"""The risk register's verbs. `raise_signal` is the one entry point for every domain (DESIGN.md §5).

A signal folds into its region × domain score (decayed since the last signal), the score maps to a level
with hysteresis, and a level of blue or above opens or updates one warning per (domain, region, kind):
signals of the same kind within the rule's window are counted on the open warning instead of raising a
storm of new ones. Rising levels trigger the rule's actions: notify subscribers and the rule's roles, open a
case, propose a plan (risk/plans.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import PERMISSIONS, Perm, Role
from grassroots.accounts.scope import require_in_scope, require_perm, scoped
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.risk import delivery, plans
from grassroots.risk.events import warning_event
from grassroots.risk.levels import NAMES_ZH, POINTS, Level, decayed, level_for
from grassroots.risk.links import MAX_LENGTH, is_safe_link
from grassroots.risk.models import (
    Disposition,
    Domain,
    EventKind,
    RiskScore,
    Signal,
    Status,
    Warning,
    WarningRule,
)

MAX_EVIDENCE = 20
DOMAIN_ZH = {"cases": "事件态势", "opinion": "舆情", "environment": "环境", "emergency": "应急", "finance": "金融"}
DISPOSITION_ZH = {"handled": "已处置", "case": "已转事件办理", "false_alarm": "误报", "monitoring": "持续关注后解除"}
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
# No real signal precedes the Unix epoch; a time near datetime.min would overflow the dedupe window (a 500).
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Roles a rule may notify: those that can see warnings in their area (a resident or a department cannot).
NOTIFIABLE_ROLES = tuple(role for role in Role if Perm.VIEW_RISK in PERMISSIONS[role])


@dataclass(frozen=True)
class Raised:
    signal: Signal
    warning: Warning | None
    level: int
    score: float


def rule_for(domain: str, kind: str) -> WarningRule:
    """The rule for this kind, else the domain's default, else the built-in defaults (unsaved)."""
    rules = {r.kind: r for r in WarningRule.objects.filter(domain=domain, kind__in=[kind, ""])}
    return rules.get(kind) or rules.get("") or WarningRule(domain=domain, kind="")


def _validated(domain, region, kind, value, severity, evidence, occurred_at) -> tuple[list[str], dt.datetime]:
    if domain not in Domain.values:
        raise DomainError(ErrorCode.UNKNOWN_DOMAIN, _("未知的领域：%(domain)s") % {"domain": domain})
    if not isinstance(region, Region):
        raise DomainError(ErrorCode.INVALID_INPUT, _("区域无效"))
    if not kind or len(kind) > 60:
        raise DomainError(ErrorCode.INVALID_INPUT, _("类型须为 1–60 个字符"))
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise DomainError(ErrorCode.INVALID_INPUT, _("数值须为有限数"))
    if severity not in POINTS:
        raise DomainError(ErrorCode.INVALID_INPUT, _("严重程度须为 1（蓝）–4（红）"))
    links = list(evidence or ())
    if len(links) > MAX_EVIDENCE:
        raise DomainError(ErrorCode.INVALID_INPUT, _("证据链接最多 %(n)s 条") % {"n": MAX_EVIDENCE})
    bad = [link for link in links if not is_safe_link(link)]
    if bad:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _("证据链接须为 http(s) 地址或以 / 开头的站内路径（不超过 %(n)d 个字符）：%(link)s")
            % {"n": MAX_LENGTH, "link": str(bad[0])[:80]},
        )
    now = timezone.now()
    at = occurred_at or now
    if at.tzinfo is None or at > now + FUTURE_TOLERANCE:
        raise DomainError(ErrorCode.INVALID_INPUT, _("发生时间须带时区且不在将来"))
    if at < EARLIEST:
        raise DomainError(ErrorCode.INVALID_INPUT, _("发生时间不能早于 1970 年"))
    return links, at


def _fold(score_row: RiskScore, rule: WarningRule, points: float, at: dt.datetime) -> None:
    # A late signal (occurred before the last update) is added undecayed from its own time onward.
    elapsed = (at - score_row.updated_at).total_seconds()
    if elapsed >= 0:
        score_row.score = decayed(score_row.score, elapsed, rule.half_life_hours) + points
        score_row.updated_at = at
    else:
        score_row.score += decayed(points, -elapsed, rule.half_life_hours)
    score_row.level = level_for(score_row.score, rule.thresholds, score_row.level, rule.hysteresis)


@transaction.atomic
def raise_signal(
    *,
    domain: str,
    region: Region,
    kind: str,
    value: float,
    severity: int,
    evidence: Sequence[str] = (),
    occurred_at: dt.datetime | None = None,
    source: str = "",
) -> Raised:
    links, at = _validated(domain, region, kind, value, severity, evidence, occurred_at)
    rule = rule_for(domain, kind)
    score_row, _created = RiskScore.objects.select_for_update().get_or_create(
        region=region, domain=domain, defaults={"region_path": region.path, "updated_at": at}
    )
    _fold(score_row, rule, POINTS[severity], at)
    score_row.save()
    signal = Signal.objects.create(
        domain=domain, kind=kind, region=region, region_path=region.path, value=float(value), severity=severity,
        evidence=links, source=source[:120], occurred_at=at,
    )  # fmt: skip
    warning = None
    if score_row.level >= Level.BLUE:
        warning = _warn(rule, signal, score_row)
        signal.warning = warning
        signal.save(update_fields=["warning"])
    return Raised(signal, warning, score_row.level, score_row.score)


@transaction.atomic
def submit_signal(
    actor,
    *,
    region_id: int,
    domain: str,
    kind: str,
    value: float,
    severity: int,
    evidence: Sequence[str] = (),
    occurred_at: dt.datetime | None = None,
    source: str = "",
) -> Raised:
    """raise_signal for another system over the API: its account must handle warnings in the region."""
    require_perm(actor, Perm.HANDLE_WARNINGS)
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound()
    require_in_scope(actor, Perm.HANDLE_WARNINGS, region.path)
    origin = f"api:{actor.username}" + (f":{source}" if source else "")
    raised = raise_signal(
        domain=domain, region=region, kind=kind, value=value, severity=severity, evidence=evidence,
        occurred_at=occurred_at, source=origin,
    )  # fmt: skip
    extra = {"domain": domain, "kind": kind, "region": region.code, "severity": severity}
    extra["warning"] = str(raised.warning.pk) if raised.warning else None
    record(actor=actor, event=AuditEvent.SIGNAL_SUBMITTED, target=raised.signal, extra=extra)
    return raised


def _warn(rule: WarningRule, signal: Signal, score_row: RiskScore) -> Warning:
    window_start = signal.occurred_at - dt.timedelta(minutes=rule.dedupe_minutes)
    warning = (
        Warning.objects.select_for_update()
        .filter(
            domain=signal.domain,
            region=signal.region,
            kind=signal.kind,
            status__in=[Status.OPEN, Status.ACKNOWLEDGED],
            last_at__gte=window_start,
        )
        .order_by("-last_at")
        .first()
    )
    level = score_row.level
    if warning is None:
        warning = Warning.objects.create(
            domain=signal.domain,
            kind=signal.kind,
            region=signal.region,
            region_path=signal.region_path,
            level=level,
            peak_level=level,
            score=score_row.score,
            summary=f"{signal.region.name} · {DOMAIN_ZH[signal.domain]} · {signal.kind}（{signal.value:g}）",
            first_at=signal.occurred_at,
            last_at=signal.occurred_at,
        )
        warning_event(warning, EventKind.OPENED, at=signal.occurred_at)
        record(actor=None, event=AuditEvent.WARNING_OPENED, target=warning, extra={"level": level})
        previous = Level.NONE
    else:
        previous = warning.level
        warning.count += 1
        warning.last_at = max(warning.last_at, signal.occurred_at)
        warning.level, warning.peak_level = level, max(warning.peak_level, level)
        warning.score = score_row.score
        warning.save(update_fields=["count", "last_at", "level", "peak_level", "score"])
        if level != previous:
            kind = EventKind.ESCALATED if level > previous else EventKind.EASED
            warning_event(warning, kind, at=signal.occurred_at)
    if level > previous:
        _act(rule, warning, previous)
    return warning


def _act(rule: WarningRule, warning: Warning, previous: int) -> None:
    level = warning.level
    if rule.notify_level and level >= rule.notify_level:
        event = "warning.opened" if previous == Level.NONE else "warning.escalated"
        sent = delivery.deliver(warning, event, roles=rule.notify_roles)
        if sent.subscriptions or sent.by_role:
            warning_event(warning, EventKind.NOTIFIED, note=f"订阅 {sent.subscriptions} 个，按角色 {sent.by_role} 人")
    if rule.open_case_level and level >= rule.open_case_level and not warning.case_id:
        _open_case(rule, warning)
    plans.propose_plan(rule, warning)


def _open_case(rule: WarningRule, warning: Warning) -> None:
    from grassroots.cases.intake import open_machine_case  # the cases app depends on nothing in risk

    region = warning.region
    evidence = warning.signals.values_list("evidence", flat=True).first() or []
    case = open_machine_case(
        title=f"{NAMES_ZH[warning.level]}预警：{warning.kind}"[:80],
        description=f"{warning.summary}。系统根据预警规则自动立案。",
        category=rule.case_category or "building_safety",
        lng=region.center_lng,
        lat=region.center_lat,
        source=f"risk:{warning.pk}",
        evidence_links=[link for link in evidence if is_safe_link(link)],
    )
    warning.case_id, warning.case_number = case.pk, case.number
    warning.save(update_fields=["case_id", "case_number"])
    warning_event(warning, EventKind.CASE_OPENED, note=case.number)


def warnings_for(actor):
    return scoped(Warning.objects.select_related("region"), actor, Perm.VIEW_RISK, path_field="region_path")


def get_warning_for(actor, warning_id: int) -> Warning:
    require_perm(actor, Perm.VIEW_RISK)  # a role that never sees warnings: 403, not "missing"
    warning = warnings_for(actor).filter(pk=warning_id).first()
    if warning is None:
        raise NotFound()
    return warning


@transaction.atomic
def acknowledge_warning(actor, warning: Warning, *, note: str = "") -> Warning:
    require_in_scope(actor, Perm.HANDLE_WARNINGS, warning.region_path)
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if warning.status != Status.OPEN:
        raise DomainError(ErrorCode.CONFLICT, _("只有待处置的预警可以响应"))
    warning.status, warning.acknowledged_at, warning.acknowledged_by = Status.ACKNOWLEDGED, timezone.now(), actor
    warning.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    warning_event(warning, EventKind.ACKNOWLEDGED, actor=actor, note=note)
    record(actor=actor, event=AuditEvent.WARNING_ACKNOWLEDGED, target=warning)
    return warning


@transaction.atomic
def close_warning(actor, warning: Warning, *, disposition: str, note: str) -> Warning:
    require_in_scope(actor, Perm.HANDLE_WARNINGS, warning.region_path)
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if warning.status == Status.CLOSED:
        raise DomainError(ErrorCode.CONFLICT, _("预警已关闭"))
    if plans.open_proposal(warning) is not None:
        raise DomainError(ErrorCode.CONFLICT, _("该预警有待决定的预案建议，请先由街道领导采纳或不采纳"))
    if disposition not in Disposition.values:
        raise DomainError(ErrorCode.INVALID_INPUT, _("请选择处置结果"))
    note = (note or "").strip()
    if len(note) < 4:
        raise DomainError(ErrorCode.INVALID_INPUT, _("请写明处置情况（至少 4 个字）"))
    warning.status, warning.closed_at, warning.closed_by = Status.CLOSED, timezone.now(), actor
    warning.disposition, warning.disposition_note = disposition, note[:500]
    warning.save(update_fields=["status", "closed_at", "closed_by", "disposition", "disposition_note"])
    warning_event(warning, EventKind.CLOSED, actor=actor, note=f"{DISPOSITION_ZH[disposition]}：{note}")
    record(actor=actor, event=AuditEvent.WARNING_CLOSED, target=warning, extra={"disposition": disposition})
    return warning


RULE_FIELDS = (
    "blue", "yellow", "orange", "red", "hysteresis", "half_life_hours", "dedupe_minutes", "notify_level",
    "notify_roles", "open_case_level", "case_category", "plan_level", "plan_name",
)  # fmt: skip


@transaction.atomic
def save_rule(actor, *, domain: str, kind: str = "", **values) -> WarningRule:
    require_perm(actor, Perm.MANAGE_RISK_RULES)
    if domain not in Domain.values:
        raise DomainError(ErrorCode.UNKNOWN_DOMAIN, _("未知的领域：%(domain)s") % {"domain": domain})
    rule = WarningRule.objects.filter(domain=domain, kind=kind).first() or WarningRule(domain=domain, kind=kind)
    for name, value in values.items():
        if name not in RULE_FIELDS:
            raise DomainError(ErrorCode.INVALID_INPUT, _("未知的规则项：%(name)s") % {"name": name})
        setattr(rule, name, value)
    thresholds = rule.thresholds
    if not (thresholds[0] > 0 and all(a < b for a, b in zip(thresholds, thresholds[1:], strict=False))):
        raise DomainError(ErrorCode.INVALID_INPUT, _("阈值须为正数且蓝 < 黄 < 橙 < 红"))
    if not 0 <= rule.hysteresis < 1 or rule.half_life_hours <= 0 or not 1 <= rule.dedupe_minutes <= 10080:
        raise DomainError(ErrorCode.INVALID_INPUT, _("回落余量须在 [0,1)，半衰期为正，合并窗口 1–10080 分钟"))
    levels = (rule.notify_level, rule.open_case_level, rule.plan_level)
    if any(level not in Level.values for level in levels):
        raise DomainError(ErrorCode.INVALID_INPUT, _("级别须为 0–4"))
    roles = rule.notify_roles
    if not isinstance(roles, list | tuple) or any(role not in NOTIFIABLE_ROLES for role in roles):
        raise DomainError(
            ErrorCode.INVALID_INPUT, _("通知的角色须为能查看预警的工作人员角色：%(roles)s") % {"roles": roles}
        )
    rule.notify_roles = [role.value for role in NOTIFIABLE_ROLES if role in roles]  # in the roles' order
    if rule.open_case_level:
        from grassroots.cases.models import Category

        if not Category.objects.filter(code=rule.case_category, is_active=True).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, _("自动立案须指定有效的事件类别"))
    rule.updated_by = actor
    rule.save()
    record(actor=actor, event=AuditEvent.RISK_RULE_CHANGED, target=rule, extra={"domain": domain, "kind": kind})
    return rule
