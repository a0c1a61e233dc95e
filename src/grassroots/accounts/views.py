from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from grassroots.accounts import services
from grassroots.accounts.forms import ElderModeForm, TokenForm
from grassroots.accounts.models import ApiToken
from grassroots.core.pages import form_data, safe_next

ELDER_COOKIE_AGE = 365 * 24 * 3600


@require_POST
def elder_mode(request):
    """Toggle 长者模式 (large type, high contrast). A cookie, so it works before login too."""
    on = form_data(ElderModeForm, request.POST)["on"]
    response = redirect(safe_next(request, "/"))
    response.set_cookie("elder_mode", "1" if on else "0", max_age=ELDER_COOKIE_AGE, samesite="Lax")
    return response


@login_required
def tokens(request):
    issued = None
    if request.method == "POST":
        data = form_data(TokenForm, request.POST)  # a revoke id that is not a number is a 400, not a 500
        if "revoke" in request.POST:
            services.revoke_api_token(request.user, data["revoke"] or 0)
        else:
            _, issued = services.issue_api_token(request.user, name=data["name"])
    rows = ApiToken.objects.filter(user=request.user).order_by("-id")
    return render(request, "accounts/tokens.html", {"tokens": rows, "issued": issued})
