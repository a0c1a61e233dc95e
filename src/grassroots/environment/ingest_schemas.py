"""Schemas of the ingestion API (ingest_api.py): the observation batch, its per-item answer, ingest tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BaseModel, WithJsonSchema, field_validator

from grassroots.environment.models import Quality

RECORD_ID = r"^[1-9][0-9]{0,18}$"
DEFAULT_MAX_ITEMS = 10_000


class IngestObservationIn(BaseModel):
    """One reading. Validated item by item (a bad item is an `invalid_item` error of that item, not a 422); a
    plain pydantic model, not a ninja Schema, since it never reads Django objects and 10,000 are checked a call."""

    station: str = Field(..., min_length=1, max_length=40, description="Station.code, e.g. aq-0101")
    property: str = Field(..., min_length=1, max_length=20, description="ObservedProperty.code, e.g. pm25")
    time: dt.datetime = Field(..., description="ISO 8601 with a UTC offset, e.g. 2026-03-01T08:00:00+08:00")
    value: float = Field(..., strict=True, description="a finite number in the unit")
    unit: str | None = Field(None, max_length=20, description="omitted: the datastream's unit; µg/m³ = ug/m3")
    quality: int = Field(Quality.VALID, strict=True, ge=0, le=2, description="0 valid, 1 suspect, 2 invalid")

    @field_validator("time", mode="before")
    @classmethod
    def iso_text(cls, value: Any) -> Any:
        # Only ISO 8601 text: pydantic would also take a bare number as Unix seconds, which devices get wrong.
        if not isinstance(value, str):
            raise ValueError("time must be an ISO 8601 string")
        return value


_ITEMS_DOC = {
    "type": "array",
    "maxItems": DEFAULT_MAX_ITEMS,
    "items": IngestObservationIn.model_json_schema(),
    "description": "Up to ENVIRONMENT_INGEST_MAX_ITEMS (10,000) readings; more is 413 too_many_observations.",
}


class IngestBatchIn(Schema):
    # Parsed leniently (any JSON values) so that each item is judged alone; documented as the item schema.
    observations: Annotated[list[Any], WithJsonSchema(_ITEMS_DOC)]


class IngestItemErrorOut(Schema):
    index: int = Field(..., description="position of the item in `observations`")
    code: str = Field(..., description="unknown_station, station_not_allowed, unknown_datastream, unit_mismatch, …")
    message: str


class IngestResultOut(Schema):
    accepted: int = Field(..., description="new readings stored")
    duplicates: int = Field(..., description="readings already stored for the same (datastream, time): not errors")
    errors: list[IngestItemErrorOut]


class IngestTokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    station_ids: list[Annotated[str, Field(pattern=RECORD_ID)]] = Field(..., min_length=1, max_length=500)


class IngestTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="the start of the token, envt_xxxxxxxx…, to recognise it")
    stations: list[str] = Field(..., description="codes of the stations it may write")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class IngestTokenCreatedOut(IngestTokenOut):
    token: str = Field(..., description="the secret, shown only in this answer: send it as Authorization: Bearer")
