"""The staff page for ingest tokens: list, create (the secret shown once, in the answer) and revoke."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.core.pages import REFUSED, ListField, form_status, int_param, page_action, run_form
from grassroots.environment import tokens


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    stations = ListField(label=_("站点"))  # ids; which may be named is the service's rule (in one's area)


def _create(user, data: dict) -> str:
    ids = [int_param(value, name=str(_("站点"))) for value in data["stations"]]
    return tokens.create_token(user, name=data["name"], station_ids=[i for i in ids if i])[1]


@login_required
def tokens_page(request):
    require_perm(request.user, Perm.MANAGE_ENVIRONMENT)  # a role that never manages stations: 403
    form = TokenForm(request.POST if request.method == "POST" else None)
    issued = run_form(form, lambda data: _create(request.user, data)) if request.method == "POST" else None
    context = {
        "form": form,
        "issued": issued,
        "tokens": tokens.tokens_for(request.user),
        "stations": tokens.stations_for(request.user).only("pk", "code", "name"),
    }
    return render(request, "environment/tokens.html", context, status=form_status(form))


@login_required
@require_POST
@page_action(success=_("令牌已吊销"), fallback=reverse_lazy("environment:tokens"), refused=REFUSED)
def token_revoke(request, ingest_token_id: int):
    tokens.revoke_token(request.user, tokens.get_token_for(request.user, ingest_token_id))
