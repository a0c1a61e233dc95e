"""One way to write a page handler: parse typed input (a Django Form), run one service call, render or redirect.

- `form_data(Form, request.GET/POST)` validates a typed input spec; invalid input raises InvalidForm, a 400 listing
  every field's problem (the DomainErrorMiddleware renders it), never a 500 from int() or fromisoformat().
- `page_action` turns a DomainError raised by the wrapped view into a flash message and a redirect back (safe_next,
  same-site), or under htmx into `error_partial`: the message under the error's 4xx status. Views need no
  try/except of their own. A not-found (and, with refused=REFUSED, a permission refusal) still propagates to the
  middleware as a 404/403 page, never leaking existence.
- `run_form` is for pages that show their form again with the reason instead of redirecting.

htmx 2 swaps no 4xx response by default. Every error partial says where it goes (HX-Retarget: #flash, the flash
region of base.html; HX-Reswap: innerHTML) and base.html loads grassroots/htmx-errors.js, which swaps exactly those,
so a refusal shows next to the other messages and never replaces the form the user was filling.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError, ErrorCode

T = TypeVar("T")
FLASH_TARGET = "#flash"  # the region in base.html that holds flash messages
REFUSED = (ErrorCode.NOT_FOUND, ErrorCode.PERMISSION_DENIED)  # a 404/403 page, not a flash next to the record


class InvalidForm(DomainError):
    """Typed input failed validation: a 400 listing every field's problem, never a flash and a redirect."""

    def __init__(self, message: str, details: list[dict] | None = None):
        super().__init__(ErrorCode.INVALID_INPUT, message, details=details or [])

    @classmethod
    def of(cls, form: forms.BaseForm) -> InvalidForm:
        details = []
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else None
            details += [{"field": name, "message": f"{label}：{e}" if label else str(e)} for e in errors]
        return cls(details[0]["message"] if details else _("输入有误"), details)


def int_param(value: str | None, *, name: str = "") -> int | None:
    """An optional integer query or form parameter; anything else is a 400, not a 500."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise InvalidForm(_("不是有效的数字：%(name)s") % {"name": name or text[:20]})
    return int(text)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` target when it stays on this site (no //evil, /\\evil or scheme), else the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A relative target must be a path on this site: refuse "javascript:", "evil.com/x", "//evil" and "/\\evil".
    on_site = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    if target and on_site and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


def form_data(form_class: type[forms.BaseForm], data, files=None, **kwargs) -> dict:
    """Validate a typed input spec (a Django Form); invalid input is one 400 listing every field's problem."""
    form = form_class(data, files, **kwargs)
    if not form.is_valid():
        raise InvalidForm.of(form)
    return form.cleaned_data


def run_form(form: forms.BaseForm, call: Callable[[dict], T]) -> T | None:
    """For a page that shows its form again on failure: validate, then call(cleaned_data). A DomainError other than
    a not-found becomes the form's own error (kept as `form.domain_error`), so the page repeats with the reason;
    None when the form is invalid or the call refused."""
    form.domain_error = None
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise
        form.domain_error = error
        form.add_error(None, error.message)
        return None


def form_status(form: forms.BaseForm | None) -> int:
    """The status of a form page: 400 when a field failed validation, the refusal's own 4xx, else 200."""
    if form is None or not form.is_bound:
        return 200
    if any(name != NON_FIELD_ERRORS for name in form.errors):
        return 400
    error = getattr(form, "domain_error", None)
    return error.status if error is not None else 200


def error_partial(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The message as an htmx partial under the error's 4xx status, swapped into the page's flash region."""
    response = render(request, "core/error_partial.html", {"error": error}, status=error.status)
    response["HX-Retarget"] = FLASH_TARGET
    response["HX-Reswap"] = "innerHTML"
    return response


def _back(request: HttpRequest, target: str) -> HttpResponse:
    if getattr(request, "htmx", False):  # a redirect would be swapped into the target: navigate instead
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def page_action(
    *,
    success: str | None = None,
    fallback: str | Callable[..., str] = "/",
    refused: tuple[ErrorCode, ...] = (ErrorCode.NOT_FOUND,),
) -> Callable[[Callable[..., HttpResponse | None]], Callable[..., HttpResponse]]:
    """Decorate a POST handler. It may return a response, or None to be sent back to `next` (or `fallback`, a path
    or a function of the view's arguments).

    On success a message is flashed (when `success` is given). A DomainError that breaks a business rule is flashed
    and the user sent back, or for htmx answered with the error partial and its status. Errors whose code is in
    `refused` (a not-found by default; pass REFUSED where a permission refusal is a 403 page too) and invalid input
    propagate to the DomainErrorMiddleware (a 404/403/400 page or partial).
    """

    def decorate(view: Callable[..., HttpResponse | None]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            back = fallback(request, *args, **kwargs) if callable(fallback) else fallback
            try:
                response = view(request, *args, **kwargs)
            except DomainError as error:
                if error.code in refused or isinstance(error, InvalidForm):
                    raise
                if getattr(request, "htmx", False):
                    return error_partial(request, error)
                messages.error(request, error.message)
                return redirect(safe_next(request, back))
            if response is not None:
                return response
            if success:
                messages.success(request, success)
            return _back(request, str(safe_next(request, back)))

        return wrapped

    return decorate


def flag_field(**kwargs) -> forms.TypedChoiceField:
    """A "1"/"0" switch from a query or form: True, False, or None when absent (a checkbox would read "0" as on)."""
    return forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", empty_value=None, required=False, **kwargs
    )


class ListField(forms.Field):
    """Every value posted under one name (QueryDict.getlist), as strings; which are allowed is the service's rule."""

    widget = forms.SelectMultiple

    def to_python(self, value) -> list[str]:
        return [str(v) for v in value or ()]


def json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page that answers JSON: a DomainError is its {code, message} body under the error's status."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return JsonResponse(error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})

    return wrapped


class DayField(forms.DateField):
    """A local day as YYYY-MM-DD only, refused in the reader's language with core.time.parse_day's message."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(_("日期格式应为 YYYY-MM-DD：%(d)s") % {"d": value}) from None
