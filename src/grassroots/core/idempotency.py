"""Idempotency keys: a retried POST with the same key returns the first response and writes nothing new.

The key comes from the `Idempotency-Key` header or an `idempotency_key` field. Reusing a key with a
different body is a client bug and gets 409, as in the IETF httpapi idempotency-key draft (§2.7).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _

from grassroots.core import crypto
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.models import IdempotencyRecord


def key_from(request, field_value: str | None = None) -> str | None:
    key = request.headers.get("Idempotency-Key") or field_value
    if key is not None and not (1 <= len(key) <= 80):
        raise DomainError(ErrorCode.INVALID_INPUT, _("Idempotency-Key 长度须为 1–80 个字符"))
    return key


def run_once(request, *, endpoint: str, key: str | None, produce: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """Run `produce` (which must be a service call returning (status, json body)) at most once per key."""
    if not key:
        return produce()
    actor = request.user if request.user.is_authenticated else None
    digest = hashlib.sha256(_raw_body(request)).hexdigest()
    seen = IdempotencyRecord.objects.filter(actor=actor, endpoint=endpoint, key=key).first()
    if seen is not None:
        if seen.request_hash != digest:
            raise DomainError(ErrorCode.CONFLICT, _("同一 Idempotency-Key 用于了不同的请求内容"))
        return seen.status, _open(seen)
    try:
        with transaction.atomic():
            status, body = produce()
            sealed = crypto.encrypt(json.dumps(body, ensure_ascii=False), **_aad(actor, endpoint, key))
            IdempotencyRecord.objects.create(
                actor=actor, endpoint=endpoint, key=key, request_hash=digest, status=status, sealed_body=sealed
            )
    except IntegrityError:
        # A concurrent retry won the race; its transaction rolled ours back, so replay its answer.
        seen = IdempotencyRecord.objects.filter(actor=actor, endpoint=endpoint, key=key).first()
        if seen is None:
            raise
        return seen.status, _open(seen)
    return status, body


def _raw_body(request) -> bytes:
    try:
        return request.body or b""
    except RawPostDataException:  # a form already parsed: hash its fields instead, in a stable order
        return urlencode(sorted(request.POST.lists()), doseq=True).encode()


def _aad(actor, endpoint: str, key: str) -> dict:
    return {
        "table": "core_idempotencyrecord",
        "column": "sealed_body",
        "row_id": f"{getattr(actor, 'pk', None)}|{endpoint}|{key}",
    }


def _open(record: IdempotencyRecord) -> dict:
    return json.loads(crypto.decrypt(record.sealed_body, **_aad(record.actor, record.endpoint, record.key)))
