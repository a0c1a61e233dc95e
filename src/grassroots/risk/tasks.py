"""Celery tasks of the risk app; their beat entries are the risk-* rows of settings.CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from grassroots.notifications import webhooks
from grassroots.risk import baseline, scoring


@shared_task(name="grassroots.risk.tasks.send_pending_webhooks")
def send_pending_webhooks() -> dict[str, int]:
    """The webhook outbox moved to notifications (its beat entry now names that task): kept for messages
    already queued under this name by an older release."""
    return webhooks.send_pending()


@shared_task(name="grassroots.risk.tasks.decay_scores")
def decay_scores() -> dict[str, int]:
    return scoring.decay_all()


@shared_task(name="grassroots.risk.tasks.take_baseline")
def take_baseline() -> int:
    return baseline.take_baseline()


@shared_task(name="grassroots.risk.tasks.detect_trends")
def detect_trends() -> dict[str, int]:
    from grassroots.risk import trends

    return trends.detect()


@shared_task(name="grassroots.risk.tasks.refresh_drivers")
def refresh_drivers() -> dict[str, int]:
    from grassroots.risk import paths

    return paths.refresh()


@shared_task(name="grassroots.risk.tasks.refresh_forecasts")
def refresh_forecasts() -> dict:
    from grassroots.risk import forecasting

    return forecasting.refresh()
