"""Adding a datastream to a station: the property's canonical unit, scoped to managers, audited; refusals 4xx."""

from __future__ import annotations

import json

import pytest

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.core.errors import DomainError
from grassroots.environment import stations
from grassroots.environment.ingest import Reading, ingest
from grassroots.environment.models import Datastream
from grassroots.environment.tests.test_station_registry import fields


@pytest.fixture
def site(cast):
    return stations.create_station(cast.staff_s1, code="noise-9", fields=fields())


def code_of(call) -> str:
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.code


def test_a_stream_takes_the_propertys_unit_and_then_receives_readings(cast, site):
    stream = stations.add_datastream(cast.staff_s1, site, property_code="leq", aggregation="hourly_mean",
                                     interval_minutes=60)  # fmt: skip
    assert (stream.unit, stream.aggregation, stream.interval_minutes) == ("dB(A)", "hourly_mean", 60)
    entry = AuditEntry.objects.get(event=AuditEvent.ENV_DATASTREAM_ADDED)
    assert entry.actor_id == cast.staff_s1.pk and entry.extra["property"] == "leq"
    from django.utils import timezone

    result = ingest([Reading("noise-9", "leq", timezone.now(), 52.0, "dBA")], allowed_stations=None, source="t")
    assert (result.accepted, result.errors) == (1, [])


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"property_code": "nope"}, "invalid_input"),
        ({"aggregation": "median"}, "invalid_input"),
        ({"interval_minutes": 0}, "invalid_input"),
    ],
)
def test_bad_streams_are_refused_and_nothing_is_stored(cast, site, kw, code):
    args = {"property_code": "leq", "aggregation": "hourly_mean", "interval_minutes": 60, **kw}
    assert code_of(lambda: stations.add_datastream(cast.staff_s1, site, **args)) == code
    assert not Datastream.objects.filter(station=site).exists()


def test_a_second_stream_of_the_same_property_is_a_duplicate(cast, site):
    stations.add_datastream(cast.staff_s1, site, property_code="leq", aggregation="hourly_mean", interval_minutes=60)
    again = lambda: stations.add_datastream(  # noqa: E731
        cast.staff_s1, site, property_code="leq", aggregation="instant", interval_minutes=1
    )
    assert code_of(again) == "duplicate" and Datastream.objects.filter(station=site).count() == 1


def test_only_managers_in_scope_add_streams(cast, site):
    add = lambda user: stations.add_datastream(  # noqa: E731
        user, site, property_code="leq", aggregation="hourly_mean", interval_minutes=60
    )
    assert code_of(lambda: add(cast.leader_s1)) == "permission_denied"
    assert not Datastream.objects.filter(station=site).exists()


def test_the_page_and_the_api_add_streams(cast, site, client, api_client):
    client.force_login(cast.staff_s1)
    url = f"/environment/stations/{site.pk}/datastreams/"
    assert client.get(url).status_code == 200
    done = client.post(url, {"property_code": "leq", "aggregation": "hourly_mean", "interval_minutes": "60"})
    assert done.status_code == 302 and Datastream.objects.filter(station=site, property__code="leq").exists()
    refused = client.post(url, {"property_code": "nope", "aggregation": "hourly_mean", "interval_minutes": "60"})
    assert refused.status_code == 400 and "未知监测指标" in refused.content.decode()
    api = api_client.as_user(cast.staff_s1)
    body = json.dumps({"property": "lmax", "aggregation": "instant", "interval_minutes": 5})
    made = client.post(f"/api/v1/environment/stations/{site.pk}/datastreams", body, content_type="application/json",
                       headers=api.headers)  # fmt: skip
    assert made.status_code == 201 and made.json()["unit"] == "dB(A)"
    dup = client.post(f"/api/v1/environment/stations/{site.pk}/datastreams", body, content_type="application/json",
                      headers=api.headers)  # fmt: skip
    assert dup.status_code == 409
