from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext
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


class GradeIn(Schema):
    sensitivity: str = Field(max_length=10)  # general, important or core (GB/T 43697)
    pii_kind: str = Field("", max_length=12)  # "", name, phone or id_number


class GradesIn(Schema):
    fields: dict[str, GradeIn] = Field(min_length=1, max_length=500)


class FieldOut(Schema):
    name: str
    label: str
    sensitivity: str
    pii_kind: str
    graded_at: dt.datetime | None
    source_graded: bool  # graded by its live source: may be raised, never lowered


class GradesOut(Schema):
    dataset_id: int
    changed: list[str]
    suspended_grants: list[str]  # grants paused until the compliance step reviews them again
    fields: list[FieldOut]


class KeyOut(Schema):
    grant_id: str
    key: str
    note: str = Field(default_factory=lambda: gettext("密钥只显示这一次，请妥善保存"))  # in the caller's language


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


class UseOut(Schema):
    at: dt.datetime
    outcome: str
    rows: int
    resource_id: int | None
    detail: str
    request_id: str


class GrantOut(Schema):
    id: str
    request_id: str
    dataset: str
    dataset_code: str
    provider: str
    consumer: str
    fields: list[str]
    masked: dict[str, str]  # field → pattern, from the dataset's current grades
    region_path: str
    period_start: dt.date | None
    period_end: dt.date | None
    state: str
    starts_at: dt.datetime
    expires_at: dt.datetime
    rate_per_minute: int
    key_prefix: str
    use_count: int
    uses: list[UseOut]


class ErrorReportListOut(ErrorReportOut):
    grant_id: str
    dataset: str
    consumer: str
    created_at: dt.datetime
    overdue: bool
    escalated_at: dt.datetime | None


class ReleaseOut(Schema):
    id: int
    kind: str
    title: str
    period: str
    threshold: int
    published_at: dt.datetime
    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    downloads: dict[str, str]
