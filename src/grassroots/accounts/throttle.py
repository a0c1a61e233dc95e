"""Login throttling: django-axes's database handler with one limit per username and another per address.

Failures are rows in the database (axes' AccessAttempt), so every server process and worker counts the same
ones. A username is locked after AXES_FAILURE_LIMIT failures from any address (password guessing spread over
many machines); an address after LOGIN_IP_FAILURE_LIMIT failures for any username (one machine trying many
accounts). The per-address limit is higher because a whole street office can share one address.
"""

from __future__ import annotations

import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottle(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Failures counted against the username limit (the one axes compares with); a locked address counts
        as the full limit, so it locks whatever username is tried from it."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_username = _failures(recent.filter(username=username)) if username else 0
        by_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        if by_address >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(by_username, get_failure_limit(request, credentials))
        return by_username

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful login, forget only that username's failures from that address. Axes would drop
        every failure of the address too, letting anyone with one valid account reset the address's count
        between guesses at others."""
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return deleted


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The page a locked-out login gets (429): the site's own, in the user's language."""
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)
