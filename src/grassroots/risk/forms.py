"""Typed input of the risk pages: shapes only; every rule (ranges, roles, scope) is the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.pages import DayField, ListField, flag_field

THRESHOLDS = ("blue", "yellow", "orange", "red")
RULE_INTS = ("dedupe_minutes", "notify_level", "open_case_level", "plan_level")


class WarningFilter(forms.Form):
    region = forms.IntegerField(required=False)
    status = forms.CharField(required=False)
    domain = forms.CharField(required=False)
    level = forms.IntegerField(label=_("等级"), required=False)
    first_from = DayField(required=False)
    first_to = DayField(required=False)


class WarningActionForm(forms.Form):
    action = forms.CharField(required=False)
    note = forms.CharField(required=False, strip=False)
    proposal = forms.IntegerField(label=_("预案建议"), required=False)
    disposition = forms.CharField(required=False)


class RiskRuleForm(forms.Form):
    """A warning rule as its editor posts it; the thresholds and decay are numbers, the rest the service checks."""

    domain = forms.CharField(required=False)
    kind = forms.CharField(required=False)
    blue = forms.FloatField(label="blue", required=False)
    yellow = forms.FloatField(label="yellow", required=False)
    orange = forms.FloatField(label="orange", required=False)
    red = forms.FloatField(label="red", required=False)
    hysteresis = forms.FloatField(label="hysteresis", required=False)
    half_life_hours = forms.FloatField(label="half_life_hours", required=False)
    dedupe_minutes = forms.IntegerField(label="dedupe_minutes", required=False)
    notify_level = forms.IntegerField(label="notify_level", required=False)
    open_case_level = forms.IntegerField(label="open_case_level", required=False)
    plan_level = forms.IntegerField(label="plan_level", required=False)
    case_category = forms.CharField(required=False, strip=False)
    plan_name = forms.CharField(required=False, strip=False)
    notify_roles = ListField(required=False)

    def rule_values(self) -> dict:
        """The keyword arguments of services.save_rule besides domain and kind."""
        data = self.cleaned_data
        values = {name: data[name] for name in (*THRESHOLDS, "hysteresis", "half_life_hours")}
        for name, value in values.items():  # left out: the rule is incomplete, said next to the form
            if value is None:
                raise DomainError(ErrorCode.INVALID_INPUT, gettext("%(name)s 应为数字") % {"name": name})
        values |= {name: data[name] or 0 for name in RULE_INTS}
        values |= {"case_category": data["case_category"], "plan_name": data["plan_name"][:120]}
        return values | {"notify_roles": data["notify_roles"]}


class SubscriptionForm(forms.Form):
    delete = forms.IntegerField(required=False)
    region = forms.IntegerField(label=_("区域"), required=False)
    domains = ListField(required=False)
    min_level = forms.IntegerField(label=_("最低等级"), required=False)
    in_app = flag_field()
    email = flag_field()
    webhook_url = forms.CharField(required=False)


class BaselineQuery(forms.Form):
    region = forms.IntegerField(required=False)
    date = DayField(required=False)
