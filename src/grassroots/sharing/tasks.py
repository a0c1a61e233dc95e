from celery import shared_task

from grassroots.sharing.escalation import escalate_overdue as escalate


@shared_task(name="grassroots.sharing.tasks.escalate_overdue")
def escalate_overdue() -> dict[str, int]:
    return escalate()
