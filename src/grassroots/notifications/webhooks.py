"""Signed webhooks: an outbox of deliveries, claimed by one sender at a time, posted concurrently, retried.

Signature: header ``X-Grassroots-Signature: t=<unix>,v1=<hex>`` where hex = HMAC-SHA256(secret,
f"{t}.{event}.{body}") and event is the ``X-Grassroots-Event`` header. Binding the timestamp stops replays,
binding the event stops a body being replayed under another event; receivers reject a ``t`` more than five
minutes away. A sender claims a delivery before posting it (row lock, then a "sending" status with a lease),
so the on-commit task and the beat task never post the same one together. A failed delivery is retried with
exponential backoff (1, 2, 4, 8 minutes) and given up after five attempts. Apps queue with `enqueue`; who
gets a webhook (risk's subscriptions, say) is the calling app's knowledge, not this module's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import math
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as BatchTimeout
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from grassroots.core import outbound
from grassroots.notifications.models import Delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
MAX_WORKERS = 8
RESPONSE_LIMIT = 64 * 1024  # only the status of a receiver's answer matters
# Name resolution is outside the outbound deadline (getaddrinfo cannot be interrupted): allow it this much.
RESOLVE_SLACK_SECONDS = 5
# A claimed delivery whose sender died is taken up again after its lease: a minute more than posting the whole
# batch could take at the deadline (receivers dedupe by delivery id should that ever happen).
LEASE_MARGIN = dt.timedelta(minutes=1)
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


def sign(secret: str, timestamp: int, event: str, body: bytes) -> str:
    message = f"{timestamp}.{event}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: str, header: str, body: bytes, *, event: str, now: float | None = None, tolerance: int = 300
) -> bool:
    """What a receiver does: parse the header, check freshness, compare in constant time.

    `event` is the X-Grassroots-Event header as received: it is part of the signed string.
    """
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, event, body)
    return hmac.compare_digest(expected.encode(), f"t={timestamp},v1={parts.get('v1', '')}".encode())


@dataclass(frozen=True)
class Target:
    """Where one delivery goes: the receiver's URL, its signing secret, and who asked for it."""

    url: str
    secret: str = field(repr=False)
    source: str = ""  # e.g. "risk.subscription:<id>", so its owner can cancel what is still queued


def enqueue(event: str, payload: dict, targets: Iterable[Target]) -> int:
    """Queue one delivery per target inside the caller's transaction; sending starts after it commits."""
    now = timezone.now()
    rows = [
        Delivery(url=t.url, secret=t.secret, source=t.source[:60], event=event, payload=payload, next_attempt_at=now)
        for t in targets
    ]
    if rows:
        Delivery.objects.bulk_create(rows)
        from grassroots.notifications.tasks import send_pending_webhooks

        transaction.on_commit(send_pending_webhooks.delay)
    return len(rows)


def cancel(source: str) -> int:
    """Drop what a source still has queued (its subscription was deleted); sent and failed rows stay."""
    return Delivery.objects.filter(source=source, status=PENDING).delete()[0]


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the receiver's HTTP status, if it answered
    error: str = ""  # empty when the receiver took the delivery
    permanent: bool = False  # the URL itself was refused: no retry can succeed


@dataclass(frozen=True)
class Request:
    """What a worker needs to post one delivery, read from the database beforehand."""

    url: str
    body: bytes
    event: str
    delivery_id: int
    secret: str = field(repr=False)

    @classmethod
    def of(cls, item: Delivery) -> Request:
        body = json.dumps({**item.payload, "delivery": item.pk}, ensure_ascii=False).encode()
        return cls(item.url, body, item.event, item.pk, item.secret)


def post(request: Request) -> Outcome:
    """One POST, run in a worker thread: network only, no database. Signed when it leaves, not when queued,
    so a delivery that waited for a worker is still fresh to a receiver checking the timestamp."""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "grassroots-webhook/1",
        "X-Grassroots-Event": request.event,
        "X-Grassroots-Delivery": str(request.delivery_id),
        "X-Grassroots-Signature": sign(request.secret, int(time.time()), request.event, request.body),
    }
    try:
        response = outbound.post(request.url, request.body, headers, max_bytes=RESPONSE_LIMIT)
    except outbound.OutboundRefused as refused:
        return Outcome(refused.status, str(refused)[:300], refused.permanent)
    if 200 <= response.status < 300:
        return Outcome(response.status)
    return Outcome(response.status, f"HTTP {response.status}")


def record_outcome(item: Delivery, outcome: Outcome) -> bool:
    """Record one attempt and schedule the retry; True when the receiver took it."""
    item.attempts += 1
    item.response_status = outcome.status
    if not outcome.error:
        item.status, item.sent_at, item.last_error = SENT, timezone.now(), ""
    else:
        item.last_error = outcome.error
        item.status = FAILED if outcome.permanent or item.attempts >= MAX_ATTEMPTS else PENDING
        item.next_attempt_at = timezone.now() + dt.timedelta(minutes=2 ** (item.attempts - 1))
    fields = ["attempts", "response_status", "status", "sent_at", "last_error", "next_attempt_at"]
    item.save(update_fields=fields)  # the sealed secret is left as it is
    return item.status == SENT


def _result(future: Future) -> Outcome:
    try:
        return future.result()
    except Exception as exc:  # a bug in one post must not leave the rest of the batch unrecorded
        logger.exception("webhook post failed")
        return Outcome(None, f"error: {type(exc).__name__}")


def workers() -> int:
    return max(1, int(getattr(settings, "WEBHOOK_MAX_WORKERS", MAX_WORKERS)))


def batch_seconds(count: int) -> float:
    """How long posting `count` deliveries can take: rounds of the pool, each within the outbound deadline."""
    return math.ceil(count / workers()) * (outbound.deadline() + RESOLVE_SLACK_SECONDS)


def claim(now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Take up to `limit` due deliveries for this sender: lock them (skipping rows another sender holds, on
    PostgreSQL; SQLite's immediate transactions serialise instead), mark them sending with a lease, commit.
    A delivery still "sending" after its lease (its sender died) is due again."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(status__in=[PENDING, SENDING], next_attempt_at__lte=now)
        due = due.select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")
        ids = list(due.values_list("pk", flat=True)[:limit])
        lease = LEASE_MARGIN + dt.timedelta(seconds=batch_seconds(len(ids)))
        Delivery.objects.filter(pk__in=ids).update(status=SENDING, next_attempt_at=now + lease)
    return ids


def send_pending(now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    # The claim commits before any POST, so no database lock is held while waiting on a receiver.
    ids = claim(now, limit)
    # Posted in the claim's order, the longest due first (the claim gave them all the same lease).
    rows = {d.pk: d for d in Delivery.objects.filter(pk__in=ids)}
    items = [rows[pk] for pk in ids if pk in rows]
    if not items:
        return {"sent": 0, "failed": 0}
    results: list[bool] = []
    pool = ThreadPoolExecutor(max_workers=min(workers(), len(items)), thread_name_prefix="webhook")
    pending: dict[Future, Delivery] = {pool.submit(post, Request.of(item)): item for item in items}
    try:
        # Each outcome is recorded as it arrives, so a slow receiver delays nobody else's record either.
        for future in as_completed(list(pending), timeout=batch_seconds(len(items))):
            results.append(record_outcome(pending.pop(future), _result(future)))
    except BatchTimeout:  # a worker stuck beyond every bound (a resolver that never answers): retry later
        for future, item in pending.items():
            outcome = _result(future) if future.done() else Outcome(None, f"{outbound.TIMEOUT}: batch")
            results.append(record_outcome(item, outcome))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return {"sent": sum(results), "failed": len(results) - sum(results)}
