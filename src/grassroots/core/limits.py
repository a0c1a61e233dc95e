"""413 for a request body over MAX_REQUEST_BYTES, before anything reads or parses it.

DATA_UPLOAD_MAX_MEMORY_SIZE only bounds what Django reads whole (JSON, form fields); multipart files are
streamed to temporary files however large they are. Under WSGI Django reads a body through a stream limited
to Content-Length, and reads no body at all without one (a chunked request arrives empty), so checking the
declared length bounds every byte the application will read. A length that is not a number is a 400 here:
Django's request.body would raise ValueError on it, a 500.

The check runs in __call__, before any middleware's process_view (CSRF reads the form there) and any view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError, ErrorCode


def declared_length(request: HttpRequest) -> int | None:
    """The body's declared length: 0 without one, None if it is not a number (request.body would raise)."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    return int(raw) if raw.isdigit() else None


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BYTES
        length = declared_length(request)
        if length is None:
            return self.refuse(request, DomainError(ErrorCode.INVALID_INPUT, _("Content-Length 无效")))
        if length > limit:
            message = _("请求体超过 %(limit)s 的上限") % {"limit": filesizeformat(limit)}
            return self.refuse(request, DomainError(ErrorCode.PAYLOAD_TOO_LARGE, message))
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, error: DomainError) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=error.status)
        template = "core/error_partial.html" if getattr(request, "htmx", False) else "core/error.html"
        return render(request, template, {"error": error}, status=error.status)
