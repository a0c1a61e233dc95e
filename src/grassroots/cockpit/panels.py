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
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from grassroots.areas.models import Level, Region
from grassroots.cockpit import queries
from grassroots.risk.levels import COLOURS
from grassroots.risk.levels import Level as WarningLevel
from grassroots.risk.models import Domain, ForecastPoint, RiskScore, Signal, Status, Warning

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Freshness:
    at: dt.datetime | None
    max_age: dt.timedelta

    @property
    def stale(self) -> bool:
        return self.at is None or timezone.now() - self.at > self.max_age


def rollup_freshness() -> Freshness:
    state = queries.state()
    return Freshness(state.refreshed_at if state else None, dt.timedelta(seconds=settings.COCKPIT_ROLLUP_MAX_AGE))


def live() -> Freshness:
    return Freshness(timezone.now(), dt.timedelta(minutes=1))


def cases_link(region: Region, **params) -> str:
    return reverse("cases:workbench") + "?" + urlencode({"mine": "0", "status": "", "region": region.pk, **params})


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def kpis(region: Region) -> dict:
    today = timezone.localdate()
    start = today - dt.timedelta(days=WINDOW_DAYS - 1)
    now_counts = queries.totals(region.pk, today, today)
    window = queries.totals(region.pk, start, today)
    span = {"received_from": start.isoformat(), "received_to": today.isoformat()}
    closed_span = {"closed_from": start.isoformat(), "closed_to": today.isoformat(), "status": "closed"}
    warnings = Warning.objects.filter(region_path__startswith=region.path, first_at__date__gte=start)
    handled = warnings.aggregate(all=Count("id"), closed=Count("id", filter=Q(status=Status.CLOSED)))
    return {
        "freshness": rollup_freshness(),
        "tiles": [
            {
                "key": "intake_today",
                "value": now_counts["received"],
                "unit": "件",
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
                "unit": "件",
                "link": cases_link(region, outcome="resolved", **closed_span),
            },
            {
                "key": "warnings_handled",
                "value": _rate(handled["closed"], handled["all"]),
                "unit": "%",
                "detail": f"{handled['closed']}/{handled['all']}",
                "link": reverse("risk:warnings") + f"?region={region.pk}",
                "live": True,
            },
        ],
    }


def children(region: Region) -> list[Region]:
    if region.level == Level.GRID:
        return [region]
    return list(Region.objects.filter(parent=region).order_by("code"))


def map_data(region: Region) -> dict:
    """Per child region: cases per 1,000 residents in the window, and the highest current warning level."""
    today = timezone.localdate()
    kids = children(region)
    stats = queries.children_totals(region.pk, today - dt.timedelta(days=WINDOW_DAYS - 1), today)
    if region.level == Level.GRID:
        stats = {region.pk: queries.totals(region.pk, today - dt.timedelta(days=WINDOW_DAYS - 1), today)}
    levels = RiskScore.objects.filter(region_path__startswith=region.path, level__gt=0).values_list(
        "region_path", "level"
    )
    features, rows = [], []
    for kid in kids:
        received = (stats.get(kid.pk) or {}).get("received", 0) or 0
        level = max((lv for path, lv in levels if path.startswith(kid.path)), default=0)
        density = round(1000 * received / kid.population, 2) if kid.population else None
        rows.append({"id": kid.pk, "name": kid.name, "received": received, "density": density, "level": level,
                     "colour": COLOURS[level], "drill": kid.pk != region.pk})  # fmt: skip
        if kid.geometry:
            features.append(
                {"type": "Feature", "properties": {"name": kid.name, "id": kid.pk}, "geometry": kid.geometry}
            )
    payload = {"geojson": {"type": "FeatureCollection", "features": features}, "rows": rows}
    since = (today - dt.timedelta(days=WINDOW_DAYS - 1)).isoformat()
    return {"freshness": rollup_freshness(), "rows": rows, "payload": payload, "since": since}


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
    start = timezone.localdate() - dt.timedelta(days=27)
    rows = [
        {
            "name": category.name,
            "count": n,
            "link": cases_link(region, category=category.code, received_from=start.isoformat()),
        }
        for category, n in queries.top_categories(region.pk, weeks=4)
    ]
    return {"freshness": rollup_freshness(), "rows": rows}


RISK_DOMAINS = (Domain.OPINION, Domain.ENVIRONMENT, Domain.EMERGENCY, Domain.FINANCE, Domain.CASES)


def domains(region: Region) -> dict:
    """One panel per risk domain; a domain that has never sent a signal says so instead of showing zeros."""
    active = set(Signal.objects.values_list("domain", flat=True).distinct())
    open_rows = (
        Warning.objects.filter(region_path__startswith=region.path)
        .exclude(status=Status.CLOSED)
        .values("domain")
        .annotate(n=Count("id"), top=Max("level"))
    )
    open_by = {r["domain"]: r for r in open_rows}
    panels = []
    for domain in RISK_DOMAINS:
        row = open_by.get(domain, {"n": 0, "top": 0})
        panels.append({
            "domain": domain, "label": Domain(domain).label, "has_data": domain in active, "open": row["n"],
            "top": WarningLevel(row["top"] or 0).label, "colour": COLOURS[row["top"] or 0],
            "link": reverse("risk:warnings") + f"?region={region.pk}&domain={domain}",
        })  # fmt: skip
    return {"freshness": live(), "panels": panels}
