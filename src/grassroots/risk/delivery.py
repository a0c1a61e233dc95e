"""Subscriptions and delivery of warnings: in-app, e-mail, and webhooks signed with HMAC-SHA256.

Besides personal subscriptions, a rule may name roles: their members holding scope over the warning's region
are notified in-app and by e-mail, each person once however many ways they qualify.

Webhook signature (documented in docs/risk.md): header ``X-Grassroots-Signature: t=<unix>,v1=<hex>`` where
hex = HMAC-SHA256(secret, f"{t}.{event}.{body}") and event is the ``X-Grassroots-Event`` header. Binding the
timestamp stops replays, binding the event stops a body being replayed under another event; receivers reject
a ``t`` more than five minutes away. A sender claims a delivery before posting it (row lock, then a
"sending" status with a lease), so the on-commit task and the beat task never post the same one together. A
failed delivery is retried with exponential backoff (1, 2, 4, 8 minutes) and given up after five attempts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import math
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as BatchTimeout
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import Membership
from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, require_in_scope
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases.notify import notify_users, send_each
from grassroots.core import outbound
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.risk.levels import NAMES_ZH, Level
from grassroots.risk.models import Delivery, Domain, Subscription, Warning

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


@transaction.atomic
def subscribe(
    actor,
    *,
    region: Region,
    domains: list[str],
    min_level: int = Level.BLUE,
    in_app: bool = True,
    email: bool = False,
    webhook_url: str = "",
) -> tuple[Subscription, str]:
    """Returns the subscription and, for a webhook, its signing secret (shown once)."""
    require_in_scope(actor, Perm.VIEW_RISK, region.path)
    unknown = [d for d in domains if d not in Domain.values]
    if unknown:
        raise DomainError(ErrorCode.INVALID_INPUT, f"未知的领域 / unknown domains: {', '.join(unknown)}")
    if min_level not in (1, 2, 3, 4):
        raise DomainError(ErrorCode.INVALID_INPUT, "最低级别须为 1–4 / min level 1–4")
    url = webhook_url.strip()
    if len(url) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, _("Webhook 地址不得超过 200 个字符"))
    if url:
        try:
            outbound.validate(url)  # checked again at each delivery: DNS may change
        except outbound.OutboundRefused as refused:
            message = _("Webhook 地址不可用：%(reason)s") % {"reason": refused.message}
            raise DomainError(ErrorCode.INVALID_INPUT, message, details={"reason": refused.code}) from None
    if email and not actor.email:
        raise DomainError(ErrorCode.INVALID_INPUT, "您的账号没有电子邮箱 / your account has no e-mail address")
    if not (in_app or email or url):
        raise DomainError(ErrorCode.INVALID_INPUT, "请至少选择一种通知方式 / choose at least one channel")
    secret = secrets.token_hex(32) if url else ""
    subscription = Subscription.objects.create(
        user=actor, region=region, domains=sorted(set(domains)), min_level=min_level, in_app=in_app, email=email,
        webhook_url=url, webhook_secret=secret,
    )  # fmt: skip
    record(actor=actor, event=AuditEvent.RISK_SUBSCRIBED, target=subscription, extra={"webhook": bool(url)})
    return subscription, secret


@transaction.atomic
def unsubscribe(actor, subscription_id: int) -> None:
    subscription = Subscription.objects.filter(pk=subscription_id, user=actor).first()
    if subscription is None:
        raise NotFound()
    subscription.delete()


def matching(warning: Warning) -> list[Subscription]:
    ancestors = [warning.region_path[: i + 1] for i, ch in enumerate(warning.region_path) if ch == "/"]
    qs = Subscription.objects.filter(is_active=True, min_level__lte=warning.level, region__path__in=ancestors)
    qs = qs.select_related("user", "region")
    # Subscriptions are few per region chain, so the domain filter runs here (JSON containment is not portable
    # to SQLite). The user's scope is checked again: a membership may have been revoked since subscribing.
    return [
        s
        for s in qs
        if (not s.domains or warning.domain in s.domains)
        and s.user.is_active
        and covers(s.user, Perm.VIEW_RISK, warning.region_path)
    ]


def payload(warning: Warning, event: str) -> dict:
    return {
        "event": event,
        "warning": {
            "id": str(warning.pk),
            "domain": warning.domain,
            "kind": warning.kind,
            "region_code": warning.region.code,
            "region_name": warning.region.name,
            "level": warning.level,
            "level_name": NAMES_ZH[warning.level],
            "count": warning.count,
            "summary": warning.summary,
            "first_at": warning.first_at.isoformat(),
            "last_at": warning.last_at.isoformat(),
        },
    }


def by_roles(warning: Warning, roles) -> set:
    """Active members of these roles whose membership covers the warning's region (and who may see it)."""
    if not roles:
        return set()
    rows = Membership.objects.filter(role__in=list(roles)).select_related("user", "region")
    return {
        m.user
        for m in rows
        if warning.region_path.startswith(m.region.path)
        and m.user.is_active
        and covers(m.user, Perm.VIEW_RISK, warning.region_path)
    }


@dataclass(frozen=True)
class Sent:
    subscriptions: int  # subscriptions that matched
    by_role: int  # people reached through the rule's roles who had no matching subscription


def deliver(warning: Warning, event: str, *, roles=()) -> Sent:
    subscriptions = matching(warning)
    role_users = by_roles(warning, roles)
    link = f"/risk/warnings/{warning.pk}/"
    message = f"【{NAMES_ZH[warning.level]}预警】{warning.summary}"
    # One in-app notice and one e-mail per person, however many subscriptions and roles reach them.
    in_app = {s.user for s in subscriptions if s.in_app} | role_users
    notify_users(in_app, message, link, email=False)
    mail_to = sorted(
        {s.user.email for s in subscriptions if s.email and s.user.email} | {u.email for u in role_users if u.email}
    )
    if mail_to:
        transaction.on_commit(lambda: send_each(message[:80], message, mail_to))
    body = payload(warning, event)
    hooks = [
        Delivery(subscription=s, warning=warning, event=event, payload=body, next_attempt_at=timezone.now())
        for s in subscriptions
        if s.webhook_url
    ]
    if hooks:
        Delivery.objects.bulk_create(hooks)
        from grassroots.risk.tasks import send_pending_webhooks

        transaction.on_commit(send_pending_webhooks.delay)
    subscribers = {s.user for s in subscriptions}
    return Sent(subscriptions=len(subscriptions), by_role=len(role_users - subscribers))


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
        return cls(item.subscription.webhook_url, body, item.event, item.pk, item.subscription.webhook_secret)


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
    item.save()
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
    rows = {d.pk: d for d in Delivery.objects.filter(pk__in=ids).select_related("subscription")}
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
