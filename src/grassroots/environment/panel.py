"""The environment's part of the cockpit: its domain tile (stats.registry) and the live detail the cockpit shows
under it — the real-time AQI per street, the open alerts and the worst stations, each linked to its list.

The tile counts the open environment alerts of the region's stations, live. A region without stations keeps
the tile risk gives every domain (signals other systems sent to the risk API), so nothing known is hidden.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.urls import reverse

from grassroots.areas.models import Region
from grassroots.environment import current
from grassroots.environment.models import Alert, AlertStatus, Station, StationKind
from grassroots.environment.standards import StandardInputError, aqi
from grassroots.risk import warning_rollup
from grassroots.risk.models import Domain
from grassroots.stats import registry
from grassroots.stats.registry import DomainFigures

DOMAIN = "environment"
WORST = 5


def _link(name: str, region: Region, **params) -> str:
    return reverse(name) + "?" + urlencode({"region": region.pk, **params})


def _open_alerts(region: Region):
    return Alert.objects.filter(region_path__startswith=region.path).exclude(status=AlertStatus.CLOSED)


def figures(region: Region) -> DomainFigures | None:
    if not Station.objects.filter(region_path__startswith=region.path, active=True).exists():
        return warning_rollup.figures(DOMAIN, region)
    alerts = _open_alerts(region)
    top = max(alerts.values_list("level", flat=True), default=0)
    link = _link("environment:alerts", region, status="active")
    return DomainFigures(open=alerts.count(), top_level=min(top, 4), link=link)


def live(region: Region) -> dict | None:
    """The cockpit's environment detail for the region, read at render time; None when it has no stations."""
    chosen = list(Station.objects.filter(region_path__startswith=region.path, active=True).select_related("region"))
    if not chosen:
        return None
    standing = [n for n in current.assess(chosen).values() if n.has_data and not n.stale]
    worst = sorted((n for n in standing if n.rank > 0), key=lambda n: (-n.rank, n.station.code))[:WORST]
    alerts = _open_alerts(region).select_related("station").order_by("-level", "-last_at")
    return {
        "streets": by_child(region, [n for n in standing if n.station.kind == StationKind.AIR]),
        "worst": worst,
        "alerts": list(alerts[:WORST]),
        "alert_count": alerts.count(),
        "alerts_link": _link("environment:alerts", region, status="active"),
        "stations_link": _link("environment:stations", region),
        "at": max((n.at for n in standing), default=None),
    }


def by_child(region: Region, air: list[current.Now]) -> list[dict]:
    """Real-time AQI per child region (per street at the district): each pollutant is the mean over the child's
    stations (HJ 663-2013 §5, a city's concentration is the arithmetic mean of its stations'), then HJ 633."""
    depth = len(region.path.strip("/").split("/"))
    groups: dict[int, list[current.Now]] = defaultdict(list)
    for n in air:
        ids = n.station.region_path.strip("/").split("/")
        groups[int(ids[depth]) if len(ids) > depth else region.pk].append(n)
    names = Region.objects.in_bulk(list(groups))
    rows = []
    for child_id, members in groups.items():
        sums: dict[str, list[float]] = defaultdict(list)
        for n in members:
            for key, value in n.inputs.items():
                sums[key].append(value)
        try:
            result = aqi.calculate(current.aqi_standard(), "hourly", {k: sum(v) / len(v) for k, v in sums.items()})
        except StandardInputError:
            continue
        child = names.get(child_id)
        rows.append({"name": child.name if child else "—", "aqi": result.aqi, "category": result.category,
                     "colour": result.colour.hex, "primary": result.primary, "stations": len(members),
                     "link": _link("environment:stations", child or region, kind=StationKind.AIR)})  # fmt: skip
    return sorted(rows, key=lambda r: -r["aqi"])


def register() -> None:
    """From EnvironmentConfig.ready(): the environment takes over the tile risk registered for its domain."""
    registry.register_panel(DOMAIN, figures, label=Domain.ENVIRONMENT.label, rollup=warning_rollup.STATE, replace=True)
