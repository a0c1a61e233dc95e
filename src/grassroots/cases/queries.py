"""Filters for case lists (workbench and API)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grassroots.accounts.roles import Perm, Role
from grassroots.accounts.scope import grants, grants_with
from grassroots.areas.models import Region
from grassroots.cases.models import OPEN_STATUSES, Case
from grassroots.core.time import now


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
) -> QuerySet[Case]:
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
