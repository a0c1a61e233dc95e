"""Alerts: a storm folds into one alert and one warning; a new alert raises a signal and, by its rule, a case
routed to the responsible department; the operating firm is told; health findings never raise a signal."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.audit.models import AuditEntry
from grassroots.cases.models import Case
from grassroots.environment import alerts, rules
from grassroots.environment.models import Alert, Rule, RuleKind
from grassroots.environment.tests.rules_world import hours_ago, make_outlet, only, storm, write
from grassroots.notifications.models import Notification
from grassroots.risk.models import Signal, Warning

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlet(cast):
    return make_outlet(cast)


def test_a_storm_of_50_exceedances_in_one_batch_is_one_alert_one_signal_one_warning(outlet):
    storm(outlet, 50)
    alert = Alert.objects.get()
    assert (alert.count, alert.peak_value, alert.level) == (50, 199.0, 3)
    assert Signal.objects.count() == 1 and Warning.objects.count() == 1
    assert (alert.signal_id, alert.warning_id) == (Signal.objects.get().pk, Warning.objects.get().pk)
    signal = Signal.objects.get()
    assert (signal.domain, signal.kind, signal.severity, signal.source) == (
        "environment",
        "cod",
        3,
        f"environment:{alert.pk}",
    )
    assert signal.evidence == [f"/environment/alerts/{alert.pk}/"]


def test_a_storm_over_50_batches_folds_the_same_way(outlet):
    storm(outlet, 50, batches=50)
    alert = Alert.objects.get()
    assert (alert.count, alert.peak_value) == (50, 199.0)
    assert Signal.objects.count() == 1 and Warning.objects.count() == 1 and Case.objects.count() == 1
    assert AuditEntry.objects.filter(event=841).count() == 1


def test_a_new_alert_opens_a_case_routed_to_the_responsible_department(outlet):
    storm(outlet, 3)
    alert = Alert.objects.get()
    case = Case.objects.get()
    assert (alert.case_id, alert.case_number) == (case.pk, case.number)
    assert (case.category.code, case.channel, case.source_ref) == ("sewage", "machine", f"environment:{alert.pk}")
    assert case.owner_department_id == outlet.hbk.pk and case.region_id == outlet.G1.pk
    assert f"/environment/alerts/{alert.pk}/" in case.description
    assert Notification.objects.filter(user=outlet.env_officer, ref=case.number).exists()


def test_a_rule_without_open_case_raises_no_case(outlet):
    Rule.objects.filter(pk=outlet.cod_rule.pk).update(open_case=False)
    storm(outlet, 3)
    assert Alert.objects.get().case_id is None and not Case.objects.exists()


def test_the_firm_is_notified_once_per_alert(outlet):
    storm(outlet, 20, batches=4)
    notes = Notification.objects.filter(user=outlet.firm_user, topic=alerts.ALERT_TOPIC)
    assert notes.count() == 1
    assert notes.get().link == "/environment/firm/" and "dc-g1站" in notes.get().message


def test_a_closed_alert_does_not_fold_a_later_exceedance(outlet):
    from grassroots.environment import disposal

    storm(outlet, 2)
    disposal.close_alert(outlet.staff_s1, Alert.objects.get(), note="已责令停产整改")
    rules.evaluate_batch(write(outlet.cod, [(hours_ago(1), 180.0)]))
    assert Alert.objects.count() == 2 and Alert.objects.filter(status="open").get().count == 1


def test_a_station_outside_the_district_keeps_its_alert_without_a_case(outlet, caplog):
    from grassroots.environment.models import Station

    Station.objects.filter(pk=outlet.cod.station_id).update(lng=100.0, lat=30.0)  # far outside the territory
    storm(outlet, 2)
    alert = Alert.objects.get()
    assert alert.signal_id and alert.case_id is None and not Case.objects.exists()
    assert "no case opened" in caplog.text


def test_a_health_finding_at_the_outlet_tells_the_firm_and_raises_nothing(outlet):
    made = Rule.objects.create(name="range", kind=RuleKind.HEALTH, params={"check": "range"})
    only(made)
    rules.evaluate_batch(write(outlet.cod, [(hours_ago(1), -3.0)]))
    assert not Alert.objects.exists() and not Signal.objects.exists() and not Case.objects.exists()
    assert Notification.objects.filter(user=outlet.firm_user, topic=alerts.TASK_TOPIC).count() == 1


def test_readings_through_ingest_reach_the_rules_after_commit(outlet, django_capture_on_commit_callbacks):
    from grassroots.environment import ingest

    site = outlet.cod.station
    readings = [ingest.Reading(site.code, "cod", hours_ago(1) + dt.timedelta(minutes=i), 120.0 + i) for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest.ingest(readings, allowed_stations=None, source="test")
    assert result.accepted == 5
    alert = Alert.objects.get()
    assert (alert.count, alert.peak_value) == (5, 124.0) and alert.case_id


def test_the_batch_fold_counts_up_only_an_open_alert_inside_its_window(outlet):
    storm(outlet, 2)
    alert = Alert.objects.get()
    rule, station = alert.rule, alert.station
    inside = alerts.Fold(rule, station, None, 300.0, alert.last_at, alert.last_at, 4)
    assert alerts.fold_into_open([inside]) == {(rule.pk, station.pk)}
    alert.refresh_from_db()
    assert (alert.count, alert.peak_value) == (6, 300.0)
    # A finding beyond the fold window after the alert's last reading is a new alert, not a fold.
    old = hours_ago(1) - alerts.fold_window(rule) - dt.timedelta(minutes=1)
    Alert.objects.filter(pk=alert.pk).update(last_at=old)
    now = hours_ago(1)
    assert alerts.fold_into_open([alerts.Fold(rule, station, None, 120.0, now, now, 1)]) == set()
    alert.refresh_from_db()
    assert alert.count == 6


def test_with_a_broker_the_rules_go_to_a_worker_and_find_the_same(outlet, settings, monkeypatch):
    from grassroots.environment import tasks

    sent = []
    monkeypatch.setattr(tasks.evaluate_rules, "delay", lambda rows: sent.append(rows))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    start = hours_ago(2)
    batch = write(outlet.cod, [(start + dt.timedelta(minutes=i), 150.0 + i) for i in range(5)])
    rules.dispatch(batch)
    assert len(sent) == 1 and not Alert.objects.exists()  # nothing evaluated in the ingesting process
    outcome = tasks.evaluate_rules.run(sent[0])  # as the worker runs it, from the JSON-safe rows
    alert = Alert.objects.get()
    assert (outcome["alerts_new"], alert.count, alert.peak_value) == (1, 5, 154.0)
    settings.CELERY_TASK_ALWAYS_EAGER = True  # one machine: in the ingesting process, after the commit
    rules.dispatch(write(outlet.cod, [(start + dt.timedelta(minutes=10), 160.0)]))
    alert.refresh_from_db()
    assert (alert.count, len(sent)) == (6, 1)
