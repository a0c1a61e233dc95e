"""The nightly jobs over two years of history: trends raise a surge once, forecasts with their backtest,
drivers per district and street; one failed fit is recorded, not fatal; the beat runs them at fixed times."""

import datetime as dt

import numpy as np
import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from grassroots.areas.models import Level, Region
from grassroots.risk import forecasting, paths, tasks, trends
from grassroots.risk.models import ForecastPoint, ModelRun, Signal, Warning
from grassroots.risk.tests.test_views import login


def test_a_surge_raises_one_signal_and_a_second_run_raises_none(history):
    # demo/history.py put five times the usual reports yesterday in the first grid's community.
    first_grid = sorted(Region.objects.filter(level=Level.GRID), key=lambda g: g.path)[0]
    community = first_grid.parent
    assert trends.detect()["signals"] >= 1
    (surge,) = Signal.objects.filter(region=community, kind="事件量异常")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert timezone.localtime(surge.occurred_at).date() == yesterday and surge.source == "trends"
    assert surge.evidence == [f"/cockpit/?region={community.pk}"]
    assert Warning.objects.filter(region=community, kind="事件量异常").count() == 1
    before = Signal.objects.count()
    assert trends.detect() == {"signals": 0}
    assert Signal.objects.count() == before


def test_forecasts_have_ordered_intervals_and_a_backtest_beside_naive(history):
    figures = forecasting.refresh()
    for street in Region.objects.filter(level=Level.STREET):
        totals = ForecastPoint.objects.filter(region=street, category=None).order_by("week")
        assert totals.count() == forecasting.HORIZON
        assert [p.week for p in totals] == sorted({p.week for p in totals})
    points = list(ForecastPoint.objects.all())
    assert points and all(0 <= p.low <= p.mean <= p.high for p in points)
    run = ModelRun.objects.get(kind="forecast")
    assert run.figures == figures and figures["errors"] == [] and figures["series"] > 0
    assert figures["mase"] > 0 and figures["naive_mase"] > 0 and figures["coverage"] > 0


def test_one_failed_forecast_is_recorded_and_the_others_are_written(history, monkeypatch):
    street = history.regions["T1"]
    real = forecasting.forecast
    calls = []

    def forecast(series, horizon):
        calls.append(1)
        if len(calls) == 1:  # the district's total, the first series read
            raise np.linalg.LinAlgError("Singular matrix")
        return real(series, horizon)

    monkeypatch.setattr(forecasting, "forecast", forecast)
    figures = forecasting.refresh()
    district = history.regions["T"]
    assert figures["errors"] == [{"region": district.pk, "category": None, "error": "Singular matrix"}]
    assert not ForecastPoint.objects.filter(region=district, category=None).exists()
    assert ForecastPoint.objects.filter(region=street, category=None).count() == forecasting.HORIZON


def test_drivers_are_fitted_per_district_and_street_and_read_in_plain_words(history, client):
    assert paths.refresh() == {"models": 3}
    for code in ("T", "T1", "T2"):
        figures = ModelRun.objects.get(kind=f"drivers:{history.regions[code].pk}").figures
        assert "error" not in figures and figures["model"]["n"] == (16 if code == "T" else 8)
    district = ModelRun.objects.get(kind=f"drivers:{history.regions['T'].pk}").figures["model"]
    rental = next(d for d in district["drivers"] if d["feature"] == "rental_share")
    assert rental["rate_ratio"] > 1  # the history's true effect is +2.0 on the log rate per unit
    html = login(client, history.leader).get("/risk/drivers/").content.decode()
    assert rental["plain_zh"] not in html  # the leader's page is the street's model, not the district's
    street = ModelRun.objects.get(kind=f"drivers:{history.regions['T1'].pk}").figures["model"]
    for driver in street["drivers"]:
        attribute = ' class="significant"' if driver["significant"] else ""
        assert f"<li{attribute}>{driver['plain_zh']}</li>" in html
    assert "<td>出租房占比</td>" in html and "<td>rental_share</td>" not in html


def test_one_failed_drivers_fit_is_recorded_and_the_others_are_kept(history, monkeypatch):
    real = paths.fit_drivers
    seen = []

    def fit(frame, **kwargs):
        seen.append(1)
        if len(seen) == 2:
            raise np.linalg.LinAlgError("Singular matrix")
        return real(frame, **kwargs)

    monkeypatch.setattr(paths, "fit_drivers", fit)
    assert tasks.refresh_drivers.delay().get() == {"models": 3}
    runs = {run.kind: run.figures for run in ModelRun.objects.filter(kind__startswith="drivers:")}
    failed = [figures for figures in runs.values() if "error" in figures]
    assert [f["error"] for f in failed] == ["Singular matrix"] and sum("model" in f for f in runs.values()) == 2


def test_the_daily_risk_jobs_run_at_fixed_local_times():
    from grassroots.celery import app

    beat = settings.CELERY_BEAT_SCHEDULE
    expected = {
        "risk-baseline": ("grassroots.risk.tasks.take_baseline", crontab(hour=1, minute=10)),
        "risk-trends": ("grassroots.risk.tasks.detect_trends", crontab(hour=1, minute=30)),
        "risk-drivers": ("grassroots.risk.tasks.refresh_drivers", crontab(hour=1, minute=50)),
        "risk-forecast": ("grassroots.risk.tasks.refresh_forecasts", crontab(hour=2, minute=10)),
    }
    for name, (task, schedule) in expected.items():
        assert (beat[name]["task"], beat[name]["schedule"]) == (task, schedule), name
        assert task in app.tasks
    assert beat["risk-webhooks"]["schedule"] == 60.0 and beat["risk-decay"]["schedule"] == 600.0
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.django_db
def test_the_forecast_task_no_longer_refits_the_drivers(monkeypatch):
    monkeypatch.setattr(paths, "refresh", lambda today=None: pytest.fail("drivers have their own task"))
    monkeypatch.setattr(forecasting, "refresh", lambda today=None: {"series": 0})
    assert tasks.refresh_forecasts.delay().get() == {"series": 0}
