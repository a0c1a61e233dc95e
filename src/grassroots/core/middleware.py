"""Render DomainErrors raised under pages as a page (or an htmx partial) with the right status."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError, ErrorCode


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, RequestDataTooBig):
            exception = DomainError(ErrorCode.PAYLOAD_TOO_LARGE)
        elif isinstance(exception, MultiPartParserError):
            exception = DomainError(ErrorCode.INVALID_INPUT, _("表单数据格式错误：%(reason)s") % {"reason": exception})
        if not isinstance(exception, DomainError):
            return None
        if getattr(request, "htmx", False):
            from grassroots.core.pages import error_partial

            return error_partial(request, exception)  # retargeted to the flash region (see core/pages.py)
        return render(request, "core/error.html", {"error": exception}, status=exception.status)
