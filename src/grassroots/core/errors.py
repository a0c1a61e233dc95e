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
    # risk and sharing
    INVALID_TRANSITION = "invalid_transition"  # a case or sharing request status forbids the step
    REASONS_REQUIRED = "reasons_required"  # a refusal, rejection or revocation needs written reasons
    REGION_OUT_OF_SCOPE = "region_out_of_scope"  # the requested region is unknown or outside the allowed area
    UNKNOWN_DOMAIN = "unknown_domain"  # a risk signal or rule names a domain that does not exist
    # cases and areas, specific where a caller must tell errors apart (docs/api.md "Error codes")
    CASE_CLOSED = "case_closed"  # following or merging into a case that is already closed
    RATING_WINDOW_CLOSED = "rating_window_closed"  # a case is rated only while it awaits confirmation
    NEEDS_ARBITRATION = "needs_arbitration"  # returned too often: only an arbiter may choose the owner
    NO_ARBITRATION_NEEDED = "no_arbitration_needed"
    NO_JURISDICTION = "no_jurisdiction"  # the chosen owner does not cover the case's (or rule's) region
    DEADLINE_IN_PAST = "deadline_in_past"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_DEPARTMENT = "unknown_department"
    UNKNOWN_REGION = "unknown_region"
    UNKNOWN_LEVEL = "unknown_level"
    LEVEL_MISMATCH = "level_mismatch"  # a region's level must be its parent's + 1
    UNKNOWN_DOOR_NUMBER = "unknown_door_number"
    UNKNOWN_CRS = "unknown_crs"
    LOCATION_REQUIRED = "location_required"  # a report needs a point or a door number
    ANONYMITY_NOT_ALLOWED = "anonymity_not_allowed"
    REPORTER_REQUIRED = "reporter_required"  # assisted and hotline reports need the reporter's name and phone
    INVALID_PHOTO = "invalid_photo"  # not a JPEG, PNG or WebP image, empty, or not valid base64
    TOO_MANY_PHOTOS = "too_many_photos"
    # registry
    NOT_A_GRID = "not_a_grid"  # people, houses and legal persons are placed in a grid, not a larger region
    OUTSIDE_GRID = "outside_grid"  # the house named lies in another grid than the record
    UNKNOWN_CHOICE = "unknown_choice"  # a value outside its vocabulary (residence type, house type, industry, tag)
    INVALID_MOVE = "invalid_move"  # a move to nowhere, to the same address, or into a household of another house
    PERSON_INACTIVE = "person_inactive"  # the person moved out of the area or died
    STALE_VERSION = "stale_version"  # the record changed since the editor loaded it (optimistic concurrency)
    ACCOUNT_LINKED = "account_linked"  # the person or the login is already linked elsewhere
    # environment ingestion (docs/environment-ingest.md); the item codes are also each rejected reading's code
    UNKNOWN_STATION = "unknown_station"  # no station with that code, or outside the actor's area
    STATION_NOT_ALLOWED = "station_not_allowed"  # the ingest token is not scoped to the station
    UNKNOWN_DATASTREAM = "unknown_datastream"  # the station does not measure that property
    UNIT_MISMATCH = "unit_mismatch"  # the reading's unit is not the datastream's
    NOT_A_NUMBER = "not_a_number"  # NaN, ±infinity or no number at all
    FUTURE_TIME = "future_time"  # later than now plus ENVIRONMENT_FUTURE_TOLERANCE_SECONDS
    NAIVE_TIME = "naive_time"  # a time without a UTC offset
    INVALID_ITEM = "invalid_item"  # an item of a batch that is not a reading (missing or mistyped field)
    TOO_MANY_OBSERVATIONS = "too_many_observations"  # a batch over ENVIRONMENT_INGEST_MAX_ITEMS
    TOKEN_REVOKED = "token_revoked"  # an ingest token that is already revoked
    # environment: lab-result imports (environment/lab_import.py)
    LAB_DUPLICATE_FILE = "lab_duplicate_file"  # this very file (same SHA-256) was imported before
    LAB_FILE_REFUSED = "lab_file_refused"  # not a plain .csv or .xlsx: macros, old .xls, or a disguised file
    # environment alerts, rules and joint disposal (environment/alerts.py, disposal.py, rule_admin.py)
    ALERT_CLOSED = "alert_closed"  # the alert is closed: no acknowledging, closing or rectification
    ALERT_NOT_OPEN = "alert_not_open"  # only an open alert can be acknowledged
    NOTE_REQUIRED = "note_required"  # closing an alert or task, or sending a rectification back, needs a note
    NOT_OPERATOR = "not_operator"  # the login speaks for no firm operating the station
    ALREADY_REVIEWED = "already_reviewed"  # a rectification is accepted or sent back once
    TASK_CLOSED = "task_closed"  # the maintenance task is already done
    UNKNOWN_RULE_KIND = "unknown_rule_kind"
    INVALID_RULE_PARAMS = "invalid_rule_params"  # a parameter the rule's kind does not know, or out of range


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
    # risk and sharing
    ErrorCode.INVALID_TRANSITION: 409,
    # cases
    ErrorCode.CASE_CLOSED: 409,
    ErrorCode.RATING_WINDOW_CLOSED: 409,
    ErrorCode.NEEDS_ARBITRATION: 409,
    ErrorCode.NO_ARBITRATION_NEEDED: 409,
    # registry
    ErrorCode.PERSON_INACTIVE: 409,
    ErrorCode.STALE_VERSION: 409,
    ErrorCode.ACCOUNT_LINKED: 409,
    # environment ingestion
    ErrorCode.TOO_MANY_OBSERVATIONS: 413,
    ErrorCode.TOKEN_REVOKED: 409,
    # environment alerts and joint disposal
    ErrorCode.ALERT_CLOSED: 409,
    ErrorCode.ALERT_NOT_OPEN: 409,
    ErrorCode.NOT_OPERATOR: 403,
    ErrorCode.ALREADY_REVIEWED: 409,
    ErrorCode.TASK_CLOSED: 409,
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
    # environment ingestion
    ErrorCode.UNKNOWN_STATION: _("站点不存在或不在您的管辖范围内"),
    ErrorCode.STATION_NOT_ALLOWED: _("该令牌无权写入此站点"),
    ErrorCode.UNKNOWN_DATASTREAM: _("该站点没有此指标的数据流"),
    ErrorCode.UNIT_MISMATCH: _("单位与数据流单位不符"),
    ErrorCode.NOT_A_NUMBER: _("数值不是有限数"),
    ErrorCode.FUTURE_TIME: _("时间晚于当前时间超过容差"),
    ErrorCode.NAIVE_TIME: _("时间缺少时区"),
    ErrorCode.INVALID_ITEM: _("观测数据格式无效"),
    ErrorCode.TOO_MANY_OBSERVATIONS: _("一次提交的观测数据过多"),
    ErrorCode.TOKEN_REVOKED: _("该接入令牌已吊销"),
}

# environment: lab-result imports
STATUS_BY_CODE[ErrorCode.LAB_DUPLICATE_FILE] = 409
