"""The demo's environment stations (演示数据): kinds, streams, plausible series derived from the real PM2.5."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.db.models import Count, Max

from grassroots.conftest import valid_uscc
from grassroots.demo.environment import FIRM_USERNAME, seed_environment
from grassroots.demo.environment_series import air, hour_of_year, hourly
from grassroots.environment import aggregates
from grassroots.environment.models import Aggregate, Datastream, Observation, OperatorContact, Station
from grassroots.environment.realdata import beijing_pm25

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(cast):
    from grassroots.registry import places
    from grassroots.registry.models import LegalPerson

    works = places.create_legal_person(None, region=cast.G3, uscc=valid_uscc("91110101MA01WXYK3"), name="演示印染厂",
                                       address="甲街道2号", industry="C")  # fmt: skip
    LegalPerson.objects.filter(pk=works.pk).update(is_demo=True)
    return seed_environment("small", seed=7, password="staff-pass-1", progress=lambda m: None)


def test_each_street_gets_air_water_noise_and_the_district_soil_and_an_outlet(seeded):
    kinds = dict(Station.objects.values_list("kind").annotate(n=Count("id")).order_by())
    assert kinds == {"air": 4, "water": 2, "noise": 2, "soil": 2, "discharge": 1}
    assert seeded["env_stations"] == 11 and not Station.objects.filter(is_demo=False).exists()
    air_streams = Datastream.objects.filter(station__kind="air")
    assert {d.property.code for d in air_streams} == {"pm25", "pm10", "so2", "no2", "co", "o3"}
    assert set(Station.objects.filter(kind="noise").values_list("noise_zone", flat=True)) <= {"1", "2", "4a"}
    assert Observation.objects.count() == seeded["observations"]


def test_a_week_of_hourly_data_at_small_scale_with_the_last_value_on_each_stream(seeded):
    stream = Datastream.objects.filter(station__kind="air", property__code="pm25").first()
    assert Observation.objects.filter(datastream=stream).count() == 7 * 24
    for stream in Datastream.objects.all():
        newest = Observation.objects.filter(datastream=stream).order_by("-time").first()
        assert (stream.last_time, stream.last_value) == (newest.time, newest.value), stream
        low, high = stream.property.physical_min, stream.property.physical_max
        span = Observation.objects.filter(datastream=stream).aggregate(hi=Max("value"))["hi"]
        assert low <= newest.value <= high and span <= high


def test_the_firm_runs_its_outlet_and_can_sign_in(seeded, client):
    outlet = Station.objects.get(kind="discharge")
    contact = OperatorContact.objects.get(user__username=FIRM_USERNAME)
    assert outlet.operator == contact.legal_person and outlet.operator.name == "演示印染厂"
    assert client.post("/accounts/login/", {"username": FIRM_USERNAME, "password": "staff-pass-1"}).status_code == 302


def test_seeding_again_changes_nothing(seeded):
    before = Observation.objects.count()
    assert seed_environment("small", seed=7, password="x", progress=lambda m: None) == {"env_stations": 11}
    assert Observation.objects.count() == before


def test_the_synthetic_year_follows_the_real_pm25_and_the_known_relations():
    from django.utils import timezone

    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    times = hourly(end, 365 * 24)
    made = air(times, np.random.default_rng(3))
    real = np.array([np.nan if v is None else v for _, v in beijing_pm25()])[hour_of_year(times)]
    known = ~np.isnan(real)
    assert np.corrcoef(made["pm25"][known], real[known])[0, 1] > 0.8  # the real series, varied per station
    assert (made["pm10"] >= made["pm25"]).all()
    hours = np.array([t.astimezone(beijing_pm25()[0][0].tzinfo).hour for t in times])
    assert made["o3"][hours == 15].mean() > 2 * made["o3"][hours == 5].mean()  # photochemistry in the afternoon
    assert made["no2"][hours == 8].mean() > made["no2"][hours == 14].mean()  # the morning traffic peak
    assert times[-1] == end and times[0] == end - timedelta(hours=365 * 24 - 1)


def test_the_demo_aggregates_are_what_a_rebuild_makes(seeded):
    def rows():
        fields = ("datastream_id", "period", "start", "count", "total", "minimum", "maximum")
        return sorted((*r[:4], *(round(x, 6) for x in r[4:])) for r in Aggregate.objects.values_list(*fields))

    written = rows()
    assert len(written) > seeded["observations"]  # every hour, and the days
    aggregates.rebuild()
    assert rows() == written
