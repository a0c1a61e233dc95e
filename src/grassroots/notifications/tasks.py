"""Celery tasks of the notifications app: the webhook outbox (beat entry risk-webhooks, every minute)."""

from celery import shared_task

from grassroots.notifications import webhooks


@shared_task(name="grassroots.notifications.tasks.send_pending_webhooks")
def send_pending_webhooks() -> dict[str, int]:
    return webhooks.send_pending()
