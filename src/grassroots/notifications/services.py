"""Telling people: `notify` writes the in-app notice and sends e-mail after commit, by each person's choices.

Any app calls it with a registered topic (topics.py). Mail goes out only after the transaction commits, so a
rolled-back change never sends anything, and each recipient gets a message of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.core.time import now
from grassroots.notifications import topics
from grassroots.notifications.models import ChannelChoice, Notification


def notify(
    users: Iterable, message: str, *, topic: str, link: str = "", ref: str = "", subject: str = "",
    email: bool = True, in_app: bool = True,
) -> int:  # fmt: skip
    """An in-app notice for each active user, and e-mail to those whose choice for the topic allows it.

    `email=False` is for a caller that knows the person asked for no mail (a risk subscription without it), and
    `in_app=False` for one who asked for mail only (a risk subscription by e-mail alone). Returns how many
    people were notified.
    """
    topic_ = topics.get(topic)  # an unregistered topic is a programming error, not a user's
    people = {u for u in users if u is not None and u.is_active}
    if in_app:
        Notification.objects.bulk_create(
            [Notification(user=u, topic=topic, ref=ref[:40], message=message[:300], link=link[:200]) for u in people]
        )
    recipients = sorted({u.email for u in email_wanted(people, topic_)}) if email else []
    if recipients:
        subject = subject or (f"[{ref}] {message[:60]}" if ref else message[:60])
        transaction.on_commit(lambda: send_each(subject, message, recipients))
    return len(people)


def email_wanted(users: set, topic: topics.Topic) -> set:
    """Those with an address who want mail on this topic: their own choice, else the topic's default."""
    with_address = {u for u in users if u.email}
    if not with_address:
        return set()
    chosen = dict(ChannelChoice.objects.filter(topic=topic.code, user__in=with_address).values_list("user_id", "email"))
    return {u for u in with_address if chosen.get(u.pk, topic.default_email)}


def send_each(subject: str, message: str, recipients: list[str]) -> None:
    """One message per recipient over one connection: a shared To: list would show each address to everyone."""
    mails = [EmailMessage(subject, message, None, [address]) for address in recipients]
    get_connection(fail_silently=True).send_messages(mails)


def channel_choices(user) -> list[dict]:
    """Every registered topic with the person's e-mail choice (or the default) and whether it is the default."""
    chosen = dict(ChannelChoice.objects.filter(user=user).values_list("topic", "email"))
    return [
        {"topic": t.code, "label": str(t.label), "email": chosen.get(t.code, t.default_email), "in_app": True,
         "default": t.code not in chosen}
        for t in topics.topics()
    ]  # fmt: skip


@transaction.atomic
def set_channel_choices(actor, choices: dict[str, bool]) -> list[dict]:
    """Save the actor's own e-mail choices for the topics given (others are left as they are); audited."""
    known = {t.code for t in topics.topics()}
    unknown = sorted(set(choices) - known)
    if unknown:
        message = _("未知的通知类别：%(codes)s") % {"codes": ", ".join(unknown)[:200]}
        raise DomainError(ErrorCode.INVALID_INPUT, message, details={"unknown": unknown[:20]})
    if not all(isinstance(v, bool) for v in choices.values()):
        raise DomainError(ErrorCode.INVALID_INPUT, _("电子邮件选项须为是或否"))
    for code, wanted in sorted(choices.items()):
        ChannelChoice.objects.update_or_create(user=actor, topic=code, defaults={"email": wanted})
    record(
        actor=actor,
        event=AuditEvent.NOTIFICATION_CHOICES_CHANGED,
        target=actor,
        extra={"email": dict(sorted(choices.items()))},
    )
    return channel_choices(actor)


@transaction.atomic
def mark_read(user, notification_id: int | None = None) -> Notification | None:
    """One of the person's own notices read (NotFound for anyone else's), or all of them when no id is given."""
    mine = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is None:
        mine.update(read_at=now())
        return None
    notice = Notification.objects.filter(user=user, pk=notification_id).first()
    if notice is None:
        raise NotFound()
    if notice.read_at is None:
        notice.read_at = now()
        notice.save(update_fields=["read_at"])
    return notice
