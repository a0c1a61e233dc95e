"""The cockpit's risk rollup: warnings and current levels per region (every level) and domain.

Cases number in the millions and are rolled up incrementally (rollups.py). Warnings are few by design
(a storm folds into one), so each refresh recomputes this rollup from the open warnings, the window's
warnings and the current scores, then writes only the rows that changed. The risk tables are read here,
never written. The panels read the result by index, and its refresh time is what they show as the time of
their data: if the refresh stops, they say so.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from grassroots.areas.models import Region
from grassroots.cockpit.models import DomainStat, RollupState
from grassroots.cockpit.rollups import WINDOW_DAYS, RegionTree
from grassroots.core.time import day_start
from grassroots.risk.models import Domain, RiskScore, Signal, Status, Warning

STATE = "risk"
FIELDS = ("open", "top_level", "recent", "recent_closed")


def window_start(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=WINDOW_DAYS - 1)


def _computed(today: dt.date | None) -> dict[tuple[int, str], dict[str, int]]:
    tree = RegionTree()
    out: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))

    def up(region_id: int, domain: str):
        return (out[(ancestor, domain)] for ancestor in tree.ancestors.get(region_id, ()))

    active = [domain for domain in Domain.values if Signal.objects.filter(domain=domain).exists()]
    for root in Region.objects.filter(parent=None).values_list("pk", flat=True):
        for domain in active:
            out.setdefault((root, domain), dict.fromkeys(FIELDS, 0))  # the row itself says "this domain has data"
    live = Warning.objects.order_by().exclude(status=Status.CLOSED).values_list("region_id", "domain")
    for region_id, domain in live:
        for row in up(region_id, domain):
            row["open"] += 1
    since = day_start(window_start(today))
    # first_at ≤ last_at, so the indexed last_at bound keeps the read to the window's warnings.
    recent = Warning.objects.order_by().filter(last_at__gte=since, first_at__gte=since)
    for region_id, domain, status in recent.values_list("region_id", "domain", "status"):
        for row in up(region_id, domain):
            row["recent"] += 1
            row["recent_closed"] += status == Status.CLOSED
    for region_id, domain, level in RiskScore.objects.filter(level__gt=0).values_list("region_id", "domain", "level"):
        for row in up(region_id, domain):
            row["top_level"] = max(row["top_level"], level)
    return out


def refresh(today: dt.date | None = None) -> dict[str, int]:
    """Recompute the rollup and write the differences (the cockpit's Celery job runs it every 2 minutes)."""
    started, now = time.perf_counter(), timezone.now()
    with transaction.atomic():
        RollupState.objects.get_or_create(name=STATE)
        state = RollupState.objects.select_for_update().get(name=STATE)
        # Computed under the lock, so an overlapping refresh can never write an older snapshot last.
        fresh = _computed(today)
        parents = dict(Region.objects.values_list("pk", "parent_id"))
        old = {(r.region_id, r.domain): r for r in DomainStat.objects.select_for_update()}
        changed = [
            row for key, row in old.items() if key in fresh and any(getattr(row, f) != fresh[key][f] for f in FIELDS)
        ]
        for row in changed:
            for name in FIELDS:
                setattr(row, name, fresh[(row.region_id, row.domain)][name])
        DomainStat.objects.bulk_update(changed, FIELDS, batch_size=2000)
        gone = [row.pk for key, row in old.items() if key not in fresh]
        DomainStat.objects.filter(pk__in=gone).delete()
        DomainStat.objects.bulk_create(
            [
                DomainStat(region_id=region, parent_id=parents.get(region), domain=domain, **values)
                for (region, domain), values in fresh.items()
                if (region, domain) not in old
            ],
            batch_size=2000,
        )
        state.watermark = state.refreshed_at = timezone.now()
        state.rows, state.seconds = len(fresh), time.perf_counter() - started
        state.save()
    return {"rows": len(fresh), "changed": len(changed) + len(gone), "at": int(now.timestamp())}
