import pytest

from grassroots.areas.geo import wgs84_to_gcj02


def ids(rows):
    return sorted(r["name"] for r in rows)


def test_region_lists_are_scoped(cast, api_client):
    rows = api_client.as_user(cast.worker_c1).get("/api/v1/regions/").json()["items"]
    assert ids(rows) == ["一社区", "一社区第1网格", "一社区第2网格"]
    assert api_client.as_user(cast.resident).get("/api/v1/regions/").status_code == 403  # sees no regions at all


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("staff_s1", 200),
        ("worker_c1", 404),
        ("grid_g1", 404),
        ("outsider", 404),
        ("resident", 403),  # a role that sees no regions is refused, not told the region is missing
    ],
)
def test_getting_a_region_outside_scope_is_404(cast, api_client, username, status):
    assert api_client.as_user(getattr(cast, username)).get(f"/api/v1/regions/{cast.G3.pk}").status_code == status


def test_subtree_geojson(cast, api_client):
    body = api_client.as_user(cast.staff_s1).get(f"/api/v1/regions/{cast.S1.pk}/geojson?min_level=4").json()
    assert body["type"] == "FeatureCollection"
    assert sorted(f["properties"]["code"] for f in body["features"]) == ["G1", "G2", "G3"]


def test_locate_a_point(cast, api_client):
    body = api_client.as_user(cast.grid_g1).get("/api/v1/regions/locate?lng=116.32&lat=39.85").json()
    assert body["inside"] is True
    assert (body["grid"]["code"], body["community"]["code"], body["street"]["code"]) == ("G1", "C1", "S1")


def test_locate_converts_gcj02_first(cast, api_client):
    lng, lat = wgs84_to_gcj02(116.349, 39.85)  # just inside G1 in WGS84; the raw GCJ-02 point is in G2
    client = api_client.as_user(cast.admin)
    as_gcj = client.get(f"/api/v1/regions/locate?lng={lng}&lat={lat}&crs=gcj02").json()
    as_wgs = client.get(f"/api/v1/regions/locate?lng={lng}&lat={lat}").json()
    assert (as_gcj["grid"]["code"], as_wgs["grid"]["code"]) == ("G1", "G2")


def test_locate_many_reports_points_outside(cast, api_client):
    points = [{"lng": 116.32, "lat": 39.85}, {"lng": 116.45, "lat": 39.95}, {"lng": 117.5, "lat": 39.0}]
    body = api_client.as_user(cast.admin).post("/api/v1/regions/locate", {"points": points}).json()
    assert [(p["inside"], p["grid"] and p["grid"]["code"]) for p in body] == [(True, "G1"), (True, "G4"), (False, None)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("lng=200&lat=39.8", "lng"),
        ("lng=116&lat=-91", "lat"),
        ("lng=nan&lat=39", "lng"),
        ("lng=116&lat=39&crs=bd09", "crs"),
    ],
)
def test_out_of_range_or_bad_points_get_400(cast, api_client, query, field):
    # The ranges and the datums are in the schema (the API contract): refused before the service, naming the field.
    response = api_client.as_user(cast.admin).get(f"/api/v1/regions/locate?{query}")
    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")
    assert field in str(response.json()["details"])


def test_the_index_sees_new_grids_at_once(cast, api_client):
    from grassroots.areas import services
    from grassroots.conftest import feature, square

    client = api_client.as_user(cast.admin)
    assert client.get("/api/v1/regions/locate?lng=116.55&lat=39.85").json()["inside"] is False
    services.import_regions(
        None,
        {
            "type": "FeatureCollection",
            "features": [
                feature("C9", "九社区", 3, "S2", square(116.50, 39.80, 116.60, 40.0)),
                feature("G9", "九社区第1网格", 4, "C9", square(116.50, 39.80, 116.60, 40.0)),
            ],
        },
    )
    assert client.get("/api/v1/regions/locate?lng=116.55&lat=39.85").json()["grid"]["code"] == "G9"


def test_import_through_the_api_needs_the_import_permission(cast, api_client):
    from grassroots.conftest import feature, square

    body = {
        "type": "FeatureCollection",
        "features": [feature("G5", "新网格", 4, "C1", square(116.3, 39.8, 116.31, 39.81))],
    }
    assert api_client.as_user(cast.staff_s1).post("/api/v1/regions/import", body).status_code == 403
    ok = api_client.as_user(cast.admin).post("/api/v1/regions/import", body)
    assert ok.status_code == 200 and ok.json()["created"] == 1
    bad = api_client.as_user(cast.admin).post("/api/v1/regions/import", b"{oops")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
