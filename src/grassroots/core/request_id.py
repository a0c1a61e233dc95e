"""One id per HTTP request, so the audit entries, logs and the client's view of a request can be matched.

The server's id is always ours: a fresh random one per request, returned in the response's X-Request-ID. An
incoming X-Request-ID (from a proxy or the client) is kept apart as the client's id, if it is sane (8–64
characters of letters, digits and ``.-_:``), so a client cannot make its requests share an id with anyone
else's or pick the id an auditor searches by. Both are held in context variables for the duration of the
request (safe under threads and asyncio alike).
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
_client: ContextVar[str] = ContextVar("grassroots_client_request_id", default="")


def current_request_id() -> str:
    """The server's id of the request being served, or "" outside a request (commands, Celery tasks)."""
    return _current.get()


def current_client_request_id() -> str:
    """The id the client or proxy sent with the request being served, or "" if none (or an insane one)."""
    return _client.get()


def sane_client_id(incoming: str | None) -> str:
    return incoming if incoming and VALID.fullmatch(incoming) else ""


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex
        request.client_request_id = sane_client_id(request.headers.get(HEADER))
        token, client_token = _current.set(request.request_id), _client.set(request.client_request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
            _client.reset(client_token)
        response[HEADER] = request.request_id
        return response
