"""底数 (baseline): a daily snapshot per region of the key counts, browsable over time.

Counts are grouped once per grid and summed up the region tree along each grid's materialised path, so a
snapshot of the whole district costs a handful of grouped queries, not one per region.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.areas.models import Region
from grassroots.cases.models import OPEN_STATUSES, Case
from grassroots.registry.models import Person, PersonStatus, Tagging
from grassroots.risk.levels import NAMES_ZH
from grassroots.risk.models import BaselineSnapshot, Status, Warning

FIELDS = ("population", "households", "persons", "tags", "open_cases", "open_warnings")


def _ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _spread(rows, paths: dict[int, str]) -> dict[int, Counter]:
    """(grid id, key, n) rows → {region id: Counter(key → n)} for the grid and all its ancestors."""
    totals: dict[int, Counter] = defaultdict(Counter)
    for grid_id, key, n in rows:
        for region_id in _ancestor_ids(paths.get(grid_id, "")):
            totals[region_id][key] += n
    return totals


@transaction.atomic
def take_baseline(day: dt.date | None = None) -> int:
    """Write (or rewrite) every region's snapshot for `day`. Returns how many were written."""
    day = day or timezone.localdate()
    regions = list(Region.objects.only("id", "path", "population", "households"))
    paths = {r.pk: r.path for r in regions}
    persons = _spread(
        (
            (g, "persons", n)
            for g, n in Person.objects.filter(status=PersonStatus.ACTIVE)
            .order_by()
            .values_list("region_id")
            .annotate(n=Count("id"))
        ),
        paths,
    )
    tags = _spread(
        Tagging.objects.filter(person__status=PersonStatus.ACTIVE)
        .order_by()
        .values_list("person__region_id", "tag__name")
        .annotate(n=Count("id")),
        paths,
    )
    cases = _spread(
        Case.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values_list("region_id", "category__name")
        .annotate(n=Count("id")),
        paths,
    )
    warnings = _spread(
        Warning.objects.exclude(status=Status.CLOSED)
        .order_by()
        .values_list("region_id", "level")
        .annotate(n=Count("id")),
        paths,
    )
    now = timezone.now()
    snapshots = [
        BaselineSnapshot(
            region=region,
            taken_on=day,
            taken_at=now,
            data={
                "population": region.population,
                "households": region.households,
                "persons": persons[region.pk]["persons"],
                "tags": dict(tags[region.pk].most_common()),
                "open_cases": dict(cases[region.pk].most_common()),
                "open_warnings": {NAMES_ZH[int(k)]: n for k, n in sorted(warnings[region.pk].items())},
            },
        )
        for region in regions
    ]
    BaselineSnapshot.objects.filter(taken_on=day).delete()
    BaselineSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    return len(snapshots)


def compare(current: dict, previous: dict | None) -> list[dict]:
    """Rows of (label, now, before, change) for the page, flattening tags and case categories.

    Row labels are translated for the reader; the keys inside a group (tag, category and level names) are the
    snapshot's stored data and stay as they were taken.
    """
    rows = []
    labels = {"population": _("人口"), "households": _("户数"), "persons": _("登记实有人口")}
    for key, label in labels.items():
        rows.append(_row(label, current.get(key, 0), (previous or {}).get(key)))
    for group, prefix in (("tags", _("标签")), ("open_cases", _("在办事件")), ("open_warnings", _("未关闭预警"))):
        keys = sorted(set(current.get(group, {})) | set((previous or {}).get(group, {})))
        for key in keys:
            before = (previous or {}).get(group, {}).get(key, 0) if previous else None
            rows.append(_row(f"{prefix} · {key}", current.get(group, {}).get(key, 0), before))
    return rows


def _row(label: str, now_value: int, before: int | None) -> dict:
    return {
        "label": label,
        "now": now_value,
        "before": before,
        "change": None if before is None else now_value - before,
    }
