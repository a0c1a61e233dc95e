"""Domain errors with stable codes. Services raise them; one API handler and one page handler render them."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    INVALID_INPUT = "invalid_input"
    INVALID_GEOMETRY = "invalid_geometry"
    UNKNOWN_PARENT = "unknown_parent"
    CYCLE = "cycle"
    DUPLICATE = "duplicate"
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID_USCC = "invalid_uscc"
    INVALID_PHONE = "invalid_phone"
    OUT_OF_RANGE = "out_of_range"
    IMPORT_FAILED = "import_failed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    CONFLICT = "conflict"
    UNAUTHENTICATED = "unauthenticated"
    RATE_LIMITED = "rate_limited"
    EXPIRED = "expired"
    GRADE_BELOW_SOURCE = "grade_below_source"  # a live-source field graded below what its source declares
    SUSPENDED = "suspended"  # a data-sharing grant paused until it is reviewed again
    OFFER_INVALID = "offer_invalid"  # following a case needs a fresh offer made to this user (cases.duplicates)
    NOT_A_GRID = "not_a_grid"  # people, houses and legal persons are placed in a grid, not a larger region
    OUTSIDE_GRID = "outside_grid"  # the house named lies in another grid than the record
    UNKNOWN_CHOICE = "unknown_choice"  # a value outside its vocabulary (residence type, house type, industry, tag)
    INVALID_MOVE = "invalid_move"  # a move to nowhere, to the same address, or into a household of another house
    PERSON_INACTIVE = "person_inactive"  # the person moved out of the area or died
    STALE_VERSION = "stale_version"  # the record changed since the editor loaded it (optimistic concurrency)
    ACCOUNT_LINKED = "account_linked"  # the person or the login is already linked elsewhere


STATUS_BY_CODE: dict[ErrorCode, int] = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.DUPLICATE: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.EXPIRED: 403,
    ErrorCode.SUSPENDED: 403,
    ErrorCode.OFFER_INVALID: 403,
    ErrorCode.PERSON_INACTIVE: 409,
    ErrorCode.STALE_VERSION: 409,
    ErrorCode.ACCOUNT_LINKED: 409,
}


class DomainError(Exception):
    """A rule was broken. `details` carries machine-readable specifics, e.g. per-feature import errors."""

    def __init__(self, code: ErrorCode, message: str | None = None, *, details: list | dict | None = None):
        self.code = code
        self.message = str(message) if message is not None else str(DEFAULT_MESSAGES.get(code, code))
        self.details = details
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return STATUS_BY_CODE.get(self.code, 400)

    def as_dict(self) -> dict:
        body: dict = {"code": str(self.code), "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class NotFound(DomainError):
    """Raised by scoped fetchers both for a missing row and for one outside the actor's scope (no leak)."""

    def __init__(self, message: str | None = None):
        super().__init__(ErrorCode.NOT_FOUND, message)


class PermissionDenied(DomainError):
    def __init__(self, message: str | None = None):
        super().__init__(ErrorCode.PERMISSION_DENIED, message)


DEFAULT_MESSAGES = {
    ErrorCode.NOT_FOUND: _("记录不存在或不在您的管辖范围内"),
    ErrorCode.PERMISSION_DENIED: _("您的角色无权执行此操作"),
    ErrorCode.INVALID_INPUT: _("输入有误"),
    ErrorCode.PAYLOAD_TOO_LARGE: _("请求体过大"),
}
