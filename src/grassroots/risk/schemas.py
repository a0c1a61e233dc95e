from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class WarningOut(Schema):
    id: str
    domain: str
    kind: str
    region_code: str
    level: int
    peak_level: int
    status: str
    count: int
    summary: str
    first_at: dt.datetime
    last_at: dt.datetime
    case_number: str
    plan_proposed: str
    disposition: str


class CloseIn(Schema):
    disposition: str
    note: str = Field(max_length=500)


class NoteIn(Schema):
    note: str = Field("", max_length=500)
