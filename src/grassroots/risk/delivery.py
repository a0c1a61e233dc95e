"""Who hears of a warning: subscriptions in scope and the rule's roles, in-app, by e-mail and by webhook.

Besides personal subscriptions, a rule may name roles: their members holding scope over the warning's region
are notified in-app and by e-mail, each person once however many ways they qualify. The sending is the
notifications app's: people through `notifications.services.notify` (in-app always, e-mail by each person's
choice for the topic), webhooks through `notifications.webhooks.enqueue` (signed, retried; docs/risk.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.models import Membership
from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, require_in_scope
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core import outbound
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.notifications import webhooks
from grassroots.notifications.services import notify
from grassroots.notifications.topics import register_topic
from grassroots.risk.levels import NAMES_ZH, Level
from grassroots.risk.models import Domain, Subscription, Warning

WARNING = "risk.warning"  # a warning opened or escalated in one's area
PLAN = "risk.plan"  # a contingency plan proposed for a leader's decision


def register_topics() -> None:
    register_topic(WARNING, gettext_lazy("风险预警"))
    register_topic(PLAN, gettext_lazy("预案启动建议"))


def source_of(subscription: Subscription) -> str:
    return f"risk.subscription:{subscription.pk}"


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
        message = _("未知的领域：%(domains)s") % {"domains": ", ".join(unknown)[:200]}
        raise DomainError(ErrorCode.INVALID_INPUT, message)
    if min_level not in (1, 2, 3, 4):
        raise DomainError(ErrorCode.INVALID_INPUT, _("最低级别须为 1–4"))
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
        raise DomainError(ErrorCode.INVALID_INPUT, _("您的账号没有电子邮箱"))
    if not (in_app or email or url):
        raise DomainError(ErrorCode.INVALID_INPUT, _("请至少选择一种通知方式"))
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
    webhooks.cancel(source_of(subscription))  # what it still had queued goes with it
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
    # One in-app notice and one e-mail per person, however many subscriptions and roles reach them: in-app to
    # those whose subscription asks for it or who were named by role, e-mail likewise (notify still honours each
    # person's own e-mail choice for the topic).
    inbox = {s.user for s in subscriptions if s.in_app} | role_users
    mail = {s.user for s in subscriptions if s.email} | role_users
    notify(inbox & mail, message, topic=WARNING, link=link, subject=message[:80])
    notify(inbox - mail, message, topic=WARNING, link=link, email=False)
    notify(mail - inbox, message, topic=WARNING, link=link, subject=message[:80], in_app=False)
    targets = [webhooks.Target(s.webhook_url, s.webhook_secret, source_of(s)) for s in subscriptions if s.webhook_url]
    webhooks.enqueue(event, payload(warning, event), targets)
    subscribers = {s.user for s in subscriptions}
    return Sent(subscriptions=len(subscriptions), by_role=len(role_users - subscribers))
