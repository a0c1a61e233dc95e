"""Editing rules: each kind's parameters validated, unknown kinds and parameters refused by name; the default
rules of migration 0003 are all valid."""

from __future__ import annotations

import pytest

from grassroots.audit.models import AuditEntry
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.environment import rule_admin
from grassroots.environment.models import Rule

pytestmark = pytest.mark.django_db


def refused(params: dict, kind: str = "threshold") -> DomainError:
    with pytest.raises(DomainError) as caught:
        rule_admin.validate_params(kind, params)
    return caught.value


def test_the_default_rules_are_all_valid():
    import importlib

    defaults = importlib.import_module("grassroots.environment.migrations.0003_rules_defaults").DEFAULTS
    names = {row[0] for row in defaults}
    assert names <= set(Rule.objects.values_list("name", flat=True))
    for rule in Rule.objects.filter(name__in=names):
        assert rule_admin.validate_params(rule.kind, rule.params) == rule.params


@pytest.mark.parametrize(
    ("kind", "params", "code", "words"),
    [
        ("magic", {}, ErrorCode.UNKNOWN_RULE_KIND, "magic"),
        ("threshold", {"op": ">"}, ErrorCode.INVALID_RULE_PARAMS, "value"),
        ("threshold", {"op": "!=", "value": 1}, ErrorCode.INVALID_RULE_PARAMS, "op"),
        ("threshold", {"op": ">", "value": "1"}, ErrorCode.INVALID_RULE_PARAMS, "value"),
        ("threshold", {"op": ">", "value": 1, "window": 3}, ErrorCode.INVALID_RULE_PARAMS, "window"),
        ("rate", {"delta": 0, "window_minutes": 60}, ErrorCode.INVALID_RULE_PARAMS, "delta"),
        ("rate", {"delta": 5, "window_minutes": 60.5}, ErrorCode.INVALID_RULE_PARAMS, "window_minutes"),
        ("seasonal", {"z": True}, ErrorCode.INVALID_RULE_PARAMS, "z"),
        ("seasonal", {"weeks": 53}, ErrorCode.INVALID_RULE_PARAMS, "weeks"),
        ("health", {"check": "flatline", "repeats": 3}, ErrorCode.INVALID_RULE_PARAMS, "repeats"),
        ("health", {"check": "smoke"}, ErrorCode.INVALID_RULE_PARAMS, "check"),
        ("exceedance", {"standard": "HJ633-2099"}, ErrorCode.INVALID_RULE_PARAMS, "standard"),
    ],
)
def test_bad_params_are_refused_by_name(kind, params, code, words):
    error = refused(params, kind)
    assert error.code == code and words in error.message


def test_save_rule_is_audited_and_a_health_rule_never_opens_a_case(cast):
    rule = rule_admin.save_rule(
        cast.staff_s1, name="设备卡滞（10 次）", kind="health", params={"check": "stuck", "repeats": 10}, open_case=True
    )
    assert rule.open_case is False and rule.updated_by == cast.staff_s1
    assert AuditEntry.objects.filter(event=848, target_id=str(rule.pk)).exists()


def test_save_rule_needs_manage_environment(cast):
    with pytest.raises(DomainError) as caught:
        rule_admin.save_rule(cast.leader_s1, name="越权规则", kind="threshold", params={"op": ">", "value": 1})
    assert caught.value.code == ErrorCode.PERMISSION_DENIED


def test_an_unknown_case_category_is_refused_and_nothing_saved(cast):
    count = Rule.objects.count()
    with pytest.raises(DomainError) as caught:
        rule_admin.save_rule(
            cast.staff_s1, name="阈值", kind="threshold", params={"op": ">", "value": 1}, open_case=True,
            case_category="no_such",
        )  # fmt: skip
    assert caught.value.code == ErrorCode.UNKNOWN_CATEGORY and Rule.objects.count() == count
