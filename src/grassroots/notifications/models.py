"""The inbox (Notification), each person's e-mail choice per topic (ChannelChoice), the webhook outbox (Delivery).

Nothing here names another app's model: a notice carries a topic code, a short reference (a case number) and
the path where to act, so any app can notify without notifications knowing about it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.fields import EncryptedTextField
from grassroots.core.ids import new_id


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=40, blank=True)  # a registered topic code (topics.py)
    ref = models.CharField(max_length=40, blank=True)  # what it is about, for people: a case number
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)  # the site path where to act
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:40]


class ChannelChoice(models.Model):
    """A person's e-mail choice for one topic; no row means the topic's default. In-app is always kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_choices")
    topic = models.CharField(max_length=40)
    email = models.BooleanField(_("电子邮件"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="uniq_channel_choice")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic} {'email' if self.email else '-'}"


class Delivery(models.Model):
    """One signed webhook POST, retried with backoff until sent or given up (webhooks.py)."""

    # Assigned before saving: the row id is part of the secret's associated data (core/fields.py).
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    source = models.CharField(max_length=60, blank=True)  # who queued it, e.g. "risk.subscription:<id>"
    url = models.URLField(max_length=200)
    secret = EncryptedTextField()
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    # pending, sending (claimed by one sender until next_attempt_at, the lease), sent, failed (gave up)
    status = models.CharField(max_length=10, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["source"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.source or self.pk} {self.status}"
