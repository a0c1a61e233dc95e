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


@shared_task(name="grassroots.environment.tasks.evaluate_rules", acks_late=True)
def evaluate_rules(rows: list[list]) -> dict:
    """One ingested batch's warning rules on a worker: rows of [datastream, station, property, ISO time, value,
    quality]. Acknowledged after the work (a worker lost mid-batch leaves it to another); a batch evaluated twice
    folds into the same open alerts, so it opens nothing twice, only counts its findings again."""
    from dataclasses import asdict
    from datetime import datetime

    from grassroots.environment import rules
    from grassroots.environment.ingest import Written

    written = [Written(ds, st, prop, datetime.fromisoformat(t), float(v), int(q)) for ds, st, prop, t, v, q in rows]
    return asdict(rules.evaluate_batch(written))
