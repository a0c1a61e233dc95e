"""Case output. Staff whose scope covers a case, and its reporter, see the case; the reporter's identity is shown
in full only to those handling it (and to the reporter), masked for other staff, as with any personal data.

A resident who follows someone else's case (我也遇到, or a merged duplicate) sees its public progress only:
category, status, status changes, the handlers' public replies (progress, resolution, closing, referral) and
the rectification photos. Never the description, address, point, report photos, reporter or internal steps.
"""

from __future__ import annotations

from django.urls import reverse

from grassroots.accounts.roles import Perm
from grassroots.cases.access import can, can_handle
from grassroots.cases.models import Case, Status
from grassroots.cases.workflow import KIND_LABELS
from grassroots.core import masking
from grassroots.core.time import now

# What a follower sees of the timeline: these steps with their note, the other status changes without it.
PUBLIC_NOTES = frozenset({"progress", "resolve", "close_unfixed", "refer"})
# Steps a follower never sees: who else follows, and staff corrections of the category (followers are not told of
# either). Every other step is shown as it is notified to followers: its label and status, without note or actor.
INTERNAL_KINDS = frozenset({"me_too", "reclassify"})
# About 110 m north-south and 85 m east-west at Beijing's latitude: a street corner, not a door.
PUBLIC_DECIMALS = 3


def sees_case(viewer, case: Case) -> bool:
    """The reporter, and staff whose own scope covers the case (not merely as a follower)."""
    if case.reporter_id and case.reporter_id == getattr(viewer, "pk", None):
        return True
    # VIEW_CASES over the case's place, or its owner (which covers a department's officers, who lack VIEW_CASES).
    return can(viewer, Perm.VIEW_CASES, case) or can_handle(viewer, case)


def coarse_point(lng: float | None, lat: float | None) -> tuple[float | None, float | None]:
    if lng is None or lat is None:
        return None, None
    return round(lng, PUBLIC_DECIMALS), round(lat, PUBLIC_DECIMALS)


def public_point(case: Case) -> tuple[float | None, float | None]:
    """The point a public feed may show. A case located by door number sits on a house: use its grid's centre."""
    if case.house_id or case.lng is None or case.lat is None:
        return coarse_point(case.region.center_lng, case.region.center_lat)
    return coarse_point(case.lng, case.lat)


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
    if not sees_case(viewer, case):
        return _follower_row(case)
    name, phone, door = _reporter(viewer, case)
    return {
        **_common(case),
        "view": "full",
        "description": case.description,
        "category_confidence": case.category_confidence,
        "channel": case.channel,
        "lng": case.lng,
        "lat": case.lat,
        "address": case.address,
        "reporter_name": name,
        "reporter_phone": phone,
        "reporter_door": door,
        "reporter_verified": case.reporter_verified,
        "anonymous": case.anonymous,
        "public": case.public,
        "assisted_by": str(case.assisted_by) if case.assisted_by_id else None,
        "supervised": case.supervised,
        "return_count": case.return_count,
        "needs_arbitration": case.needs_arbitration,
        "photos": [reverse("cases:evidence", args=[e.pk]) for e in case.evidence.all()],
    }


def _common(case: Case) -> dict:
    return {
        "id": str(case.pk),
        "number": case.number,
        "title": case.title,
        "category": case.category.code,
        "category_name": case.category.name,
        "status": case.status,
        "status_label": case.get_status_display(),
        "outcome": case.outcome,
        "outcome_label": case.get_outcome_display() if case.outcome else "",
        "region_id": case.region_id,
        "grid": case.region.name,
        "owner": case.owner_region.name,
        "owner_department": case.owner_department.name if case.owner_department_id else None,
        "due_at": case.due_at,
        "overdue": case.is_open and case.due_at < now(),
        "created_at": case.created_at,
        "closed_at": case.closed_at,
    }


def _follower_row(case: Case) -> dict:
    return {
        **_common(case),
        "view": "follower",
        "description": "",
        "category_confidence": None,
        "channel": "",
        "lng": None,
        "lat": None,
        "address": "",
        "reporter_name": None,
        "reporter_phone": None,
        "reporter_door": None,
        "reporter_verified": None,
        "anonymous": None,
        "public": None,
        "assisted_by": None,
        "supervised": None,
        "return_count": None,
        "needs_arbitration": None,
        "photos": [reverse("cases:evidence", args=[e.pk]) for e in case.evidence.all() if e.stage == "rectify"],
    }


def case_detail(viewer, case: Case) -> dict:
    row = case_row(viewer, case)
    full = row["view"] == "full"
    events = case.events.select_related("actor").all()
    return {
        **row,
        "can_handle": can_handle(viewer, case),
        "events": [_event(e) if full else _public_event(e) for e in events if full or e.kind not in INTERNAL_KINDS],
    }


def _event(e) -> dict:
    return {
        "at": e.at,
        "kind": e.kind,
        "kind_label": KIND_LABELS.get(e.kind, e.kind),
        "from_status": e.from_status,
        "to_status": e.to_status,
        "to_status_label": _status_label(e.to_status),  # pages show the label (已派单), never the code (dispatched)
        "note": e.note,
        "actor": str(e.actor) if e.actor_id else None,
        "data": e.data,
    }


def _status_label(code: str) -> str:
    return Status(code).label if code in Status.values else code


def _public_event(e) -> dict:
    """No actor (staff and residents are not named to strangers), no data; the note only of public replies."""
    return {**_event(e), "note": e.note if e.kind in PUBLIC_NOTES else "", "actor": None, "data": {}}
