"""Citizen supervision: the public environment page and a resident's report about a station."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from grassroots.cases.defaults import seed
from grassroots.cases.models import Case, Category, ResponsibilityRule
from grassroots.environment.tests import pages_world

BUDGET = 300 * 1024  # residents' pages: at most 300 KB on first load


@pytest.fixture
def world(cast):
    seed(Category, ResponsibilityRule)
    pages_world.build(cast)
    return cast


def first_load_bytes(html: str) -> int:
    """The page and every stylesheet, script and image it references, as a first visit downloads them."""
    total = len(html.encode())
    for url in re.findall(r'(?:href|src)="(/static/[^"?]+)', html):
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        with open(path, "rb") as f:
            total += len(f.read())
    return total


def test_anyone_sees_the_current_aqi_and_water_class_per_station(world, client):
    response = client.get("/portal/environment/")  # not signed in
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'data-testid="reading-aq-jia-1">AQI 119<', html) and "轻度污染" in html
    assert re.search(r'data-testid="reading-river-jia">Ⅳ类<', html) and "未达 Ⅲ类 目标" in html
    assert 'data-testid="reading-aq-yi-1">AQI ' in html  # the whole district, not one grant's area
    assert html.count('<circle class="site"') == 3 and html.count('<path class="area"') == 2  # two streets
    assert "echarts" not in html  # the map is inline SVG drawn on the server


def test_firms_outlets_and_inactive_stations_are_not_on_the_public_page(world, client):
    from grassroots.environment.models import Station, StationKind

    Station.objects.create(code="outlet-1", name="企业排污口", kind=StationKind.DISCHARGE, region=world.G1,
                           lng=116.31, lat=39.82, operator=world.firm)  # fmt: skip
    Station.objects.filter(pk=world.far.pk).update(active=False)
    html = client.get("/portal/environment/").content.decode()
    assert "outlet-1" not in html and "aq-yi-1" not in html


def test_the_page_stays_within_the_residents_budget(world, client):
    html = client.get("/portal/environment/").content.decode()
    assert first_load_bytes(html) < BUDGET
    client.cookies["elder_mode"] = "1"
    elder = client.get("/portal/environment/").content.decode()
    assert '<html lang="zh-hans" class="elder">' in elder and first_load_bytes(elder) < BUDGET


def test_a_report_about_a_station_is_filled_in_and_located_at_it(world, client):
    client.force_login(world.resident)
    form = client.get("/portal/report/", {"station": "aq-jia-1"}).content.decode()
    assert 'data-testid="report-station"' in form and "甲街道空气站" in form and 'value="aq-jia-1"' in form
    assert 'value="cooking_fumes" selected' in form and "map-pick" not in form  # no 1 MB map for a known place
    response = client.post("/portal/report/", {"station": "aq-jia-1", "description": "站点附近有刺鼻气味，持续一上午",
                                               "confirmed": "1", "lng": "0", "lat": "0"})  # fmt: skip
    case = Case.objects.get(reporter=world.resident)
    assert response.status_code == 302 and case.category.code == "cooking_fumes"
    assert "aq-jia-1" in case.address and case.region == world.G1 and (case.lng, case.lat) == (116.32, 39.85)


def test_elder_mode_asks_only_what_happened(world, client):
    client.force_login(world.resident)
    client.cookies["elder_mode"] = "1"
    form = client.get("/portal/report/", {"station": "river-jia"}).content.decode()
    assert 'name="description"' in form and 'name="category"' not in form and 'name="title"' not in form
    client.post("/portal/report/", {"station": "river-jia", "description": "河水发黑发臭，有死鱼", "confirmed": "1"})
    case = Case.objects.get(reporter=world.resident)
    assert case.category.code == "sewage" and "river-jia" in case.address


def test_an_unknown_station_is_an_ordinary_report(world, client):
    client.force_login(world.resident)
    form = client.get("/portal/report/", {"station": "nope"}).content.decode()
    assert 'data-testid="report-station"' not in form and "map-pick" in form


def test_anonymous_visitors_sign_in_before_reporting(world, client):
    response = client.get("/portal/report/", {"station": "aq-jia-1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "station%3Daq-jia-1" in response["Location"] or "station=aq-jia-1" in response["Location"]
