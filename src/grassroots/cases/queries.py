"""Filters for case lists (workbench and API)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet

from grassroots.accounts.roles import Perm, Role
from grassroots.accounts.scope import grants, grants_with
from grassroots.areas.models import Region
from grassroots.cases import duplicates
from grassroots.cases.access import cases_for
from grassroots.cases.models import OPEN_STATUSES, Case, ResponsibilityRule
from grassroots.core.time import now, within_days


def my_queue(qs: QuerySet[Case], actor) -> QuerySet[Case]:
    """Cases the actor must act on: owned by their department, or by a region they handle."""
    clauses = Q(pk__in=[])
    for grant in grants_with(actor, Perm.HANDLE_CASES):
        if grant.role == Role.DEPARTMENT:
            clauses |= Q(owner_department_id=grant.department_id, region_path__startswith=grant.path)
        else:
            clauses |= Q(owner_department__isnull=True, owner_region__path__startswith=grant.path)
    arbiter_paths = [g.path for g in grants(actor) if g.role in (Role.STREET_LEADER, Role.SYSTEM_ADMIN)]
    for path in arbiter_paths:
        clauses |= Q(needs_arbitration=True, region_path__startswith=path)
    return qs.filter(clauses)


def filter_cases(
    qs: QuerySet[Case],
    *,
    actor,
    status: str = "",
    category: str = "",
    region: Region | None = None,
    overdue: bool = False,
    mine: bool = False,
    received: tuple[dt.date | None, dt.date | None] = (None, None),
    closed: tuple[dt.date | None, dt.date | None] = (None, None),
    outcome: str = "",
    on_time: bool | None = None,
    rated: bool = False,
) -> QuerySet[Case]:
    """The list behind every cockpit number: the date filters are local days, inclusive, as the rollups count."""
    qs = within_days(within_days(qs, "created_at", *received), "closed_at", *closed)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if on_time is not None:
        qs = qs.filter(closed_at__lte=F("due_at")) if on_time else qs.filter(closed_at__gt=F("due_at"))
    if rated:
        qs = qs.filter(ratings__isnull=False).distinct()
    if mine:
        qs = my_queue(qs, actor)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
    if region is not None:
        qs = qs.filter(region_path__startswith=region.path)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now())
    return qs.order_by("-created_at")


def workbench_cases(actor, data: dict, *, region: Region | None) -> QuerySet[Case]:
    """The workbench's list for a valid WorkbenchFilter; `region` is the one it names, fetched in scope."""
    return filter_cases(
        cases_for(actor),
        actor=actor,
        status=data["status"],
        category=data["category"],
        region=region,
        overdue=bool(data["overdue"]),
        mine=bool(data["mine"]),
        received=(data["received_from"], data["received_to"]),
        closed=(data["closed_from"], data["closed_to"]),
        outcome=data["outcome"],
        on_time=data["on_time"],
        rated=bool(data["rated"]),
    ).prefetch_related("evidence")


def paths_above(case: Case) -> list[str]:
    """The case's region and every region above it, as paths: whose departments may take it over."""
    parts = case.region_path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def merge_candidates(actor, case: Case) -> list:
    """Likely duplicates of an open case, from the viewer's own scope only."""
    if not case.is_open:
        return []
    text = f"{case.title}。{case.description}"
    return duplicates.find_duplicates(case.category, case.lng, case.lat, text, exclude=case.pk, among=cases_for(actor))


def routing_rules() -> QuerySet[ResponsibilityRule]:
    return ResponsibilityRule.objects.select_related("category", "department", "within").order_by("category__code")
