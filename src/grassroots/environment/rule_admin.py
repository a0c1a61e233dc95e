"""Editing warning rules (MANAGE_ENVIRONMENT): each kind's parameters are validated here, so a rule that is saved
is one rules.evaluate_batch can run. An unknown kind or parameter is refused with the name of what is wrong."""

from __future__ import annotations

import math

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.environment import health, rule_limits
from grassroots.environment.models import ObservedProperty, Rule, RuleKind, StationKind

# kind → {parameter: (type, low, high)}; None bounds are open. `choices` are listed separately.
NUMBER = (int, float)
PARAMS: dict[str, dict[str, tuple]] = {
    RuleKind.EXCEEDANCE: {"standard": (str,), "level": (str,), "fold_minutes": (int, 1, 10080)},
    RuleKind.THRESHOLD: {"op": (str,), "value": (NUMBER, None, None), "fold_minutes": (int, 1, 10080)},
    RuleKind.RATE: {
        "delta": (NUMBER, 0, None), "window_minutes": (int, 1, 1440), "direction": (str,),
        "fold_minutes": (int, 1, 10080),
    },
    RuleKind.SEASONAL: {
        "z": (NUMBER, 0.5, 20), "weeks": (int, 1, 12), "min_samples": (int, 2, 84), "by": (str,),
        "direction": (str,), "fold_minutes": (int, 1, 10080),
    },
    RuleKind.HEALTH: {
        "check": (str,), "window_minutes": (int, 10, 10080), "epsilon": (NUMBER, 0, None),
        "min_samples": (int, 2, 1000), "repeats": (int, 2, 1000), "intervals": (NUMBER, 1, 100),
    },
}  # fmt: skip
REQUIRED = {
    RuleKind.THRESHOLD: ("op", "value"),
    RuleKind.RATE: ("delta", "window_minutes"),
    RuleKind.HEALTH: ("check",),
}
CHOICES = {
    "standard": rule_limits.STANDARDS,
    "level": ("screening", "intervention"),
    "op": (">", ">=", "<", "<="),
    "direction": ("up", "down", "both"),
    "by": ("hour", "weekday_hour"),
    "check": health.CHECKS,
}
# A health check's own parameters; the others do not apply to it.
HEALTH_PARAMS = {"flatline": {"window_minutes", "epsilon", "min_samples"}, "stuck": {"repeats"}, "gap": {"intervals"}}
FIELDS = ("name", "kind", "station_kind", "property", "params", "level", "open_case", "case_category", "active")


def _bad(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_RULE_PARAMS, message)


def _check_value(name: str, value, spec: tuple) -> None:
    kind = spec[0]
    if name in CHOICES:
        if value not in CHOICES[name]:
            choices = ", ".join(CHOICES[name])
            raise _bad(_("参数 %(name)s 须为以下之一：%(choices)s") % {"name": name, "choices": choices})
        return
    is_bool = isinstance(value, bool)
    numeric = isinstance(value, kind) and not is_bool and (not isinstance(value, float) or math.isfinite(value))
    if not numeric:
        message = _("参数 %(name)s 须为数值") if kind is NUMBER else _("参数 %(name)s 须为整数")
        raise _bad(message % {"name": name})
    low, high = spec[1], spec[2]
    if (low is not None and value < low) or (high is not None and value > high) or (name == "delta" and value <= 0):
        raise _bad(_("参数 %(name)s 超出范围 %(low)s–%(high)s") % {"name": name, "low": low, "high": high or "∞"})


def validate_params(kind: str, params) -> dict:
    """The parameters of a rule of `kind`, checked: known names only, the right type, inside the range."""
    if kind not in RuleKind.values:
        raise DomainError(ErrorCode.UNKNOWN_RULE_KIND, _("未知的规则类型：%(kind)s") % {"kind": str(kind)[:40]})
    if not isinstance(params, dict):
        raise _bad(_("参数须为 JSON 对象"))
    allowed = PARAMS[kind]
    unknown = sorted(set(params) - set(allowed))
    if kind == RuleKind.HEALTH and params.get("check") in HEALTH_PARAMS:
        unknown += sorted(set(params) - {"check"} - HEALTH_PARAMS[params["check"]] - set(unknown))
    if unknown:
        names = ", ".join(map(str, unknown))[:200]
        raise _bad(_("规则类型“%(kind)s”没有参数：%(names)s") % {"kind": kind, "names": names})
    missing = [name for name in REQUIRED.get(kind, ()) if name not in params]
    if missing:
        raise _bad(_("缺少参数：%(names)s") % {"names": ", ".join(missing)})
    for name, value in params.items():
        _check_value(name, value, allowed[name])
    return dict(params)


def _property(code: str | None) -> ObservedProperty | None:
    if not code:
        return None
    prop = ObservedProperty.objects.filter(code=code).first()
    if prop is None:
        raise DomainError(ErrorCode.INVALID_INPUT, _("未知的监测指标：%(code)s") % {"code": code[:20]})
    return prop


def _category(code: str) -> str:
    from grassroots.cases.models import Category  # cases is a lower layer; read only to check the code

    code = (code or "").strip()
    if code and not Category.objects.filter(code=code, is_active=True).exists():
        raise DomainError(ErrorCode.UNKNOWN_CATEGORY, _("未知事件类别：%(code)s") % {"code": code[:40]})
    return code


def get_rule_for(actor, rule_id: int) -> Rule:
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    rule = Rule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule


@transaction.atomic
def save_rule(
    actor,
    rule: Rule | None = None,
    *,
    name: str,
    kind: str,
    params: dict,
    station_kind: str = "",
    property_code: str | None = None,
    level: int = 2,
    open_case: bool = False,
    case_category: str = "",
    active: bool = True,
) -> Rule:
    """Create (rule None) or change a rule; every field is validated before anything is written."""
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    name = (name or "").strip()
    if not 2 <= len(name) <= 80:
        raise DomainError(ErrorCode.INVALID_INPUT, _("规则名称应为 2–80 个字"))
    checked = validate_params(kind, params)
    if station_kind and station_kind not in StationKind.values:
        raise DomainError(ErrorCode.INVALID_INPUT, _("未知的站点类型：%(kind)s") % {"kind": station_kind[:20]})
    if level not in (1, 2, 3, 4):
        raise DomainError(ErrorCode.INVALID_INPUT, _("信号等级须为 1（蓝）–4（红）"))
    rule = Rule.objects.select_for_update().get(pk=rule.pk) if rule is not None else Rule()
    created = rule.pk is None
    rule.name, rule.kind, rule.params, rule.station_kind = name, kind, checked, station_kind
    rule.property, rule.level, rule.active = _property(property_code), level, active
    rule.open_case = bool(open_case) and kind != RuleKind.HEALTH  # health never opens a case (a task instead)
    rule.case_category, rule.updated_by = _category(case_category), actor
    rule.save()
    extra = {"kind": kind, "params": checked, "created": created, "active": active, "level": level}
    record(actor=actor, event=AuditEvent.ENV_RULE_CHANGED, target=rule, extra=extra)
    return rule
