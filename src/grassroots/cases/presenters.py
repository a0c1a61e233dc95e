"""Case output. The reporter's identity is shown in full only to those handling the case (and to the
reporter); everyone else sees it masked, as with any personal data."""

from __future__ import annotations

from grassroots.cases.access import can_handle
from grassroots.cases.models import Case
from grassroots.cases.workflow import KIND_LABELS
from grassroots.core import masking
from grassroots.core.time import now


def _reporter(viewer, case: Case) -> tuple[str | None, str | None, str | None]:
    if case.anonymous:
        return "匿名", None, None
    name = case.reporter_name or (case.reporter.display_name if case.reporter_id else "")
    phone, door = case.reporter_phone or None, case.reporter_door or None
    if can_handle(viewer, case) or (case.reporter_id and case.reporter_id == getattr(viewer, "pk", None)):
        return name or None, phone, door
    return (
        masking.mask_name(name) if name else None,
        masking.mask_phone(phone) if phone else None,
        masking.mask_text(door) if door else None,
    )


def case_row(viewer, case: Case) -> dict:
    name, phone, door = _reporter(viewer, case)
    return {
        "id": str(case.pk),
        "number": case.number,
        "title": case.title,
        "description": case.description,
        "category": case.category.code,
        "category_name": case.category.name,
        "category_confidence": case.category_confidence,
        "status": case.status,
        "status_label": case.get_status_display(),
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display() if case.outcome else "",
        "channel": case.channel,
        "region_id": case.region_id,
        "grid": case.region.name,
        "lng": case.lng,
        "lat": case.lat,
        "address": case.address,
        "reporter_name": name,
        "reporter_phone": phone,
        "reporter_door": door,
        "reporter_verified": case.reporter_verified,
        "anonymous": case.anonymous,
        "assisted_by": str(case.assisted_by) if case.assisted_by_id else None,
        "owner": case.owner_region.name,
        "owner_department": case.owner_department.name if case.owner_department_id else None,
        "due_at": case.due_at,
        "overdue": case.is_open and case.due_at < now(),
        "supervised": case.supervised,
        "return_count": case.return_count,
        "needs_arbitration": case.needs_arbitration,
        "created_at": case.created_at,
        "closed_at": case.closed_at,
        "photos": [e.file.url for e in case.evidence.all()],
    }


def case_detail(viewer, case: Case) -> dict:
    events = case.events.select_related("actor").all()
    return {
        **case_row(viewer, case),
        "can_handle": can_handle(viewer, case),
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "kind_label": KIND_LABELS.get(e.kind, e.kind),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "actor": str(e.actor) if e.actor_id else None,
                "data": e.data,
            }
            for e in events
        ],
    }
