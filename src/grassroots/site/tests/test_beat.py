"""`grassroots beat` runs the beat schedule in-process when there is no broker, and refuses when there is."""

import pytest
from django.core.management import CommandError, call_command


class FakeBeat:
    started: list = []

    def __init__(self, *, app, schedule, loglevel, max_interval):
        self.seen = (app.conf.broker_url, app.conf.task_always_eager, schedule, max_interval)

    def run(self):
        FakeBeat.started.append(self.seen)


def test_it_runs_celery_beat_over_memory_with_eager_tasks(monkeypatch, settings, tmp_path):
    import celery.apps.beat

    from grassroots.celery import app

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(celery.apps.beat, "Beat", FakeBeat)
    monkeypatch.setitem(app.conf, "broker_url", app.conf.broker_url)  # restored for the other tests
    call_command("beat", "--max-interval", "5")
    ((broker, eager, schedule, interval),) = FakeBeat.started
    assert (broker, eager, interval) == ("memory://", True, 5.0)
    assert schedule == str(tmp_path / "celerybeat-schedule")


def test_it_refuses_when_a_broker_is_configured(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    with pytest.raises(CommandError, match="celery -A grassroots worker -B"):
        call_command("beat")


def test_every_scheduled_task_is_registered():
    from django.conf import settings as django_settings

    from grassroots.celery import app

    app.loader.import_default_modules()
    missing = [e["task"] for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] not in app.tasks]
    assert missing == []
