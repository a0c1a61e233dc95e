"""The JSON API under /api/v1/ (django-ninja, OpenAPI at /api/v1/docs). Routers live in each app."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth as NinjaSessionAuth

from grassroots.accounts.auth import ApiTokenAuth
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.openapi import document_errors


class SessionAuth(NinjaSessionAuth):
    """The login session, CSRF-checked; a request with no session at all is unauthenticated (401), not a
    CSRF failure (403): there is no session to forge a request with."""

    def __call__(self, request: HttpRequest):
        return super().__call__(request) if request.user.is_authenticated else None


class GrassrootsAPI(NinjaAPI):
    """Every operation's schema lists the 4xx answers it can give (core.openapi), endpoints added later too."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = GrassrootsAPI(
    title="grassroots API",
    version="1",
    description="基层智慧治理平台 JSON API. Authenticate with `Authorization: Bearer <token>` or a session.",
    auth=[ApiTokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    body = {"code": str(ErrorCode.INVALID_INPUT), "message": _("请求数据无效"), "details": exc.errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    body = {"code": str(ErrorCode.UNAUTHENTICATED), "message": _("需要登录或有效的 API 令牌")}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    # Keep ninja's status, use our error shape.
    code = {404: ErrorCode.NOT_FOUND, 403: ErrorCode.PERMISSION_DENIED}.get(exc.status_code, ErrorCode.INVALID_INPUT)
    # ninja raises these two in English: "Cannot parse request body" and "CSRF check Failed".
    message = {400: _("请求体无法解析"), 403: _("CSRF 校验失败")}.get(exc.status_code, str(exc))
    return api.create_response(request, {"code": str(code), "message": message}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
def bad_multipart(request: HttpRequest, exc: MultiPartParserError):
    return domain_error(
        request, DomainError(ErrorCode.INVALID_INPUT, _("表单数据格式错误：%(reason)s") % {"reason": exc})
    )


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig):
    return domain_error(request, DomainError(ErrorCode.PAYLOAD_TOO_LARGE))


def _mount() -> None:
    from grassroots.accounts.api import router as accounts_router
    from grassroots.areas.api import router as areas_router
    from grassroots.cases.api import router as cases_router
    from grassroots.environment.api import router as environment_router
    from grassroots.notifications.api import router as notifications_router
    from grassroots.registry.api import router as registry_router
    from grassroots.risk.api import router as risk_router
    from grassroots.sharing.api import router as sharing_router

    api.add_router("/regions", areas_router)
    api.add_router("/registry", registry_router)
    api.add_router("/accounts", accounts_router)
    # Before the cases router, whose /{case_id} paths would otherwise be tried first; the path is historical.
    api.add_router("/cases/notifications", notifications_router)
    api.add_router("/cases", cases_router)
    api.add_router("/sharing", sharing_router)
    api.add_router("/risk", risk_router)
    api.add_router("/environment", environment_router)


_mount()
