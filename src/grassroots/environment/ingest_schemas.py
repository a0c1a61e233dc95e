"""Schemas of the ingestion API (ingest_api.py): the observation batch, its per-item answer, ingest tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, NotRequired

from ninja import Field, Schema
from pydantic import TypeAdapter, WithJsonSchema
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

RECORD_ID = r"^[1-9][0-9]{0,18}$"
DEFAULT_MAX_ITEMS = 10_000


# ISO 8601 / RFC 3339 date and time; the offset is optional here so that a missing one is naive_time, not a
# schema error; datetime.fromisoformat() then reads it (and refuses a 30 February).
ISO_TIME = r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d(:?\d\d)?)?$"


class IngestObservationIn(TypedDict):
    """One reading. Validated item by item: a bad item is an `invalid_item` error of that item, not a 422 of the
    batch. A TypedDict checked by pydantic-core, not a model: 10,000 of them are read per call."""

    station: Annotated[str, Field(min_length=1, max_length=40, description="Station.code, e.g. aq-0101")]
    property: Annotated[str, Field(min_length=1, max_length=20, description="ObservedProperty.code, e.g. pm25")]
    time: Annotated[
        str,
        Field(
            pattern=ISO_TIME,
            description="ISO 8601 with a UTC offset, e.g. 2026-03-01T08:00:00+08:00",
            json_schema_extra={"format": "date-time"},
        ),
    ]
    value: Annotated[float, Field(strict=True, description="a finite number in the datastream's unit")]
    unit: NotRequired[Annotated[str | None, Field(max_length=20, description="omitted: the datastream's unit")]]
    quality: NotRequired[Annotated[int, Field(strict=True, ge=0, le=2, description="0 valid, 1 suspect, 2 invalid")]]


OBSERVATIONS = TypeAdapter(list[IngestObservationIn])
ONE_OBSERVATION = TypeAdapter(IngestObservationIn)


_ITEMS_DOC = {
    "type": "array",
    "maxItems": DEFAULT_MAX_ITEMS,
    "items": ONE_OBSERVATION.json_schema(),
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
    name: str = Field(..., min_length=1, max_length=60, pattern=r"\S")  # not blank: the service strips it
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
