"""One id per HTTP request, so the audit entries, logs and the client's view of a request can be matched.

A sane incoming X-Request-ID (from the proxy or the client: 8–64 characters of letters, digits and
``.-_:``) is kept; anything else is replaced by a fresh random id. The id is held in a context variable for
the duration of the request (safe under threads and asyncio alike) and returned in the response header.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
VALID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

_current: ContextVar[str] = ContextVar("grassroots_request_id", default="")


def current_request_id() -> str:
    """The id of the request being served, or "" outside a request (commands, Celery tasks)."""
    return _current.get()


def accept_or_generate(incoming: str | None) -> str:
    if incoming and VALID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accept_or_generate(request.headers.get(HEADER))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response
