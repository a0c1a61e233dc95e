"""Celery tasks of the environment app; beat entries environment-* in settings.CELERY_BEAT_SCHEDULE."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from grassroots.environment import storage


@shared_task(name="grassroots.environment.tasks.maintain_storage")
def maintain_storage() -> dict:
    """Daily: this and next month's partitions exist before their readings arrive; retention is applied."""
    this = storage.month_of(timezone.now())
    created = storage.ensure_partitions([this, storage.next_month(this)])
    return {"created": created, **storage.apply_retention()}


@shared_task(name="grassroots.environment.tasks.detect_gaps")
def detect_gaps() -> dict[str, int]:
    """Streams silent for longer than their gap rule allows get a maintenance task (health.detect_gaps)."""
    from grassroots.environment import health

    return health.detect_gaps()
