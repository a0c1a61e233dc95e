"""Reads of a person's inbox: only their own notices, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from grassroots.notifications.models import Notification

INBOX_SIZE = 100


def inbox(user, *, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread else qs
