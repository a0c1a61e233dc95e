"""The cockpit's environment panel: its tile counts the open alerts, and under the tiles the live AQI per street,
the open alerts and the worst stations, each linked to the list behind it."""

import re

import pytest
from django.utils import timezone

from grassroots.environment.models import Alert, Rule, RuleKind, Station, StationKind
from grassroots.environment.tests import pages_world
from grassroots.stats import rollups


@pytest.fixture
def world(cast):
    pages_world.build(cast)
    rule = Rule.objects.create(name="PM2.5 超标", kind=RuleKind.EXCEEDANCE, level=3)
    now = timezone.now()
    for station, level in ((cast.air, 3), (cast.river, 2), (cast.far, 2)):
        Alert.objects.create(rule=rule, station=station, region_path=station.region_path, level=level,
                             summary=f"{station.name}超标", first_at=now, last_at=now)  # fmt: skip
    rollups.rebuild()
    return cast


def domains(client, user, region):
    client.force_login(user)
    return client.get("/cockpit/panels/domains/", {"region": region.pk}).content.decode()


def test_the_environment_tile_counts_the_open_alerts_of_the_area(world, client):
    html = domains(client, world.leader_s1, world.S1)
    tile = re.search(r'<a class="domain" href="([^"]+)" target="_top" data-testid="domain-environment">'
                     r'.*?data-testid="open">(\d+)<', html, re.S)  # fmt: skip
    assert tile.group(2) == "2"  # 甲街道's two; 乙街道's is not counted
    assert f"region={world.S1.pk}" in tile.group(1)
    assert html.count("暂无数据（该领域尚未接入）") == 4  # the other four domains still have none


def test_it_shows_live_aqi_by_street_and_the_worst_stations_with_links(world, client):
    second = Station.objects.create(code="aq-jia-2", name="甲街道二号站", kind=StationKind.AIR, region=world.G2,
                                    lng=116.37, lat=39.85)  # fmt: skip
    pages_world.stream(second, "pm25", 40)
    html = domains(client, world.admin, world.D)
    streets = re.findall(r'<a href="[^"]+" target="_top">([^<]+)</a></td><td data-testid="street-aqi">'
                         r'<span class="dot" style="background: #[0-9A-F]+"></span>(\d+)<', html)  # fmt: skip
    # 甲街道: PM2.5 is the mean of its stations, (80 + 40) / 2 = 60 µg/m³, on the HJ 633-2026 breakpoint: IAQI 100
    # (PM10 70 → 65, NO2 30 → 15). 乙街道: PM2.5 20 µg/m³ → 50 · 20 / 35 = 28.6, rounded up to 29.
    assert streets == [("甲街道", "100"), ("乙街道", "29")]
    worst = re.search(r'data-testid="env-worst">(.*?)</ul>', html, re.S).group(1)
    assert worst.index("甲街道空气站") < worst.index("甲河断面")
    assert f'href="/environment/stations/{world.air.pk}/"' in worst
    assert re.search(r'data-testid="env-alerts">未关闭环境告警 3 条<', html)
