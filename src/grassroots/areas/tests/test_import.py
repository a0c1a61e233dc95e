import copy
import json

import pytest

from grassroots.areas import services
from grassroots.areas.models import Region
from grassroots.conftest import TERRITORY, feature, square
from grassroots.core.errors import DomainError, ErrorCode

pytestmark = pytest.mark.django_db


def failing(collection) -> list[dict]:
    with pytest.raises(DomainError) as err:
        services.import_regions(None, collection)
    assert err.value.code == ErrorCode.IMPORT_FAILED
    assert Region.objects.count() == 0  # all or nothing
    return err.value.details


def test_it_imports_a_tree_with_paths_and_levels():
    report = services.import_regions(None, TERRITORY)
    assert report == {"created": 10, "updated": 0, "repaired": []}
    g1 = Region.objects.get(code="G1")
    chain = [Region.objects.get(pk=i).code for i in g1.ancestor_ids()]
    assert chain == ["D", "S1", "C1", "G1"] and g1.level == 4
    assert (g1.min_lng, g1.max_lat) == (116.30, 39.90)


def test_reimporting_updates_instead_of_duplicating():
    services.import_regions(None, TERRITORY)
    changed = copy.deepcopy(TERRITORY)
    changed["features"][6]["properties"]["name"] = "一社区一网格"
    assert services.import_regions(None, changed)["updated"] == 10
    assert Region.objects.get(code="G1").name == "一社区一网格" and Region.objects.count() == 10


def test_it_reports_every_bad_feature_and_writes_nothing():
    bad = copy.deepcopy(TERRITORY)
    bad["features"][3]["geometry"] = {"type": "Point", "coordinates": [116.3, 39.8]}
    bad["features"][4]["geometry"] = square(116.3, 39.9, 186.4, 40.0)
    bad["features"][5]["properties"]["parent_code"] = "NOPE"
    details = failing(bad)
    assert [(d["feature"], d["code"]) for d in details] == [
        (3, "invalid_geometry"),
        (4, "invalid_geometry"),
        (5, "unknown_parent"),
    ]
    assert "坐标超出范围" in details[1]["message"]


def test_it_rejects_cycles():
    cyclic = {
        "type": "FeatureCollection",
        "features": [feature("A", "甲", 3, "B", square(0, 0, 1, 1)), feature("B", "乙", 3, "A", square(0, 0, 1, 1))],
    }
    details = failing(cyclic)
    assert any(d["code"] == "cycle" for d in details)


def test_levels_must_step_down_by_one():
    wrong = {
        "type": "FeatureCollection",
        "features": [feature("D", "区", 1, None, square(0, 0, 1, 1)), feature("G", "网格", 4, "D", square(0, 0, 1, 1))],
    }
    detail = failing(wrong)[0]
    assert detail["code"] == "level_mismatch" and "层级必须比上级低一级" in detail["message"]


def test_it_repairs_a_self_intersecting_polygon():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    report = services.import_regions(
        None, {"type": "FeatureCollection", "features": [feature("D", "区", 1, None, bowtie)]}
    )
    assert report["repaired"] == ["D"]
    assert Region.objects.get(code="D").geometry["type"] == "MultiPolygon"


@pytest.mark.parametrize("raw", [b"{nope", b'{"type": "Feature"}', b"[]", "\ufffe".encode("utf-16")])
def test_malformed_files_are_refused(raw):
    with pytest.raises(DomainError) as err:
        services.import_regions(None, raw)
    assert err.value.code == ErrorCode.INVALID_INPUT


def test_export_round_trips(tmp_path):
    services.import_regions(None, TERRITORY)
    exported = services.export_geojson(None)
    assert len(exported["features"]) == 10
    json.dumps(exported)  # serialisable as is
    again = services.import_regions(None, exported)
    assert again == {"created": 0, "updated": 10, "repaired": []}


# --- bounded uploads (issue 11 item 4) ---


def test_json_nested_beyond_the_parser_depth_is_a_400_not_a_500():
    with pytest.raises(DomainError) as err:
        services.import_regions(None, b"[" * 200_000)
    assert err.value.code == ErrorCode.INVALID_INPUT


def test_the_api_refuses_a_role_without_the_permission_before_reading_the_body(cast, api_client, monkeypatch):
    from grassroots.areas import importer

    def read(*args):
        raise AssertionError("the body was read")

    monkeypatch.setattr(importer, "read_upload", read)
    response = api_client.as_user(cast.staff_s1).post("/api/v1/regions/import", b"{" * (3 * 1024 * 1024))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_body_or_file_over_the_import_limit_is_a_413(cast, api_client, client, settings, monkeypatch):
    from grassroots.conftest import PASSWORD
    from grassroots.core.tests.upload_tools import MULTIPART, multipart, record_upload_reads

    before = Region.objects.count()
    big = json.dumps({**TERRITORY, "padding": "x" * 2000}).encode()
    settings.IMPORT_MAX_FILE_BYTES = len(big) - 1
    response = api_client.as_user(cast.admin).post("/api/v1/regions/import", big)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"
    body = multipart(file=big)
    reads = record_upload_reads(monkeypatch)
    client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    assert client.post("/areas/import/", body, content_type=MULTIPART).status_code == 413
    assert reads == [] and Region.objects.count() == before
    settings.IMPORT_MAX_FILE_BYTES = len(big)
    assert api_client.as_user(cast.admin).post("/api/v1/regions/import", big).status_code == 200


def test_the_import_page_refuses_a_role_without_the_permission_before_reading(cast, client, monkeypatch):
    from grassroots.conftest import PASSWORD
    from grassroots.core.tests.upload_tools import MULTIPART, multipart, record_upload_reads

    body = multipart(file=b"{" * (2 * 1024 * 1024))
    reads = record_upload_reads(monkeypatch)
    client.post("/accounts/login/", {"username": "staff_s1", "password": PASSWORD})
    assert client.post("/areas/import/", body, content_type=MULTIPART).status_code == 403
    assert reads == []


def test_the_api_documents_the_import_refusals(client):
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/regions/import"]["post"]["responses"]
    assert {"200", "400", "403", "413"} <= set(responses)
