"""Celery tasks of the stats app; the beat entry is "stats-rollups" in settings.CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from grassroots.stats import services


@shared_task(name="grassroots.stats.tasks.refresh_rollups")
def refresh_rollups() -> dict:
    """Every registered rollup: the case rollup (stats) and the ones the domain apps add (risk's "risk")."""
    return services.refresh_all()
