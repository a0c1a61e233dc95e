"""Typed input of the sharing pages: shapes only; every rule (scope, grades, compliance) is the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.pages import DayField, ListField, flag_field
from grassroots.sharing import catalogue, workflow

CatalogueQuery = type(
    "CatalogueQuery",
    (forms.Form,),
    {"q": forms.CharField(required=False), "class": forms.CharField(required=False)},  # `class` is the query key
)


class DatasetForm(forms.Form):
    department = forms.IntegerField(label=_("提供部门"), required=False)
    code = forms.CharField(required=False)
    title = forms.CharField(required=False, strip=False)
    description = forms.CharField(required=False, strip=False)
    frequency = forms.CharField(required=False)
    sharing_class = forms.CharField(required=False)
    conditions = forms.CharField(required=False, strip=False)
    legal_basis = forms.CharField(required=False, strip=False)
    region_column = forms.CharField(required=False)
    date_column = forms.CharField(required=False)
    source = forms.CharField(required=False)

    def spec(self) -> catalogue.DatasetSpec:
        data = self.cleaned_data
        return catalogue.DatasetSpec(**{name: data[name] for name in catalogue.DatasetSpec.__dataclass_fields__})


class GradesForm(forms.Form):
    """One sensitivity (s_<field>) and one personal-data kind (p_<field>) per field of the dataset."""

    def __init__(self, data, *, dataset):
        super().__init__(data)
        self.dataset_fields = list(dataset.fields.all())
        for f in self.dataset_fields:
            self.fields[f"s_{f.name}"] = forms.CharField(required=False)
            self.fields[f"p_{f.name}"] = forms.CharField(required=False)

    def grades(self) -> dict[str, tuple[str, str]]:
        """Each field's posted grade; a field left out keeps its current one."""
        data, posted = self.cleaned_data, self.data
        return {
            f.name: (
                data[f"s_{f.name}"] if f"s_{f.name}" in posted else f.sensitivity,
                data[f"p_{f.name}"] if f"p_{f.name}" in posted else f.pii_kind,
            )
            for f in self.dataset_fields
        }


class RequestForm(forms.Form):
    consumer = forms.IntegerField(label=_("申请部门"), required=False)
    purpose = forms.CharField(required=False, strip=False)
    legal_basis = forms.CharField(required=False, strip=False)
    fields = ListField(required=False)
    region = forms.IntegerField(label=_("区域"), required=False)
    duration_days = forms.IntegerField(label=_("期限（天）"), required=False)
    period_start = DayField(label=_("数据起始日"), required=False)
    period_end = DayField(label=_("数据截止日"), required=False)

    def spec(self, dataset_id: int) -> workflow.RequestSpec:
        data = self.cleaned_data
        return workflow.RequestSpec(
            dataset_id=dataset_id,
            consumer_id=data["consumer"] or 0,
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
            fields=data["fields"],
            region_id=data["region"] or 0,
            duration_days=data["duration_days"] or 0,
            period_start=data["period_start"],
            period_end=data["period_end"],
        )


class DecisionForm(forms.Form):
    approve = flag_field()
    reasons = forms.CharField(required=False, strip=False)
    rate_per_minute = forms.IntegerField(label=_("每分钟调用上限"), required=False)


class RequestListQuery(forms.Form):
    status = forms.CharField(required=False)
    overdue = flag_field()


class GrantActionForm(forms.Form):
    action = forms.CharField(required=False)
    reason = forms.CharField(required=False, strip=False)
    record_ref = forms.CharField(required=False, strip=False)
    description = forms.CharField(required=False, strip=False)
    report = forms.IntegerField(label=_("纠错报告"), required=False)
    answer = forms.CharField(required=False, strip=False)
    corrected = flag_field()


class FeedbackForm(forms.Form):
    message = forms.CharField(required=False, strip=False)


class PublishForm(forms.Form):
    kind = forms.CharField(required=False)
    month = forms.CharField(required=False)
    threshold = forms.IntegerField(label=_("最小公开数"), required=False)
