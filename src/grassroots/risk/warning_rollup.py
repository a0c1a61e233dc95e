"""The risk rollup (stats.DomainStat): warnings and current levels per region (every level) and domain.

Cases number in the millions and are rolled up incrementally (stats/rollups.py). Warnings are few by
design (a storm folds into one), so each refresh recomputes this rollup from the open warnings, the window's
warnings and the current scores; stats.services.write_domain_stats writes only the rows that changed. The
risk tables are read here, never written. The cockpit's panels read the result by index, and its refresh
time is what they show as the time of their data: if the refresh stops, they say so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from grassroots.areas.models import Region
from grassroots.core.time import day_start
from grassroots.risk.models import Domain, RiskScore, Signal, Status, Warning
from grassroots.stats import queries, registry
from grassroots.stats.registry import DomainFigures
from grassroots.stats.rollups import WINDOW_DAYS, RegionTree
from grassroots.stats.services import DOMAIN_FIELDS as FIELDS
from grassroots.stats.services import write_domain_stats

STATE = "risk"


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
    """Recompute the rollup and write the differences (stats' periodic job runs it every 2 minutes)."""
    return write_domain_stats(STATE, lambda: _computed(today))


def figures(domain: str, region: Region) -> DomainFigures | None:
    """The cockpit's tile for one risk domain: None (no data yet) until the domain has sent a signal."""
    active, row = queries.domain_stat(region.pk, domain)
    if not active:
        return None
    link = reverse("risk:warnings") + "?" + urlencode({"region": region.pk, "domain": domain, "status": "active"})
    return DomainFigures(open=row.open if row else 0, top_level=row.top_level if row else 0, link=link)


def register() -> None:
    """From RiskConfig.ready(): this rollup joins the periodic refresh, and every risk domain gets its tile."""
    registry.register_rollup(STATE, refresh)
    for domain in Domain:
        registry.register_panel(domain.value, partial(figures, domain.value), label=domain.label, rollup=STATE)
