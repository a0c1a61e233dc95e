"""The ingestion API: POST /api/v1/environment/observations with an ingest token, and the tokens themselves.

A batch answers 200 whenever the request itself is sound, with how many readings were stored, how many were
already there, and each rejected item with its index and code (docs/environment-ingest.md): the device resends
only those. The whole request fails only without a valid token (401), with a body that is not JSON or not an
object with an `observations` list (400/422), or with too many items (413 too_many_observations).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import ValidationError

from grassroots.core.errors import DomainError, ErrorCode
from grassroots.environment import tokens
from grassroots.environment.ingest import INVALID_ITEM, ItemError, Reading, ingest
from grassroots.environment.ingest_schemas import (
    DEFAULT_MAX_ITEMS,
    OBSERVATIONS,
    ONE_OBSERVATION,
    IngestBatchIn,
    IngestResultOut,
    IngestTokenCreatedOut,
    IngestTokenIn,
    IngestTokenOut,
)
from grassroots.environment.models import IngestToken
from grassroots.environment.tokens import Device, IngestTokenAuth

router = Router(tags=["environment"])


def max_items() -> int:
    return int(getattr(settings, "ENVIRONMENT_INGEST_MAX_ITEMS", DEFAULT_MAX_ITEMS))


def _invalid(index: int, errors: list[dict]) -> ItemError:
    fields = sorted({".".join(str(p) for p in e["loc"]) or "item" for e in errors})
    return ItemError(index, INVALID_ITEM, _("观测数据格式无效：%(fields)s") % {"fields": ", ".join(fields)})


def parse(items: list[Any]) -> tuple[list[Reading], list[int], list[ItemError]]:
    """The items that are readings (with their positions in the batch), and an error for each that is not."""
    try:
        checked, bad = OBSERVATIONS.validate_python(items), {}
    except ValidationError as exc:  # the slow path: only then is each item judged on its own
        bad: dict[int, list[dict]] = {}
        for error in exc.errors():
            bad.setdefault(error["loc"][0], []).append({**error, "loc": error["loc"][1:]})
        checked = [None if i in bad else ONE_OBSERVATION.validate_python(item) for i, item in enumerate(items)]
    readings, positions = [], []
    for index, item in enumerate(checked):
        if item is None:
            continue
        try:
            moment = datetime.fromisoformat(item["time"])
        except ValueError:
            bad[index] = [{"loc": ("time",)}]
            continue
        readings.append(
            Reading(item["station"], item["property"], moment, item["value"], item.get("unit"), item.get("quality", 0))
        )
        positions.append(index)
    return readings, positions, [_invalid(i, errors) for i, errors in sorted(bad.items())]


def receive(device: Device, items: list[Any]) -> dict:
    if len(items) > max_items():
        raise DomainError(ErrorCode.TOO_MANY_OBSERVATIONS, details={"max_items": max_items(), "items": len(items)})
    readings, positions, errors = parse(items)
    result = ingest(readings, allowed_stations=device.station_ids, source=f"http:{device}")
    errors += [ItemError(positions[e.index], e.code, e.message) for e in result.errors]
    errors.sort(key=lambda e: e.index)
    return {"accepted": result.accepted, "duplicates": result.duplicates, "errors": [vars(e) for e in errors]}


@router.post("/observations", response=IngestResultOut, auth=[IngestTokenAuth()], summary="写入观测数据（批量）")
def post_observations(request: HttpRequest, payload: IngestBatchIn):
    """Store a batch of readings with an ingest token (Bearer envt_…); idempotent by (datastream, time).
    200 with per-item errors: a bad item never rejects the good ones."""
    return receive(request.auth, payload.observations)


def token_out(token: IngestToken) -> dict:
    return {
        "id": token.pk, "name": token.name, "prefix": f"{tokens.PREFIX}{token.prefix}",
        "stations": sorted(s.code for s in token.stations.all()), "created_at": token.created_at,
        "last_used_at": token.last_used_at, "revoked_at": token.revoked_at,
    }  # fmt: skip


@router.get("/tokens", response=list[IngestTokenOut], summary="接入令牌列表")
def list_tokens(request: HttpRequest):
    return [token_out(t) for t in tokens.tokens_for(request.auth)]


@router.post("/tokens", response={201: IngestTokenCreatedOut}, summary="签发接入令牌")
def create_token(request: HttpRequest, payload: IngestTokenIn):
    """The secret is in this answer only; it is stored as its SHA-256."""
    ids = [int(s) for s in payload.station_ids]
    token, secret = tokens.create_token(request.auth, name=payload.name, station_ids=ids)
    return Status(201, {**token_out(token), "token": secret})


@router.post("/tokens/{ingest_token_id}/revoke", response=IngestTokenOut, summary="吊销接入令牌")
def revoke_token(request: HttpRequest, ingest_token_id: int):
    token = tokens.get_token_for(request.auth, ingest_token_id)
    return token_out(tokens.revoke_token(request.auth, token))
