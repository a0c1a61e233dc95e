"""Open311 GeoReport v2: JSON and XML, api_key and jurisdiction_id, the standard error list, and an
unmodified third-party client (PyPI `georeport`) against a live server."""

import json
from xml.etree import ElementTree as ET

import pytest

from grassroots.cases.models import Case
from grassroots.open311.models import ApiKey

KEY = "o311_test_key"
POST = {
    "service_code": "manhole",
    "lat": "39.85",
    "long": "116.32",
    "description": "路口的井盖不见了，晚上很危险",
    "first_name": "明",
    "last_name": "王",
    "phone": "13900009999",
    "api_key": KEY,
}


@pytest.fixture
def key(db):
    return ApiKey.objects.create(name="test-app", key_hash=ApiKey.hash_key(KEY))


def test_services_list_only_public_space_categories(cast, client):
    services = client.get("/open311/v2/services.json").json()
    codes = {s["service_code"] for s in services}
    assert {"manhole", "noise", "fire_hazard"} <= codes and not codes & {"neighbour", "wage_arrears"}
    assert all(s["type"] == "realtime" and s["metadata"] is True for s in services)


def test_services_in_xml(cast, client):
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "services" and root.find("service/service_code") is not None


def test_service_definition(cast, client):
    definition = client.get("/open311/v2/services/manhole.json").json()
    assert definition["service_code"] == "manhole" and definition["attributes"][0]["code"] == "door_number"
    root = ET.fromstring(client.get("/open311/v2/services/manhole.xml").content)
    assert root.tag == "service_definition" and root.find("attributes/attribute/code").text == "door_number"
    assert client.get("/open311/v2/services/neighbour.json").status_code == 404


def test_post_creates_a_case_and_hides_personal_data(cast, client, key):
    response = client.post("/open311/v2/requests.json", POST)
    assert response.status_code == 201
    [created] = response.json()
    case = Case.objects.get(number=created["service_request_id"])
    assert (case.channel, case.category.code, case.region) == ("open311", "manhole", cast.G1)
    assert case.reporter_name == "王 明" and case.reporter_phone == "13900009999"
    [row] = client.get(f"/open311/v2/requests/{case.number}.json").json()
    assert row["status"] == "open" and "13900009999" not in json.dumps(row, ensure_ascii=False)
    # GeoReport v2: the id is known at once, so no token (a token is returned only *instead of* the id).
    assert "token" not in created
    token = client.get(f"/open311/v2/tokens/{case.number}.json", {"api_key": KEY}).json()
    assert token[0]["service_request_id"] == case.number  # the filing key redeems it as a token (test_exposure)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "nope"}, 404),
        ({"lat": "", "long": ""}, 400),
        ({"lat": "abc"}, 400),
        ({"lat": "39.0", "long": "117.5"}, 400),
        ({"jurisdiction_id": "999999"}, 404),
    ],
)
def test_post_errors_follow_the_spec(cast, client, key, change, status):
    response = client.post("/open311/v2/requests.xml", {**POST, **change})
    assert response.status_code == status
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/code").text == str(status)
    assert Case.objects.count() == 0


def test_retries_with_an_idempotency_key_create_one_case(cast, client, key):
    first = client.post("/open311/v2/requests.json", POST, headers={"Idempotency-Key": "dev-1-42"}).json()
    again = client.post("/open311/v2/requests.json", POST, headers={"Idempotency-Key": "dev-1-42"}).json()
    assert first == again and Case.objects.count() == 1


def test_request_queries_filter_by_status_code_and_dates(cast, client, key):
    client.post("/open311/v2/requests.json", POST)
    assert len(client.get("/open311/v2/requests.json?status=open&service_code=manhole").json()) == 1
    assert client.get("/open311/v2/requests.json?status=closed").json() == []
    assert client.get("/open311/v2/requests.json?status=maybe").status_code == 400
    assert (
        client.get(
            "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z"
        ).status_code
        == 400
    )  # more than 90 days
    assert client.get("/open311/v2/requests.txt").status_code == 404


def test_discovery(cast, client):
    data = client.get("/open311/v2/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert ET.fromstring(client.get("/open311/v2/discovery.xml").content).tag == "discovery"


@pytest.mark.django_db(transaction=True)  # seeds what it needs: no serialized restore to collide with
@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_an_unmodified_third_party_client_works(live_server, output_format):
    """PyPI `georeport` 0.3.1, used as published, over HTTP against the live server."""
    import requests
    from georeport import GeoReport

    from grassroots.cases.defaults import seed
    from grassroots.cases.models import Category, ResponsibilityRule
    from grassroots.conftest import Cast

    seed(Category, ResponsibilityRule)  # an earlier transactional test's flush may have removed migration data
    Cast()
    ApiKey.objects.create(name="client", key_hash=ApiKey.hash_key(KEY))
    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="110101", api_key=KEY, output_format=output_format)
    services = client.get_service_list()
    assert any(s["service_code"] == "manhole" for s in services)
    definition = client.get_service_definition("manhole")
    assert definition["service_code"] == "manhole"
    created = requests.post(
        f"{live_server.url}/open311/v2/requests.json", data={**POST, "jurisdiction_id": "110101"}, timeout=30
    ).json()[0]
    one = client.get_service_request(created["service_request_id"])
    assert one["service_request_id"] == created["service_request_id"] and one["status"] == "open"
    many = client.get_service_requests(status="open", service_code="manhole")
    many = [many] if isinstance(many, dict) else many  # xmltodict gives a dict for a single element
    assert [r["service_request_id"] for r in many] == [created["service_request_id"]]


def test_a_synchronous_post_answers_with_the_id_and_no_token_in_xml(cast, client, key):
    root = ET.fromstring(client.post("/open311/v2/requests.xml", POST).content)
    request = root.find("request")
    assert request.find("service_request_id").text == Case.objects.get().number
    assert request.find("token") is None
