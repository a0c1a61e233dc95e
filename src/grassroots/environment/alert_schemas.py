"""Schemas of the alert, rule and maintenance-task API (alert_api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

# At least 4 (5) characters once leading and trailing spaces are stripped, as disposal.py requires: written in the
# schema so that a body the schema accepts is one the service accepts.
NOTE_PATTERN = r"^\s*\S[\s\S]{2,}\S\s*$"
TEXT_PATTERN = r"^\s*\S[\s\S]{3,}\S\s*$"


class EnvAlertOut(Schema):
    id: int
    rule_id: int
    rule_name: str
    kind: str
    station_code: str
    station_name: str
    property: str | None
    level: int
    status: str
    summary: str
    first_at: dt.datetime
    last_at: dt.datetime
    count: int
    peak_value: float | None
    signal_id: str | None
    warning_id: str | None
    case_number: str
    closed_note: str


class EnvRectificationOut(Schema):
    id: int
    text: str
    created_at: dt.datetime
    accepted: bool | None
    review_note: str


class EnvAlertDetailOut(EnvAlertOut):
    rectifications: list[EnvRectificationOut]


class EnvAlertFilter(Schema):
    status: Literal["", "active", "open", "acknowledged", "closed"] = ""
    kind: Literal["", "exceedance", "threshold", "rate", "seasonal", "health"] = ""
    level: int | None = Field(None, ge=1, le=4, description="等级不低于")
    station: str = Field("", max_length=40, description="站点编码")


class EnvAlertNoteIn(Schema):
    note: str = Field("", max_length=2000)


class EnvAlertCloseIn(Schema):
    note: str = Field(..., min_length=4, max_length=2000, pattern=NOTE_PATTERN, description="处置情况，至少 4 个字")


class EnvRectificationIn(Schema):
    text: str = Field(..., min_length=5, max_length=2000, pattern=TEXT_PATTERN, description="整改措施，至少 5 个字")


class EnvRuleOut(Schema):
    id: int
    name: str
    kind: str
    station_kind: str
    property: str | None
    params: dict
    level: int
    open_case: bool
    case_category: str
    active: bool


class EnvTaskOut(Schema):
    id: int
    station_code: str
    property: str | None
    problem: str
    detail: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    note: str


class EnvTaskFilter(Schema):
    status: Literal["", "open", "done"] = ""


class EnvTaskCloseIn(Schema):
    note: str = Field(..., min_length=4, max_length=2000, pattern=NOTE_PATTERN, description="处理情况，至少 4 个字")
