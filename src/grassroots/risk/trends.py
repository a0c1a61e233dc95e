"""变数: look for anomalies and change points in the rollups, and raise them as signals of the cases domain.

Runs daily (Celery beat). Each finding is raised once: its occurred_at is the end of the day or week it is
about, and a signal already raised for that (region, kind, moment) is not raised again.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from grassroots.areas.models import Level, Region
from grassroots.cases.models import Category
from grassroots.risk.analytics.trend import change_points, seasonal_anomalies
from grassroots.risk.models import Domain, Signal
from grassroots.risk.services import raise_signal
from grassroots.stats import queries

DAYS = 7 * 9 + 1  # eight earlier weeks of the same weekday, and the day judged
WEEKS = 52


def _severity(z: float) -> int:
    return 1 if z < 5 else 2 if z < 8 else 3


def _raise_once(region: Region, kind: str, value: float, severity: int, at: dt.datetime, evidence: str) -> bool:
    if Signal.objects.filter(domain=Domain.CASES, region=region, kind=kind, occurred_at=at).exists():
        return False
    raise_signal(
        domain=Domain.CASES, region=region, kind=kind, value=value, severity=severity,
        evidence=[evidence], occurred_at=at, source="trends",
    )  # fmt: skip
    return True


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def detect(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    last_week = queries.last_complete_week(today)
    names = dict(Category.objects.filter(parent=None).values_list("id", "name"))
    raised = 0
    for region in Region.objects.filter(level__in=[Level.STREET, Level.COMMUNITY]).order_by("path"):
        daily = queries.daily_series(region.pk, yesterday - dt.timedelta(days=DAYS - 1), yesterday)
        link = f"/cockpit/?region={region.pk}"
        for hit in seasonal_anomalies(daily):
            if hit.index == len(daily) - 1 and hit.z > 0:
                raised += _raise_once(region, "事件量异常", hit.value, _severity(hit.z), _end_of(yesterday), link)
        if region.level != Level.STREET:
            continue
        week_end = _end_of(last_week + dt.timedelta(days=6))
        for category_id, series in queries.category_weeks(region.pk, WEEKS, last_week).items():
            name = names.get(category_id, str(category_id))
            for hit in seasonal_anomalies(series, period=1, lookback=8):
                if hit.index == len(series) - 1 and hit.z > 0:
                    raised += _raise_once(region, f"{name}激增", hit.value, _severity(hit.z), week_end, link)
            points = change_points(series, min_size=6)
            if points and points[-1].index >= len(series) - 6 and points[-1].after > 1.3 * points[-1].before:
                raised += _raise_once(region, f"{name}持续上升", points[-1].after, 1, week_end, link)
    return {"signals": raised}
