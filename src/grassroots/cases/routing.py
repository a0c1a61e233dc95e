"""Route a case by the responsibility list (责任清单) and compute its SLA deadline in working hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grassroots.areas.models import Level, Region
from grassroots.cases.models import Category, ResponsibilityRule
from grassroots.core.workcalendar import calendar

DEFAULT_SLA_HOURS, DEFAULT_WARN_HOURS = 35, 7


@dataclass(frozen=True)
class Route:
    owner_region: Region
    department_id: int | None
    sla_hours: int
    warn_hours: int


def _lineage(region: Region) -> dict[int, Region]:
    return {r.level: r for r in Region.objects.filter(pk__in=region.ancestor_ids())}


def find_rule(category: Category, grid: Region) -> ResponsibilityRule | None:
    """Deepest category first; within it, a rule limited to the deepest enclosing region first."""
    chain = []
    node: Category | None = category
    while node is not None:
        chain.append(node)
        node = node.parent
    for cat in chain:
        rules = list(ResponsibilityRule.objects.filter(category=cat).select_related("within"))
        applicable = [r for r in rules if r.within is None or grid.path.startswith(r.within.path)]
        if applicable:
            return max(applicable, key=lambda r: len(r.within.path) if r.within else 0)
    return None


def route(category: Category, grid: Region, *, min_level: int | None = None) -> Route:
    """Owner and SLA for a case in `grid`. `min_level` forces the owner at least that high (escalation)."""
    rule = find_rule(category, grid)
    lineage = _lineage(grid)
    level = rule.level if rule else Level.COMMUNITY
    if min_level is not None:
        level = min(level, min_level)
    owner = lineage.get(level) or lineage[min(lineage)]
    department = rule.department_id if rule and (min_level is None or level == rule.level) else None
    return Route(
        owner,
        department,
        rule.sla_hours if rule else DEFAULT_SLA_HOURS,
        rule.warn_hours if rule else DEFAULT_WARN_HOURS,
    )


def deadlines(start: dt.datetime, sla_hours: int, warn_hours: int) -> tuple[dt.datetime, dt.datetime]:
    cal = calendar()
    due = cal.add_working_time(start, dt.timedelta(hours=sla_hours))
    warn = cal.add_working_time(start, dt.timedelta(hours=max(sla_hours - warn_hours, 0)))
    return due, warn
