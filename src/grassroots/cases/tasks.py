"""Celery tasks (beat schedule in settings.CELERY_BEAT_SCHEDULE). Eager in-process unless a broker is set."""

from celery import shared_task

from grassroots.cases import residents, sla


@shared_task(name="grassroots.cases.tasks.check_sla")
def check_sla() -> dict:
    return {"warned": sla.warn_due(), "escalated": sla.escalate_breached()}


@shared_task(name="grassroots.cases.tasks.check_ownerless")
def check_ownerless() -> int:
    return sla.escalate_ownerless()


@shared_task(name="grassroots.cases.tasks.auto_confirm")
def auto_confirm() -> int:
    return residents.auto_confirm()
