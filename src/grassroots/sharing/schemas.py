from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ShareRequestIn(Schema):
    dataset_id: int
    consumer_id: int
    purpose: str = Field(max_length=500)
    legal_basis: str = Field(max_length=500)
    fields: list[str] = Field(max_length=200)
    region_id: int
    duration_days: int
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class DecisionIn(Schema):
    approve: bool
    reasons: str = Field("", max_length=2000)
    rate_per_minute: int | None = None


class StepOut(Schema):
    kind: str
    at: dt.datetime
    approved: bool | None
    reasons: str
    due_at: dt.datetime | None
    late: bool


class ShareRequestOut(Schema):
    id: str
    dataset: str
    consumer: str
    status: str
    status_label: str
    fields: list[str]
    region: str
    purpose: str
    step_due_at: dt.datetime | None
    overdue: bool
    grant_id: str | None
    steps: list[StepOut]


class KeyOut(Schema):
    grant_id: str
    key: str
    note: str = "密钥只显示这一次，请妥善保存 / shown once: store it safely"


class RevokeIn(Schema):
    reason: str = Field(max_length=300)


class ErrorReportIn(Schema):
    record_ref: str = Field(max_length=120)
    description: str = Field(max_length=1000)


class ErrorAnswerIn(Schema):
    answer: str = Field(max_length=1000)
    corrected: bool


class ErrorReportOut(Schema):
    id: int
    record_ref: str
    description: str
    due_at: dt.datetime
    answer: str
    corrected: bool | None
    answered_at: dt.datetime | None
