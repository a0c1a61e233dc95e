"""Creating and editing stations, by service, page and API: validated, scoped, audited, and refusals change nothing."""

from __future__ import annotations

import json

import pytest

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.core.errors import DomainError
from grassroots.environment import stations
from grassroots.environment.models import Station
from grassroots.environment.stations import StationFields
from grassroots.environment.tests import pages_world


def fields(**kw) -> StationFields:
    return StationFields(**{"name": "一社区噪声点", "kind": "noise", "lng": 116.31, "lat": 39.81, "noise_zone": "1",
                            **kw})  # fmt: skip


def code_of(call) -> str:
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.code


def test_it_creates_a_station_in_the_grid_of_its_coordinates_and_audits_it(cast):
    station = stations.create_station(cast.staff_s1, code="noise-1", fields=fields(operator_uscc=cast.firm.uscc))
    assert station.region == cast.G1 and station.region_path == cast.G1.path and station.operator == cast.firm
    entry = AuditEntry.objects.get(event=AuditEvent.ENV_STATION_CREATED)
    assert entry.actor_id == cast.staff_s1.pk and entry.extra["noise_zone"] == "1"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"lng": 117.5}, "out_of_range"),  # outside every grid of the district
        ({"lng": 116.45}, "region_out_of_scope"),  # in G4, outside 甲街道
        ({"lng": float("nan")}, "out_of_range"),
        ({"noise_zone": "5"}, "unknown_choice"),  # GB 3096-2008 knows 0, 1, 2, 3, 4a, 4b
        ({"noise_zone": ""}, "unknown_choice"),  # a noise point needs its zone
        ({"kind": "water", "noise_zone": "", "water_target": "VI"}, "unknown_choice"),
        ({"kind": "water", "noise_zone": "", "water_target": "劣V"}, "unknown_choice"),  # never a target
        ({"kind": "soil", "noise_zone": "", "soil_land_use": "forest"}, "unknown_choice"),
        ({"kind": "air", "noise_zone": "1"}, "invalid_input"),  # a zone means nothing for an air station
        ({"kind": "volcano"}, "unknown_choice"),
        ({"name": "  "}, "invalid_input"),
        ({"operator_uscc": "91110101MA01XXXX0"}, "invalid_input"),
    ],
)
def test_it_refuses_bad_stations_and_stores_nothing(cast, kw, code):
    assert code_of(lambda: stations.create_station(cast.staff_s1, code="n-2", fields=fields(**kw))) == code
    assert not Station.objects.exists() and not AuditEntry.objects.filter(event=AuditEvent.ENV_STATION_CREATED)


def test_codes_are_unique_and_slugs(cast):
    stations.create_station(cast.staff_s1, code="n-3", fields=fields())
    assert code_of(lambda: stations.create_station(cast.staff_s1, code="n-3", fields=fields())) == "duplicate"
    assert code_of(lambda: stations.create_station(cast.staff_s1, code="N 3/x", fields=fields())) == "invalid_input"


def test_only_managers_create_stations(cast):
    assert code_of(lambda: stations.create_station(cast.leader_s1, code="n-4", fields=fields())) == "permission_denied"


def test_an_edit_needs_the_version_seen_and_records_what_changed(cast):
    station = stations.create_station(cast.staff_s1, code="n-5", fields=fields())
    edited = stations.update_station(cast.staff_s1, station, version=1, fields=fields(noise_zone="4a"))
    assert edited.version == 2 and edited.noise_zone == "4a"
    assert AuditEntry.objects.get(event=AuditEvent.ENV_STATION_UPDATED).extra["changed"] == {"noise_zone": ["1", "4a"]}
    stale = lambda: stations.update_station(cast.staff_s1, station, version=1, fields=fields(name="别名"))  # noqa: E731
    assert code_of(stale) == "stale_version" and Station.objects.get(pk=station.pk).name == "一社区噪声点"


def test_the_pages_create_and_edit_a_station(cast, client):
    client.force_login(cast.staff_s1)
    body = {"code": "n-6", "name": "二社区噪声点", "kind": "noise", "lng": "116.33", "lat": "39.95", "noise_zone": "2",
            "active": "on"}  # fmt: skip
    response = client.post("/environment/stations/new/", body)
    station = Station.objects.get(code="n-6")
    assert response.status_code == 302 and response["Location"] == f"/environment/stations/{station.pk}/"
    assert station.region == cast.G3
    refused = client.post("/environment/stations/new/", {**body, "code": "n-7", "lng": "116.45"})
    assert refused.status_code == 400 and "不在您的管辖范围内" in refused.content.decode()
    edit = client.post(f"/environment/stations/{station.pk}/edit/", {**body, "noise_zone": "3", "version": "1"})
    assert edit.status_code == 302 and Station.objects.get(pk=station.pk).noise_zone == "3"
    stale = client.post(f"/environment/stations/{station.pk}/edit/", {**body, "version": "1"})
    assert stale.status_code == 409 and Station.objects.get(pk=station.pk).noise_zone == "3"
    client.force_login(cast.leader_s1)
    assert client.get("/environment/stations/new/").status_code == 403


def test_the_api_lists_reads_creates_edits_and_serves_series(cast, api_client, client):
    pages_world.build(cast)
    api = api_client.as_user(cast.staff_s1)
    listed = api.get("/api/v1/environment/stations").json()
    assert {s["code"] for s in listed["items"]} == {"aq-jia-1", "river-jia"}
    air = next(s for s in listed["items"] if s["code"] == "aq-jia-1")
    assert air["now"]["value"] == "AQI 119" and air["now"]["exceeds"] and air["operator_uscc"] == cast.firm.uscc
    detail = api.get(f"/api/v1/environment/stations/{cast.air.pk}").json()
    assert detail["iaqi"] == {"pm25": 119, "pm10": 65, "no2": 15} and detail["primary"] == ["pm25"]
    assert {d["property"] for d in detail["datastreams"]} == {"pm25", "pm10", "no2"}
    assert api.get(f"/api/v1/environment/stations/{cast.far.pk}").status_code == 404
    series = api.get(f"/api/v1/environment/stations/{cast.air.pk}/series", data={"property": "pm25"}).json()
    assert len(series["points"]) == 24 and series["points"][0]["mean"] == 80 and series["unit"] == "µg/m³"
    assert api.get(f"/api/v1/environment/stations/{cast.air.pk}/series", data={"property": "so2"}).status_code == 404
    too_long = {"property": "pm25", "start": "2020-01-01T00:00:00+08:00", "end": "2026-01-01T00:00:00+08:00"}
    assert api.get(f"/api/v1/environment/stations/{cast.air.pk}/series", data=too_long).status_code == 400
    new = {"code": "n-8", "name": "噪声点", "kind": "noise", "lng": 116.31, "lat": 39.81, "noise_zone": "0"}
    created = api.post("/api/v1/environment/stations", new)
    assert created.status_code == 201 and created.json()["region_id"] == cast.G1.pk
    assert api.post("/api/v1/environment/stations", {**new, "code": "n-9", "noise_zone": "9"}).status_code == 422
    body = json.dumps({k: v for k, v in new.items() if k != "code"} | {"version": 1, "noise_zone": "4b"})
    url = f"/api/v1/environment/stations/{created.json()['id']}"
    changed = client.put(url, body, content_type="application/json", headers=api.headers)
    assert changed.status_code == 200 and changed.json()["version"] == 2
    again = client.put(url, body, content_type="application/json", headers=api.headers)
    assert again.status_code == 409 and again.json()["code"] == "stale_version"
