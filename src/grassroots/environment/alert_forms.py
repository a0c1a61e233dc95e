"""Typed input of the alert, rule and task pages: shapes only; every rule (scope, states, params) is the services'."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grassroots.core.pages import flag_field
from grassroots.environment.models import AlertStatus, RuleKind, StationKind, TaskStatus

ACTIONS = ("acknowledge", "close", "accept", "reject")


class AlertFilter(forms.Form):
    status = forms.ChoiceField(choices=[("", ""), ("active", "active"), *AlertStatus.choices], required=False)
    level = forms.IntegerField(label=_("等级"), min_value=1, max_value=4, required=False)
    kind = forms.ChoiceField(choices=[("", ""), *RuleKind.choices], required=False)
    station = forms.CharField(label=_("站点"), max_length=40, required=False)
    region = forms.IntegerField(required=False)  # the cockpit's drill-down: the alerts of this region's subtree


class TaskFilter(forms.Form):
    status = forms.ChoiceField(choices=[("", ""), *TaskStatus.choices], required=False)


class AlertActionForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=[(a, a) for a in ACTIONS])
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, strip=False)
    rectification = forms.IntegerField(label=_("整改报告"), min_value=1, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, strip=False)


class RectificationForm(forms.Form):
    alert = forms.IntegerField(label=_("告警"), min_value=1)
    text = forms.CharField(label=_("整改说明"), max_length=2000, required=False, strip=False)


class JSONObjectField(forms.CharField):
    def to_python(self, value):
        text = super().to_python(value) or "{}"
        try:
            data = json.loads(text)
        except ValueError:
            raise ValidationError(_('参数须为 JSON 对象，例如 {"op": ">", "value": 100}')) from None
        if not isinstance(data, dict):
            raise ValidationError(_("参数须为 JSON 对象"))
        return data


class RuleForm(forms.Form):
    """A rule as its editor posts it; the kind's parameters are checked by rule_admin.validate_params."""

    rule = forms.IntegerField(label=_("规则"), min_value=1, required=False)  # empty: a new rule
    name = forms.CharField(label=_("名称"), max_length=80)
    kind = forms.CharField(label=_("类型"), max_length=20)
    station_kind = forms.ChoiceField(label=_("站点类型"), choices=[("", ""), *StationKind.choices], required=False)
    property = forms.CharField(label=_("监测指标"), max_length=20, required=False)
    params = JSONObjectField(label=_("参数"), max_length=2000, required=False)
    level = forms.IntegerField(label=_("信号等级"), min_value=1, max_value=4)
    open_case = flag_field(label=_("自动立案"))
    case_category = forms.CharField(label=_("立案类别"), max_length=40, required=False)
    active = flag_field(label=_("启用"))

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"], "kind": data["kind"], "params": data["params"],
            "station_kind": data["station_kind"], "property_code": data["property"] or None, "level": data["level"],
            "open_case": bool(data["open_case"]), "case_category": data["case_category"],
            "active": data["active"] is not False,
        }  # fmt: skip
