from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from grassroots.risk.models import Domain

DomainCode = Literal[tuple(Domain.values)]  # the codes services._validated accepts, enumerated in the schema


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


class WarningNoteIn(Schema):
    note: str = Field("", max_length=500)


class SignalIn(Schema):
    domain: DomainCode = Field(..., description="领域")
    region_id: int = Field(..., description="区域编号，须在调用账号的管辖范围内")
    kind: str = Field(..., min_length=1, max_length=60)
    value: float = Field(..., allow_inf_nan=False)
    severity: int = Field(..., ge=1, le=4, description="1 蓝 · 2 黄 · 3 橙 · 4 红")
    evidence: list[str] = Field(default_factory=list, max_length=20, description="http(s) 地址或以 / 开头的站内路径")
    occurred_at: dt.datetime | None = Field(None, description="带时区；缺省为收到的时间")
    source: str = Field("", max_length=80)
    idempotency_key: str | None = Field(None, max_length=80)


class SignalOut(Schema):
    id: str
    domain: str
    kind: str
    region_code: str
    value: float
    severity: int
    occurred_at: dt.datetime
    level: int
    score: float
    warning_id: str | None
