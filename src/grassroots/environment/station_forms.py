"""Typed input of the station pages: shapes only; the rules (kinds, classes, coordinates, scope) are stations.py's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.environment.models import Aggregation, StationKind
from grassroots.environment.stations import StationFields


class StationFilter(forms.Form):
    kind = forms.CharField(required=False)
    region = forms.IntegerField(required=False)
    q = forms.CharField(required=False, max_length=60)
    format = forms.ChoiceField(choices=[("", ""), ("csv", "csv"), ("xlsx", "xlsx")], required=False)


class StationForm(forms.Form):
    code = forms.CharField(label=_("站点编码"), max_length=40, required=False)
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=StationKind.choices)
    lng = forms.FloatField(label=_("经度"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90)
    operator_uscc = forms.CharField(
        label=_("运营单位统一社会信用代码（企业排污口必填）"), max_length=18, required=False
    )
    operator_name = forms.CharField(label=_("运营单位名称"), max_length=120, required=False)
    noise_zone = forms.ChoiceField(
        label=_("声环境功能区（GB 3096-2008，仅声环境点位）"),
        choices=[("", "—"), ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"), ("4a", "4a"), ("4b", "4b")],
        required=False,
    )
    water_target = forms.ChoiceField(
        label=_("水质目标（GB 3838-2002，仅水断面）"),
        choices=[("", "—"), ("I", "Ⅰ"), ("II", "Ⅱ"), ("III", "Ⅲ"), ("IV", "Ⅳ"), ("V", "Ⅴ")],
        required=False,
    )
    soil_land_use = forms.ChoiceField(
        label=_("用地类型（GB 15618-2018，仅土壤点位）"),
        choices=[("", "—"), ("paddy", _("水田")), ("orchard", _("果园")), ("other", _("其他")),
                 ("rotation", _("水旱轮作"))],
        required=False,
    )  # fmt: skip
    active = forms.BooleanField(label=_("在用"), required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def station_fields(self) -> StationFields:
        data = self.cleaned_data
        return StationFields(**{name: data[name] for name in StationFields.__dataclass_fields__})


class SeriesQuery(forms.Form):
    property = forms.CharField(required=False, max_length=20)
    period = forms.ChoiceField(choices=[("", ""), ("hour", "hour"), ("day", "day")], required=False)


class DatastreamForm(forms.Form):
    property_code = forms.SlugField(label=_("监测指标代码（如 pm25、codmn、leq）"), max_length=20)
    aggregation = forms.ChoiceField(label=_("聚合方式"), choices=Aggregation.choices, initial=Aggregation.HOURLY_MEAN)
    interval_minutes = forms.IntegerField(label=_("上报间隔（分钟）"), min_value=1, initial=60)
