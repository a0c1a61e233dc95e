from celery import shared_task

from grassroots.cockpit import rollups, warning_rollup


@shared_task(name="grassroots.cockpit.tasks.refresh_rollups")
def refresh_rollups() -> dict:
    return {"cases": rollups.refresh(), "risk": warning_rollup.refresh()}
