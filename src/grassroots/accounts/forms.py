"""Typed input of the account pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.pages import flag_field


class TokenForm(forms.Form):
    """Issue a token (a name) or revoke one of one's own (its id)."""

    revoke = forms.IntegerField(label=_("撤销的令牌"), required=False)
    name = forms.CharField(required=False)


class ElderModeForm(forms.Form):
    on = flag_field()
