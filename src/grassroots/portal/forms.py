"""Typed input of the residents' pages (the report form itself is cases.forms.ReportForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.pages import flag_field


class RatingForm(forms.Form):
    satisfied = flag_field()
    score = forms.IntegerField(label=_("评分"), required=False)
    comment = forms.CharField(required=False, strip=False)


class OfferForm(forms.Form):
    """我也遇到: the signed offer the report page made to this user."""

    offer = forms.CharField(required=False)
