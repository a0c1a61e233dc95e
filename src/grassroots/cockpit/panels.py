"""What each cockpit panel shows, with the time of its data and whether that data is stale.

Outcomes only (国务院办公厅《关于解决形式主义突出问题为基层减负的通知》 and the 2024 rules against
app-based formalism): resolutions confirmed by residents, on-time closure, satisfaction, warnings handled.
Nothing here counts logins, check-ins, photos or likes, and a test keeps it that way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.areas.models import Level, Region
from grassroots.environment import panel as environment_panel
from grassroots.risk import warning_rollup
from grassroots.risk.levels import COLOURS
from grassroots.risk.levels import Level as WarningLevel
from grassroots.risk.models import Domain, ForecastPoint, Warning
from grassroots.stats import queries, registry, rollups

WINDOW_DAYS = rollups.WINDOW_DAYS


@dataclass(frozen=True)
class Freshness:
    at: dt.datetime | None
    max_age: dt.timedelta

    @property
    def stale(self) -> bool:
        return self.at is None or timezone.now() - self.at > self.max_age

    @property
    def max_age_seconds(self) -> int:
        return int(self.max_age.total_seconds())

    @staticmethod
    def oldest(*parts: Freshness) -> Freshness:
        """A panel built from several rollups is as old as its oldest part, and stale if any part is."""
        if any(p.at is None for p in parts):
            return Freshness(None, parts[0].max_age)
        at = min(p.at for p in parts)
        deadline = min(p.at + p.max_age for p in parts)
        return Freshness(at, deadline - at)


def rollup_freshness(name: str = rollups.STATE) -> Freshness:
    state = queries.state(name)
    return Freshness(state.refreshed_at if state else None, dt.timedelta(seconds=settings.COCKPIT_ROLLUP_MAX_AGE))


def risk_freshness() -> Freshness:
    return rollup_freshness(warning_rollup.STATE)


def live() -> Freshness:
    """Read straight from an indexed list at render time; the page flags it if polling stops."""
    return Freshness(timezone.now(), dt.timedelta(minutes=1))


def cases_link(region: Region, **params) -> str:
    return reverse("cases:workbench") + "?" + urlencode({"mine": "0", "status": "", "region": region.pk, **params})


def warnings_link(region: Region, **params) -> str:
    return reverse("risk:warnings") + "?" + urlencode({"region": region.pk, **params})


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def kpis(region: Region) -> dict:
    today = timezone.localdate()
    start = today - dt.timedelta(days=WINDOW_DAYS - 1)
    now_counts = queries.totals(region.pk, today, today)
    window = queries.totals(region.pk, start, today)
    span = {"received_from": start.isoformat(), "received_to": today.isoformat()}
    closed_span = {"closed_from": start.isoformat(), "closed_to": today.isoformat(), "status": "closed"}
    cases_fresh, risk_fresh = rollup_freshness(), risk_freshness()
    risk = queries.domain_stats(region.pk).values()
    handled = {"all": sum(r.recent for r in risk), "closed": sum(r.recent_closed for r in risk)}
    tiles = [
        {
            "key": "intake_today",
            "value": now_counts["received"],
            "unit": _("件"),
            "link": cases_link(region, received_from=today.isoformat(), received_to=today.isoformat()),
        },
        {
            "key": "closure_rate",
            "value": _rate(window["received_closed"], window["received"]),
            "unit": "%",
            "detail": f"{window['received_closed']}/{window['received']}",
            "link": cases_link(region, **span),
        },
        {
            "key": "on_time_rate",
            "value": _rate(window["closed_on_time"], window["closed"]),
            "unit": "%",
            "detail": f"{window['closed_on_time']}/{window['closed']}",
            "link": cases_link(region, **closed_span),
        },
        {
            "key": "satisfaction",
            "value": _rate(window["satisfied"], window["rated"]),
            "unit": "%",
            "detail": f"{window['satisfied']}/{window['rated']}",
            "link": cases_link(region, rated="1", **closed_span),
        },
        {
            "key": "confirmed",
            "value": window["confirmed"],
            "unit": _("件"),
            "link": cases_link(region, outcome="resolved", **closed_span),
        },
        {
            "key": "warnings_handled",
            "value": _rate(handled["closed"], handled["all"]),
            "unit": "%",
            "detail": f"{handled['closed']}/{handled['all']}",
            "link": warnings_link(region, first_from=start.isoformat()),
            "stale": risk_fresh.stale,
        },
    ]
    for tile in tiles:
        tile.setdefault("stale", cases_fresh.stale)
    return {"freshness": Freshness.oldest(cases_fresh, risk_fresh), "tiles": tiles}


def children(region: Region) -> list[Region]:
    if region.level == Level.GRID:
        return [region]
    return list(Region.objects.filter(parent=region).order_by("code"))


def map_data(region: Region) -> dict:
    """Per child region: cases per 1,000 residents in the window, and the highest current warning level."""
    today = timezone.localdate()
    first = today - dt.timedelta(days=WINDOW_DAYS - 1)
    since = first.isoformat()
    kids = children(region)
    if region.level == Level.GRID:  # the last level shows itself
        stats = {region.pk: queries.totals(region.pk, first, today)}
        levels = {region.pk: max((r.top_level for r in queries.domain_stats(region.pk).values()), default=0)}
    else:
        stats, levels = queries.children_totals(region.pk, first, today), queries.children_levels(region.pk)
    features, rows = [], []
    for kid in kids:
        received = (stats.get(kid.pk) or {}).get("received", 0) or 0
        level = levels.get(kid.pk, 0)
        density = round(1000 * received / kid.population, 2) if kid.population else None
        rows.append({"id": kid.pk, "name": kid.name, "received": received, "density": density, "level": level,
                     "colour": COLOURS[level], "drill": kid.pk != region.pk,
                     "cases": cases_link(kid, received_from=since, received_to=today.isoformat()),
                     "warnings": warnings_link(kid, status="active")})  # fmt: skip
        if kid.geometry:
            features.append(
                {"type": "Feature", "properties": {"name": kid.name, "id": kid.pk}, "geometry": kid.geometry}
            )
    payload = {"geojson": {"type": "FeatureCollection", "features": features}, "rows": rows}
    return {"freshness": Freshness.oldest(rollup_freshness(), risk_freshness()), "rows": rows, "payload": payload}


def trend(region: Region) -> dict:
    last_week = queries.last_complete_week()
    weeks, series = queries.weekly_series(region.pk, 52, last_week)
    points = list(ForecastPoint.objects.filter(region=region, category=None).order_by("week"))
    computed = points[0].computed_at if points else None
    forecast = [
        {"week": p.week.isoformat(), "mean": round(p.mean, 1), "low": round(p.low), "high": round(p.high)}
        for p in points
    ]
    chart = {"weeks": [w.isoformat() for w in weeks], "received": [int(v) for v in series], "forecast": forecast}
    return {
        "freshness": rollup_freshness(),
        "forecast_freshness": Freshness(computed, dt.timedelta(hours=26)),
        "forecast": forecast,
        "chart": chart,
    }


def ticker(region: Region, limit: int = 10) -> dict:
    rows = list(Warning.objects.filter(region_path__startswith=region.path).select_related("region")[:limit])
    for warning in rows:
        warning.level_colour = COLOURS[warning.level]
    return {"freshness": live(), "rows": rows}


def categories(region: Region) -> dict:
    first, ranked = queries.top_categories(region.pk, weeks=4)
    rows = [
        {
            "name": category.name,
            "count": n,
            "link": cases_link(region, category=category.code, received_from=first.isoformat()),
        }
        for category, n in ranked
    ]
    return {"freshness": rollup_freshness(), "rows": rows}


# The cockpit's own layout: these tiles always show, in this order, with "no data yet" where no app has
# registered figures for the domain (stats.registry) or its figures say it has none. Domains registered
# beyond these follow them.
DOMAIN_TILES = (Domain.OPINION, Domain.ENVIRONMENT, Domain.EMERGENCY, Domain.FINANCE, Domain.CASES)


def domains(region: Region) -> dict:
    """One tile per domain, from what each domain registered (risk registers every risk domain)."""
    keys = [d.value for d in DOMAIN_TILES]
    keys += [p.domain for p in registry.panels() if p.domain not in keys]
    tiles, sources = [], set()
    for key in keys:
        provider = registry.panel(key)
        figures = provider.figures(region) if provider else None
        if provider and provider.rollup:
            sources.add(provider.rollup)
        top = figures.top_level if figures else 0
        label = provider.label if provider else Domain(key).label
        tiles.append({
            "domain": key, "label": label, "has_data": figures is not None, "link": figures.link if figures else "",
            "open": figures.open if figures else 0, "top": WarningLevel(top).label, "colour": COLOURS[top],
        })  # fmt: skip
    freshness = Freshness.oldest(*(rollup_freshness(name) for name in sorted(sources))) if sources else live()
    # The environment's live detail (AQI per street, open alerts, worst stations) shows under the tiles.
    return {"freshness": freshness, "panels": tiles, "environment": environment_panel.live(region)}
