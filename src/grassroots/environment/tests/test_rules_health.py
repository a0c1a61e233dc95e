"""Sensor health: flatline, stuck value, out of physical range per batch; gaps from the periodic job. A health
finding opens (or refreshes) a maintenance task for the operator: no alert, no signal, no case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.environment import health, rules
from grassroots.environment.models import Alert, MaintenanceTask, Rule, RuleKind
from grassroots.environment.tests.rules_world import hours_ago, only, station, stream, write
from grassroots.risk.models import Signal

pytestmark = pytest.mark.django_db


def health_rule(check: str, **params) -> Rule:
    made = Rule.objects.create(name=f"h-{check}", kind=RuleKind.HEALTH, params={"check": check, **params})
    only(made)
    return made


def minutes_ago(n: int) -> dt.datetime:
    return timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=n)


def test_out_of_range_opens_a_task_and_no_signal(cast):
    health_rule("range")
    ds = stream(station(cast.G1), "pm25")
    outcome = rules.evaluate_batch(write(ds, [(hours_ago(2), -5.0), (hours_ago(1), 2500.0)]))  # PM2.5: 0–2000
    task = MaintenanceTask.objects.get()
    assert (outcome.tasks_new, task.problem, task.status) == (1, "out_of_range", "open")
    assert "2500" in task.detail
    assert not Alert.objects.exists() and not Signal.objects.exists()


def test_flatline_is_a_spread_of_almost_zero_over_the_window(cast):
    health_rule("flatline", window_minutes=60, epsilon=0.001, min_samples=6)
    ds = stream(station(cast.G1), "pm25", interval=10)
    # Six readings in an hour varying by at most 0.002: population sd 0.00094 ≤ 0.001.
    values = [12.0, 12.001, 12.0, 12.002, 12.001, 12.0]
    rules.evaluate_batch(write(ds, [(minutes_ago(60 - 10 * i), v) for i, v in enumerate(values)]))
    assert MaintenanceTask.objects.get().problem == "flatline"


def test_a_varying_signal_is_no_flatline(cast):
    health_rule("flatline", window_minutes=60, epsilon=0.001, min_samples=6)
    ds = stream(station(cast.G1), "pm25", interval=10)
    values = [12.0, 12.5, 11.8, 12.2, 12.1, 12.0]
    rules.evaluate_batch(write(ds, [(minutes_ago(60 - 10 * i), v) for i, v in enumerate(values)]))
    assert not MaintenanceTask.objects.exists()


def test_stuck_value_repeated_n_times_across_batches(cast):
    health_rule("stuck", repeats=4)
    ds = stream(station(cast.G1), "pm25")
    write(ds, [(hours_ago(5), 35.0), (hours_ago(4), 35.0)])
    rules.evaluate_batch(write(ds, [(hours_ago(3), 35.0)]))
    assert not MaintenanceTask.objects.exists()  # three so far
    rules.evaluate_batch(write(ds, [(hours_ago(2), 35.0)]))
    assert MaintenanceTask.objects.get().problem == "stuck"
    rules.evaluate_batch(write(ds, [(hours_ago(1), 35.0)]))  # still stuck: the same task, refreshed
    assert MaintenanceTask.objects.count() == 1


def test_gap_is_found_by_the_periodic_job(cast):
    health_rule("gap", intervals=3)
    silent = stream(station(cast.G1, "aq-s"), "pm25")
    fresh = stream(station(cast.G1, "aq-f"), "pm25")
    write(silent, [(hours_ago(4), 30.0)])  # 4 h > 3 × 60 min
    write(fresh, [(hours_ago(2), 30.0)])
    stream(station(cast.G1, "aq-n"), "pm25")  # never reported: not started, not a gap
    assert health.detect_gaps() == {"gaps": 1, "tasks": 1}
    task = MaintenanceTask.objects.get()
    assert (task.datastream_id, task.problem) == (silent.pk, "gap")
    assert health.detect_gaps() == {"gaps": 1, "tasks": 0}  # refreshed, not opened twice


def test_gap_task_is_registered_on_the_beat_schedule(settings):
    from grassroots.environment import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["environment-gaps"]
    assert entry["task"] == tasks.detect_gaps.name
