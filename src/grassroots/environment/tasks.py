"""Celery tasks of the environment app; their beat entries are the environment-* rows of
settings.CELERY_BEAT_SCHEDULE."""

from celery import shared_task


@shared_task(name="grassroots.environment.tasks.detect_gaps")
def detect_gaps() -> dict[str, int]:
    """Streams silent for longer than their gap rule allows get a maintenance task (health.detect_gaps)."""
    from grassroots.environment import health

    return health.detect_gaps()
