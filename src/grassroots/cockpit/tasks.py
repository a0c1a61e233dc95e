from celery import shared_task

from grassroots.cockpit import rollups


@shared_task(name="grassroots.cockpit.tasks.refresh_rollups")
def refresh_rollups() -> dict[str, int]:
    return rollups.refresh()
