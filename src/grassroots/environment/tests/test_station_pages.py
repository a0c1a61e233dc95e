"""The staff station pages: the map and list in one's area, a station's standing, health and alerts, exports."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.environment import current
from grassroots.environment.models import Alert, MaintenanceTask, Rule, RuleKind
from grassroots.environment.tests import pages_world


@pytest.fixture
def world(cast):
    pages_world.build(cast)
    return cast


def login(client, user):
    client.force_login(user)
    return client


def test_it_computes_the_real_time_aqi_and_the_water_class(world):
    standing = current.assess([world.air, world.river])
    air, river = standing[world.air.pk], standing[world.river.pk]
    assert air.value == "AQI 119" and air.label == "轻度污染" and air.colour == "#FF7E00" and air.exceeds
    assert dict(air.result.iaqi) == {"pm25": 119, "pm10": 65, "no2": 15} and air.result.primary == ("pm25",)
    assert river.value == "Ⅳ类" and river.exceeds and river.label == "未达 Ⅲ类 目标"
    assert river.result.deciding == ("nh3n",)


def test_a_station_without_readings_says_so(world):
    from grassroots.environment.models import Station, StationKind

    empty = Station.objects.create(code="n-1", name="噪声点", kind=StationKind.NOISE, region=world.G1, lng=116.31,
                                   lat=39.81, noise_zone="1")  # fmt: skip
    now = current.assess([empty])[empty.pk]
    assert now.value == "—" and now.label == "暂无数据" and not now.has_data and now.stale


def test_the_list_shows_the_users_area_only(world, client):
    html = login(client, world.staff_s1).get("/environment/stations/").content.decode()
    assert 'data-station="aq-jia-1"' in html and 'data-station="river-jia"' in html
    assert 'data-station="aq-yi-1"' not in html  # 乙街道 is outside 甲街道
    assert re.search(r'data-testid="value-aq-jia-1">AQI 119<', html)
    payload = json.loads(re.search(r'id="env-map-data" type="application/json">(.*?)</script>', html).group(1))
    assert {f["properties"]["name"] for f in payload["geojson"]["features"]} == {"一社区", "二社区"}
    assert {m["code"] for m in payload["markers"]} == {"aq-jia-1", "river-jia"}
    only_water = client.get("/environment/stations/", {"kind": "water"}).content.decode()
    assert 'data-station="river-jia"' in only_water and 'data-station="aq-jia-1"' not in only_water
    assert client.get("/environment/stations/", {"region": world.S2.pk}).status_code == 404


def test_roles_without_the_permission_and_residents_are_refused(world, client):
    assert login(client, world.resident).get("/environment/stations/")["Location"] == "/portal/"
    assert login(client, world.grid_g1).get(f"/environment/stations/{world.far.pk}/").status_code == 404
    assert client.get(f"/environment/stations/{world.air.pk}/").status_code == 200


def test_the_station_page_shows_standing_health_and_open_alerts(world, client):
    rule = Rule.objects.create(name="PM2.5 超标", kind=RuleKind.EXCEEDANCE, level=2)
    now = timezone.now()
    Alert.objects.create(rule=rule, station=world.air, region_path=world.G1.path, level=2, summary="PM2.5 小时超标",
                         first_at=now, last_at=now, count=3)  # fmt: skip
    MaintenanceTask.objects.create(station=world.air, region_path=world.G1.path, problem="flatline",
                                   detail="PM10 数值长时间不变", opened_at=now)  # fmt: skip
    html = login(client, world.leader_s1).get(f"/environment/stations/{world.air.pk}/").content.decode()
    assert 'data-testid="standing-value">AQI 119<' in html and "首要污染物" in html
    listing = client.get("/environment/stations/").content.decode()
    link = re.search(r'href="([^"]+)" data-testid="alerts-aq-jia-1">1<', listing).group(1).replace("&amp;", "&")
    assert 'data-testid="alert-count">1<' in client.get(link).content.decode().replace(" ", "")
    assert "PM2.5 小时超标" in html and "PM10 数值长时间不变" in html
    charts = json.loads(re.search(r'id="env-chart-data" type="application/json">(.*?)</script>', html).group(1))
    assert [c["code"] for c in charts] == ["no2", "pm10", "pm25"] and len(charts[2]["hour"]) == 24


def test_the_list_exports_as_csv_and_excel_and_the_export_is_audited(world, client):
    login(client, world.staff_s1)
    response = client.get("/environment/stations/", {"format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and "aq-jia-1" in body and "aq-yi-1" not in body
    assert client.get("/environment/stations/", {"format": "xlsx"}).content[:2] == b"PK"
    assert AuditEntry.objects.filter(event=AuditEvent.ENV_STATIONS_EXPORTED).count() == 2
    assert client.get("/environment/stations/", {"format": "pdf"}).status_code == 400


def test_a_reading_is_out_of_date_after_twice_its_interval(world):
    import datetime as dt

    from grassroots.environment.models import Datastream

    ten_hours_ago = timezone.now() - dt.timedelta(hours=10)
    Datastream.objects.filter(station=world.river).update(last_time=ten_hours_ago, interval_minutes=1440)
    Datastream.objects.filter(station=world.air).update(last_time=ten_hours_ago)  # hourly streams
    standing = current.assess([world.river, world.air])
    assert not standing[world.river.pk].stale  # a daily sample is current for two days
    assert standing[world.air.pk].stale
