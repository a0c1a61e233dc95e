"""The standards calculators over HTTP: any signed-in user, exact answers, 400/422 for what cannot be judged."""

from __future__ import annotations

import pytest

from grassroots.api import api

BASE = "/api/v1/environment"
DAY_2026 = {"pm25": 68, "pm10": 130, "so2": 8, "no2": 45, "co": 0.9, "o3_8h": 172}


@pytest.fixture
def staff(cast, api_client):
    return api_client.as_user(cast.grid_g1)


@pytest.fixture
def resident(cast, client):
    """A resident signed in with a session (the portal's way), not a token."""
    client.force_login(cast.resident)
    return client


def post_json(client, path, body):
    return client.post(f"{BASE}{path}", data=body, content_type="application/json")


def test_it_answers_the_aqi_of_a_daily_report(staff):
    # HJ 633-2026, daily (the worked example of docs/environment-standards.md):
    # pm25 68: 60–115 → 100–150: 50/55 × 8 + 100 = 107.27 → 108;  pm10 130: 120–250 → 100–150: 50/130 × 10 + 100
    # = 103.85 → 104;  so2 8 → 8;  no2 45: 40–80 → 50–100: 50/40 × 5 + 50 = 56.25 → 57;  co 0.9: 25 × 0.9 = 22.5
    # → 23;  o3_8h 172: 160–215 → 100–150: 50/55 × 12 + 100 = 110.91 → 111.  AQI 111: 三级 轻度污染, orange.
    response = staff.post(f"{BASE}/aqi", {"standard": "HJ633-2026", "kind": "daily", "concentrations": DAY_2026})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "standard": "HJ633-2026", "kind": "daily", "aqi": 111,
        "iaqi": {"pm25": 108, "pm10": 104, "so2": 8, "no2": 57, "co": 23, "o3_8h": 111},
        "primary": ["o3_8h"], "exceeding": ["pm25", "pm10", "o3_8h"],
        "level": 3, "level_name": "三级", "category": "轻度污染",
        "colour": {"name": "橙色", "hex": "#FF7E00", "rgb": [255, 126, 0]},
        "missing": [], "beyond_table": [], "substituted": {},
    }  # fmt: skip


def test_the_same_day_under_2012_has_only_ozone_exceeding(staff):
    # pm25 68: 35–75 → 50–100: 50/40 × 33 + 50 = 91.25 → 92;  pm10 130: 50–150 → 50–100: 0.5 × 80 + 50 = 90
    response = staff.post(f"{BASE}/aqi", {"standard": "HJ633-2012", "kind": "daily", "concentrations": DAY_2026})
    body = response.json()
    assert (body["iaqi"]["pm25"], body["iaqi"]["pm10"], body["aqi"], body["exceeding"]) == (92, 90, 111, ["o3_8h"])


def test_a_resident_may_use_the_calculators(resident):
    response = post_json(resident, "/noise", {"zone_class": "1", "period": "night", "leq": 47.3})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "zone_class": "1", "period": "night", "leq": 47.3, "limit": 45, "exceedance": 2.3, "compliant": False,
        "lmax": None, "lmax_limit": None, "lmax_exceedance": None,
    }  # fmt: skip


def test_an_anonymous_caller_is_refused(client, db):
    response = post_json(client, "/aqi", {"standard": "HJ633-2012", "kind": "daily", "concentrations": {"pm25": 1}})
    assert response.status_code == 401


def test_so2_above_800_without_its_24_hour_mean_is_400_with_the_standards_message(staff):
    body = {"standard": "HJ633-2012", "kind": "hourly", "concentrations": {"so2": 900}}
    response = staff.post(f"{BASE}/aqi", body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid_input"
    assert "表1 注2" in error["message"] and "so2_24h" in error["message"]
    assert error["details"] == {"field": "concentrations.so2_24h"}


@pytest.mark.parametrize(
    "concentrations",
    [{"pm25": "75"}, {"pm25": -1}, {"pm1": 10}, {"pm25": True}],
    ids=["string", "negative", "unknown key", "boolean"],
)
def test_the_schema_refuses_what_is_not_a_concentration(staff, concentrations):
    body = {"standard": "HJ633-2012", "kind": "daily", "concentrations": concentrations}
    response = staff.post(f"{BASE}/aqi", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_an_unknown_edition_is_422(staff):
    response = staff.post(f"{BASE}/aqi", {"standard": "HJ633-2016", "kind": "daily", "concentrations": {"pm25": 1}})
    assert response.status_code == 422


def test_it_classifies_a_river_sample(staff):
    # nh3n 0.6 > 0.5, ≤ 1.0 → III;  tp 0.15 > 0.1, ≤ 0.2 → III;  do 6.5 → II;  as 0.01 ≤ 0.05 → I
    body = {"water_body": "river", "parameters": {"do": 6.5, "nh3n": 0.6, "tp": 0.15, "as": 0.01}}
    response = staff.post(f"{BASE}/water-class", body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["water_class"], answer["class_name"], answer["rank"]) == ("III", "Ⅲ类", 3)
    assert answer["deciding"] == ["nh3n", "tp"]
    assert answer["parameters"]["as"] == {"value": 0.01, "water_class": "I", "limit": "0.05"}


def test_a_river_with_only_total_nitrogen_cannot_be_classed(staff):
    response = staff.post(f"{BASE}/water-class", {"water_body": "river", "parameters": {"tn": 1.0}})
    assert (response.status_code, response.json()["details"]) == (400, {"field": "parameters"})


def test_lmax_by_day_is_400(staff):
    response = staff.post(f"{BASE}/noise", {"zone_class": "2", "period": "day", "leq": 55, "lmax": 80})
    assert (response.status_code, response.json()["details"]) == (400, {"field": "lmax"})


def test_an_unknown_zone_class_is_422(staff):
    assert staff.post(f"{BASE}/noise", {"zone_class": "4c", "period": "day", "leq": 55}).status_code == 422


def test_it_assesses_a_paddy_sample(staff):
    # paddy, pH 6.5 (5.5–6.5): cd 0.5 > 0.4 screening, ≤ 2.0 → possible;  pb 600 > 500 intervention → high
    body = {"ph": 6.5, "land_use": "paddy", "metals": {"cd": 0.5, "pb": 600, "as": 10}}
    response = staff.post(f"{BASE}/soil", body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["risk"], answer["deciding"], answer["ph_band"]) == ("high", ["pb"], "5.5–6.5")
    assert answer["metals"]["cd"] == {"value": 0.5, "screening": 0.4, "intervention": 2.0, "risk": "possible"}
    assert answer["metals"]["as"] == {"value": 10.0, "screening": 30.0, "intervention": 150.0, "risk": "low"}


def test_a_soil_ph_beyond_14_is_422(staff):
    assert staff.post(f"{BASE}/soil", {"ph": 15, "land_use": "paddy", "metals": {"cd": 1}}).status_code == 422


def test_the_openapi_documents_the_calculators_and_their_errors():
    paths = api.get_openapi_schema()["paths"]
    for path in ("aqi", "water-class", "noise", "soil"):
        responses = paths[f"{BASE}/{path}"]["post"]["responses"]
        assert {200, 400, 401, 422} <= set(responses), path
