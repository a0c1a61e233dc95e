"""`grassroots env_replay`: the real Beijing PM2.5 hours into stations through ingest(), live or fast-forward."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from grassroots.environment.models import Aggregation, Datastream, Observation, ObservedProperty, Station
from grassroots.environment.realdata import HOURS, beijing_pm25

pytestmark = pytest.mark.django_db


@pytest.fixture
def air(cast):
    pm25 = ObservedProperty.objects.get(code="pm25")
    made = []
    for code, demo in (("aq-a", True), ("aq-b", True), ("aq-real", False)):
        station = Station.objects.create(
            code=code, name=code, kind="air", region=cast.G1, lng=116.32, lat=39.85, is_demo=demo
        )
        Datastream.objects.create(station=station, property=pm25, unit=pm25.unit, aggregation=Aggregation.HOURLY_MEAN)
        made.append(station)
    return made


def replay(*args: str) -> str:
    out = StringIO()
    call_command("env_replay", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_extract_is_the_whole_of_2014_with_its_gaps_kept():
    hours = beijing_pm25()
    assert len(hours) == HOURS
    assert hours[0] == (datetime.fromisoformat("2014-01-01T00:00+08:00"), 24.0)
    assert hours[-1][0] == datetime.fromisoformat("2014-12-31T23:00+08:00")
    assert sum(v is None for _, v in hours) == 99


def test_fast_forward_writes_the_real_values_ending_at_the_current_hour(air):
    replay("--fast", "--limit", "48", "--station", "aq-real")
    stored = list(Observation.objects.filter(datastream__station__code="aq-real").order_by("time"))
    real = [v for _, v in beijing_pm25()[:48]]
    assert [o.value for o in stored] == [v for v in real if v is not None]
    now = timezone.now()
    assert stored[-1].time <= now and now - stored[-1].time < timedelta(hours=1)
    assert stored[0].time == stored[-1].time - timedelta(hours=47)


def test_a_second_replay_is_idempotent(air):
    replay("--fast", "--limit", "24", "--start", "2026-11-01T00:00")
    first = Observation.objects.count()
    assert first == 2 * 24  # both demo stations, the real one left alone
    assert "重复 48" in replay("--fast", "--limit", "24", "--start", "2026-11-01T00:00")
    assert Observation.objects.count() == first
    assert Observation.objects.order_by("time").first().time == datetime.fromisoformat("2026-11-01T00:00+08:00")


def test_live_replay_paces_the_hours_by_the_speed(air):
    out = replay("--speed", "360000", "--limit", "5", "--station", "aq-a")  # 10 ms an hour
    assert Observation.objects.filter(datastream__station__code="aq-a").count() == 5
    assert "完成：写入 5" in out
    newest = Observation.objects.order_by("-time").first().time
    assert newest <= timezone.now()  # sped up, it never stamps the future


def test_unknown_stations_and_bad_options_are_command_errors(air):
    with pytest.raises(CommandError, match="nowhere"):
        replay("--fast", "--station", "aq-a,nowhere")
    with pytest.raises(CommandError, match="--start"):
        replay("--fast", "--start", "yesterday")
    with pytest.raises(CommandError):
        replay("--speed", "0")
    assert Observation.objects.count() == 0
