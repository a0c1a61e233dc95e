"""Alerts, rules and maintenance tasks under /api/v1/environment/: scoped lists, acknowledge and close, and the
firm's rectification report (joint disposal)."""

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.core.pagination import BoundedLimitOffset, LazyRows
from grassroots.core.schemas import errors
from grassroots.environment import alert_queries, alerts, disposal
from grassroots.environment.alert_schemas import (
    EnvAlertCloseIn,
    EnvAlertDetailOut,
    EnvAlertFilter,
    EnvAlertNoteIn,
    EnvAlertOut,
    EnvRectificationIn,
    EnvRectificationOut,
    EnvRuleOut,
    EnvTaskCloseIn,
    EnvTaskFilter,
    EnvTaskOut,
)
from grassroots.environment.models import Alert, MaintenanceTask, Rectification, Rule

router = Router(tags=["environment"])


def alert_out(a: Alert) -> dict:
    return {
        "id": a.pk, "rule_id": a.rule_id, "rule_name": a.rule.name, "kind": a.rule.kind, "station_code": a.station.code,
        "station_name": a.station.name, "property": a.datastream.property.code if a.datastream_id else None,
        "level": a.level, "status": a.status, "summary": a.summary, "first_at": a.first_at, "last_at": a.last_at,
        "count": a.count, "peak_value": a.peak_value, "signal_id": str(a.signal_id) if a.signal_id else None,
        "warning_id": str(a.warning_id) if a.warning_id else None, "case_number": a.case_number,
        "closed_note": a.closed_note,
    }  # fmt: skip


def rect_out(r: Rectification) -> dict:
    return {
        "id": r.pk,
        "text": r.text,
        "created_at": r.created_at,
        "accepted": r.accepted,
        "review_note": r.review_note,
    }


def detail_out(a: Alert) -> dict:
    return alert_out(a) | {"rectifications": [rect_out(r) for r in a.rectifications.all()]}


def task_out(t: MaintenanceTask) -> dict:
    return {
        "id": t.pk, "station_code": t.station.code, "property": t.datastream.property.code if t.datastream_id else None,
        "problem": t.problem, "detail": t.detail, "status": t.status, "opened_at": t.opened_at,
        "closed_at": t.closed_at, "note": t.note,
    }  # fmt: skip


@router.get("/alerts", response=list[EnvAlertOut])
@paginate(BoundedLimitOffset)
def list_alerts(request: HttpRequest, filters: Query[EnvAlertFilter]):
    require_perm(request.auth, Perm.VIEW_ENVIRONMENT)
    qs = alert_queries.filter_alerts(request.auth, filters.dict())
    return LazyRows(qs, lambda page: [alert_out(a) for a in page])


@router.get("/alerts/{alert_id}", response=EnvAlertDetailOut)
def get_alert(request: HttpRequest, alert_id: int):
    return detail_out(alerts.get_alert_for(request.auth, alert_id))


@router.post("/alerts/{alert_id}/acknowledge", response=EnvAlertDetailOut)
def acknowledge(request: HttpRequest, alert_id: int, payload: EnvAlertNoteIn):
    alert = alerts.get_alert_for(request.auth, alert_id)
    return detail_out(disposal.acknowledge_alert(request.auth, alert, note=payload.note))


@router.post("/alerts/{alert_id}/close", response=EnvAlertDetailOut)
def close(request: HttpRequest, alert_id: int, payload: EnvAlertCloseIn):
    alert = alerts.get_alert_for(request.auth, alert_id)
    return detail_out(disposal.close_alert(request.auth, alert, note=payload.note))


@router.post("/alerts/{alert_id}/rectifications", response={201: EnvRectificationOut, **errors(403, 404, 409)})
def rectify(request: HttpRequest, alert_id: int, payload: EnvRectificationIn):
    """The operating firm's report (its contact's token): staff review it on the alert's page."""
    alert = disposal.get_firm_alert(request.auth, alert_id)
    return Status(201, rect_out(disposal.submit_rectification(request.auth, alert, text=payload.text)))


@router.get("/rules", response=list[EnvRuleOut])
def list_rules(request: HttpRequest):
    require_perm(request.auth, Perm.MANAGE_ENVIRONMENT)
    rows = Rule.objects.select_related("property")
    return [
        {"id": r.pk, "name": r.name, "kind": r.kind, "station_kind": r.station_kind,
         "property": r.property.code if r.property_id else None, "params": r.params, "level": r.level,
         "open_case": r.open_case, "case_category": r.case_category, "active": r.active}
        for r in rows
    ]  # fmt: skip


@router.get("/tasks", response=list[EnvTaskOut])
@paginate(BoundedLimitOffset)
def list_tasks(request: HttpRequest, filters: Query[EnvTaskFilter]):
    require_perm(request.auth, Perm.VIEW_ENVIRONMENT)
    qs = alert_queries.filter_tasks(request.auth, filters.dict())
    return LazyRows(qs, lambda page: [task_out(t) for t in page])


@router.post("/tasks/{task_id}/close", response=EnvTaskOut)
def close_task(request: HttpRequest, task_id: int, payload: EnvTaskCloseIn):
    task = alerts.get_task_for(request.auth, task_id)
    return task_out(disposal.close_task(request.auth, task, note=payload.note))
