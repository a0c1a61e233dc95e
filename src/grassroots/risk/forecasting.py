"""Forecasts of next weeks' cases per street and category, refreshed daily with a backtest of the method.

A series whose fit fails is skipped and named in `figures["errors"]`; the other forecasts are still written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.utils import timezone

from grassroots.areas.models import Level, Region
from grassroots.risk.analytics.forecast import backtest_many, forecast
from grassroots.risk.errors import FIT_ERRORS
from grassroots.risk.models import ForecastPoint, ModelRun
from grassroots.stats import queries

HORIZON = 4
HISTORY_WEEKS = 156
ORIGINS = 12


def _series_for(region: Region, last_week: dt.date):
    _, total = queries.weekly_series(region.pk, HISTORY_WEEKS, last_week)
    yield None, total
    yield from queries.category_weeks(region.pk, HISTORY_WEEKS, last_week).items()


def _trim(series):
    """Drop the leading weeks before the data began, so a young platform is not read as a long run of zeros."""
    nonzero = series.nonzero()[0]
    return series[nonzero[0] :] if len(nonzero) else series[-8:]


def refresh(today: dt.date | None = None) -> dict:
    last_week = queries.last_complete_week(today)
    now = timezone.now()
    points, per_category, errors = [], [], []
    regions = Region.objects.filter(level__in=[Level.DISTRICT, Level.STREET]).order_by("path")
    for region in regions:
        for category_id, series in _series_for(region, last_week):
            series = _trim(series)
            if len(series) < 8 or series.sum() == 0:
                continue
            try:
                result = forecast(series, HORIZON)
            except FIT_ERRORS as exc:
                errors.append({"region": region.pk, "category": category_id, "error": str(exc) or type(exc).__name__})
                continue
            if region.level == Level.STREET and category_id is not None:
                per_category.append(series)
            points += [
                ForecastPoint(
                    region=region,
                    category_id=category_id,
                    week=last_week + dt.timedelta(weeks=i + 1),
                    mean=float(result.mean[i]),
                    low=float(result.low[i]),
                    high=float(result.high[i]),
                    computed_at=now,
                )  # fmt: skip
                for i in range(HORIZON)
            ]
    try:
        figures = dataclasses.asdict(backtest_many(per_category, horizon=HORIZON, origins=ORIGINS))
    except FIT_ERRORS as exc:
        figures = {"error": str(exc) or type(exc).__name__}
    figures["series"], figures["errors"] = len(per_category), errors
    with transaction.atomic():
        ForecastPoint.objects.all().delete()
        ForecastPoint.objects.bulk_create(points, batch_size=2000)
        ModelRun.objects.create(kind="forecast", computed_at=now, figures=figures)
    return figures
