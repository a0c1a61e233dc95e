"""Signed-in sessions end after idle time: STAFF_IDLE_SECONDS for staff, RESIDENT_IDLE_SECONDS for residents.

Staff sessions open personal data of a whole grid or street, and office screens are left unattended, so they
end after 30 minutes without a request. A resident sees only their own reports; a day spares them signing in
for every report. The session records when it was last used, refreshed at most once a minute so most requests
write nothing (idle time counts from that refresh, at most a minute before the last request). The session's own
expiry (cookie and store) is set just past the same window, so an idle session is gone from the store as well.

The cockpit's auto-refresh counts as use: it is meant to stay open on a wall screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from grassroots.accounts.scope import holds_staff_role

LAST_SEEN = "gr_last_seen"
IDLE_LIMIT = "gr_idle_limit"
RESOLUTION = 60  # seconds between refreshes of LAST_SEEN


def idle_limit(user) -> int:
    is_staff = user.is_staff or holds_staff_role(user)
    return settings.STAFF_IDLE_SECONDS if is_staff else settings.RESIDENT_IDLE_SECONDS


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        moment = int(time.time())
        # Requests without a session cookie (the public API, open data) leave the session untouched, so they
        # get no Vary: Cookie from this middleware.
        has_cookie = settings.SESSION_COOKIE_NAME in request.COOKIES
        if has_cookie and session.get(SESSION_KEY):
            last_seen, limit = session.get(LAST_SEEN), session.get(IDLE_LIMIT)
            if last_seen is not None and limit is not None and moment - last_seen > limit:
                logout(request)
                messages.info(request, _("长时间未操作，已自动退出，请重新登录。"))
        response = self.get_response(request)
        # After the view, so the login request itself starts the clock and a logout leaves nothing behind.
        signed_in = (has_cookie or session.accessed) and session.get(SESSION_KEY)
        if signed_in and moment - session.get(LAST_SEEN, 0) >= RESOLUTION:
            limit = idle_limit(request.user)
            session[LAST_SEEN], session[IDLE_LIMIT] = moment, limit
            session.set_expiry(limit + RESOLUTION)  # the store keeps it until this middleware decides
        return response
