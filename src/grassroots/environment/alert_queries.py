"""Reads for the alert, task and firm pages and the API: always through the scoped sets of alerts.py."""

from __future__ import annotations

import json

from django.db.models import QuerySet

from grassroots.environment.alerts import alerts_for, tasks_for
from grassroots.environment.disposal import firm_alerts
from grassroots.environment.models import (
    ACTIVE_ALERT_STATUSES,
    MaintenanceTask,
    OperatorContact,
    Rule,
    TaskStatus,
)

ACTIVE = ACTIVE_ALERT_STATUSES


def filter_alerts(actor, data: dict) -> QuerySet:
    qs = alerts_for(actor)
    status = data.get("status")
    if status == "active":
        qs = qs.filter(status__in=ACTIVE)
    elif status:
        qs = qs.filter(status=status)
    if data.get("level"):
        qs = qs.filter(level__gte=data["level"])
    if data.get("kind"):
        qs = qs.filter(rule__kind=data["kind"])
    if data.get("station"):
        qs = qs.filter(station__code=data["station"].strip())
    if data.get("region"):  # 404 for a region outside the reader's area, as the station list
        from grassroots.environment.station_queries import home_region

        qs = qs.filter(region_path__startswith=home_region(actor, data["region"]).path)
    return qs.order_by("-last_at", "-pk")


def filter_tasks(actor, data: dict) -> QuerySet:
    qs = tasks_for(actor)
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    return qs.order_by("status", "-opened_at", "-pk")


def firm_view(user) -> dict:
    """What the firm's page shows: its firms, their stations' alerts (open first) and open maintenance tasks."""
    firms = [c.legal_person for c in OperatorContact.objects.filter(user=user).select_related("legal_person")]
    alerts = firm_alerts(user).prefetch_related("rectifications").order_by("status", "-last_at")[:200]
    tasks = MaintenanceTask.objects.filter(station__operator__in=firms, status=TaskStatus.OPEN).select_related(
        "station", "datastream__property"
    )
    return {"firms": firms, "alerts": alerts, "tasks": tasks[:200]}


def rule_rows() -> list[Rule]:
    rows = list(Rule.objects.select_related("property", "updated_by"))
    for rule in rows:
        rule.params_json = json.dumps(rule.params, ensure_ascii=False)
    return rows
