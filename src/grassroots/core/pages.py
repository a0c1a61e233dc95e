"""One way to write a page handler: parse typed input, run one service call, render or redirect.

`page_action` turns a DomainError raised by the wrapped view into a flash message and a redirect back (or, under
htmx, a partial carrying the message with the error's 4xx status), so views need no try/except of their own.
A NotFound still propagates: the DomainErrorMiddleware renders it as a 404 page, never leaking existence.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError, ErrorCode


def int_param(value: str | None, *, name: str = "") -> int | None:
    """An optional integer query or form parameter; anything else is a 400, not a 500."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise DomainError(ErrorCode.INVALID_INPUT, _("不是有效的数字：%(name)s") % {"name": name or text[:20]})
    return int(text)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` target when it stays on this site (no //evil, /\\evil or scheme), else the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A relative target must be a path on this site: refuse "javascript:", "evil.com/x", "//evil" and "/\\evil".
    on_site = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    if target and on_site and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


def form_data(form_class: type[forms.Form], data, files=None) -> dict:
    """Validate a typed input spec (a Django Form); invalid input is one 400 listing every field's problem."""
    form = form_class(data, files)
    if not form.is_valid():
        details = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        first = next(iter(details.values()))[0] if details else _("输入有误")
        raise DomainError(ErrorCode.INVALID_INPUT, first, details=details)
    return form.cleaned_data


def _message_partial(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "core/error_partial.html", {"error": error}, status=error.status)


def page_action(
    *, success: str | None = None, fallback: str | Callable[..., str] = "/"
) -> Callable[[Callable[..., HttpResponse | None]], Callable[..., HttpResponse]]:
    """Decorate a POST handler. It may return a response, or None to be sent back to `next` (or `fallback`).

    On success a message is flashed (when `success` is given). On a DomainError other than not-found the message is
    flashed and the user redirected back, or for htmx the error partial is returned with the error's status.
    """

    def decorate(view: Callable[..., HttpResponse | None]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            back = fallback(request, *args, **kwargs) if callable(fallback) else fallback
            try:
                response = view(request, *args, **kwargs)
            except DomainError as error:
                if error.status == 404:
                    raise
                if getattr(request, "htmx", False):
                    return _message_partial(request, error)
                messages.error(request, error.message)
                return redirect(safe_next(request, back))
            if response is not None:
                return response
            if success:
                messages.success(request, success)
            return redirect(safe_next(request, back))

        return wrapped

    return decorate
