"""POST /api/v1/environment/observations with ingest tokens, and the token API and page."""

from __future__ import annotations

import json

import pytest

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.environment import ingest as ingesting
from grassroots.environment import storage, tokens
from grassroots.environment.models import IngestToken, Observation
from grassroots.environment.tests.streams import station

URL = "/api/v1/environment/observations"


@pytest.fixture
def world(cast, monkeypatch):
    monkeypatch.setattr(ingesting, "_handlers", [])
    monkeypatch.setattr(storage, "_known", set())
    cast.st1 = station(cast.G1, "st-g1")
    cast.st4 = station(cast.G4, "st-g4")
    cast.token, cast.secret = tokens.create_token(cast.admin, name="设备一", station_ids=[cast.st1.pk])
    return cast


def post(client, body, secret: str | None = None, raw: bool = False):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    data = body if raw else json.dumps(body)
    return client.post(URL, data, content_type="application/json", headers=headers)


def item(**overrides):
    return {"station": "st-g1", "property": "pm25", "time": "2026-03-01T08:00:00+08:00", "value": 35.0, **overrides}


def test_it_stores_a_batch_and_reports_each_bad_item(client, world):
    body = {
        "observations": [
            item(),
            item(station="st-g4"),
            item(value="35"),
            item(time="2026-03-01T09:00:00"),
            {"station": "st-g1"},
            42,
            item(time="2026-03-01T10:00:00Z", unit="ug/m3", quality=1),
            item(time=1772323200),  # Unix seconds are not ISO 8601
            item(time="2026-02-30T08:00:00+08:00"),
            item(quality=5),
        ]
    }
    response = post(client, body, world.secret)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["accepted"], answer["duplicates"]) == (2, 0)
    assert [(e["index"], e["code"]) for e in answer["errors"]] == [
        (1, "station_not_allowed"),
        (2, "invalid_item"),
        (3, "naive_time"),
        (4, "invalid_item"),
        (5, "invalid_item"),
        (7, "invalid_item"),
        (8, "invalid_item"),
        (9, "invalid_item"),
    ]
    assert "value" in answer["errors"][1]["message"]
    assert Observation.objects.count() == 2


def test_a_resend_is_idempotent(client, world):
    body = {"observations": [item(), item(time="2026-03-01T09:00:00+08:00")]}
    assert post(client, body, world.secret).json()["accepted"] == 2
    again = post(client, body, world.secret).json()
    assert (again["accepted"], again["duplicates"], again["errors"]) == (0, 2, [])


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_item_errors(client, world, value):
    raw = '{"observations": [{"station": "st-g1", "property": "pm25", "time": "2026-03-01T08:00:00Z", "value": %s}]}'
    answer = post(client, raw % value, world.secret, raw=True).json()
    assert [e["code"] for e in answer["errors"]] == ["not_a_number"]


def test_it_refuses_without_a_valid_ingest_token(client, world, api_client):
    body = {"observations": [item()]}
    assert post(client, body).status_code == 401
    assert post(client, body, "envt_" + "x" * 43).status_code == 401
    assert post(client, body, "not-even-ours").status_code == 401
    # A staff user's own API token is not a device token.
    assert api_client.as_user(world.admin).post(URL, json.dumps(body)).status_code == 401
    client.force_login(world.admin)
    assert post(client, body).status_code == 401  # nor is a session
    assert Observation.objects.count() == 0


def test_a_revoked_token_is_refused_at_once(client, world):
    tokens.revoke_token(world.admin, world.token)
    response = post(client, {"observations": [item()]}, world.secret)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_it_refuses_an_oversized_batch(client, world, settings):
    settings.ENVIRONMENT_INGEST_MAX_ITEMS = 3
    response = post(client, {"observations": [item()] * 4}, world.secret)
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_observations"
    assert Observation.objects.count() == 0


def test_malformed_json_is_a_400(client, world):
    response = post(client, '{"observations": [', world.secret, raw=True)
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_a_body_without_an_observations_list_is_a_422(client, world):
    response = post(client, {"observations": "many"}, world.secret)
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_the_item_schema_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"][URL]["post"]["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[1]
    items = schema["components"]["schemas"][ref]["properties"]["observations"]
    assert set(items["items"]["properties"]) == {"station", "property", "time", "value", "unit", "quality"}
    assert items["maxItems"] == 10_000
    assert schema["paths"][URL]["post"]["security"] == [{"IngestTokenAuth": []}]


# Token management -------------------------------------------------------------------------------------------


def test_staff_create_list_and_revoke_tokens_with_audit(api_client, world):
    staff = api_client.as_user(world.staff_s1)
    created = staff.post("/api/v1/environment/tokens", json.dumps({"name": "网关", "station_ids": [str(world.st1.pk)]}))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["token"].startswith("envt_") and body["prefix"] == body["token"][:13]
    assert body["stations"] == ["st-g1"]
    stored = IngestToken.objects.get(pk=body["id"])
    assert stored.token_hash == tokens.hash_secret(body["token"]) and body["token"] not in stored.token_hash
    listed = staff.get("/api/v1/environment/tokens").json()
    assert {t["id"] for t in listed} == {body["id"], world.token.pk} and all("token" not in t for t in listed)
    revoked = staff.post(f"/api/v1/environment/tokens/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    again = staff.post(f"/api/v1/environment/tokens/{body['id']}/revoke")
    assert again.status_code == 409 and again.json()["code"] == "token_revoked"
    events = list(AuditEntry.objects.filter(target_id=str(body["id"]), event__gte=1000).values_list("event", flat=True))
    assert sorted(events) == [AuditEvent.INGEST_TOKEN_CREATED, AuditEvent.INGEST_TOKEN_REVOKED]


def test_a_token_for_a_station_outside_ones_area_is_not_found(api_client, world):
    staff = api_client.as_user(world.staff_s1)
    body = {"name": "越界", "station_ids": [str(world.st1.pk), str(world.st4.pk)]}
    response = staff.post("/api/v1/environment/tokens", json.dumps(body))
    assert response.status_code == 404 and IngestToken.objects.count() == 1


def test_a_token_naming_a_station_outside_is_hidden_and_cannot_be_revoked(api_client, world):
    both, _ = tokens.create_token(world.admin, name="两站", station_ids=[world.st1.pk, world.st4.pk])
    staff = api_client.as_user(world.staff_s1)
    assert {t["id"] for t in staff.get("/api/v1/environment/tokens").json()} == {world.token.pk}
    assert staff.post(f"/api/v1/environment/tokens/{both.pk}/revoke").status_code == 404


def test_roles_without_manage_environment_are_refused(api_client, world):
    worker = api_client.as_user(world.worker_c1)
    assert worker.get("/api/v1/environment/tokens").status_code == 403


def test_the_page_shows_the_secret_once(client, world):
    client.force_login(world.staff_s1)
    page = client.post("/environment/tokens/", {"name": "页面签发", "stations": [str(world.st1.pk)]})
    assert page.status_code == 200
    token = IngestToken.objects.get(name="页面签发")
    secret = page.content.decode().split('data-testid="issued-token"', 1)[1].split("<code>")[1].split("</code>")[0]
    assert tokens.hash_secret(secret) == token.token_hash
    assert secret not in client.get("/environment/tokens/").content.decode()


def test_the_page_refuses_a_bad_form_and_an_outside_station(client, world):
    client.force_login(world.staff_s1)
    assert client.post("/environment/tokens/", {"name": "", "stations": [str(world.st1.pk)]}).status_code == 400
    assert client.post("/environment/tokens/", {"name": "x", "stations": ["abc"]}).status_code == 400
    assert client.post("/environment/tokens/", {"name": "x", "stations": [str(world.st4.pk)]}).status_code == 404
    assert client.post("/environment/tokens/", {"name": "x"}).status_code == 400  # no station
    assert IngestToken.objects.count() == 1


def test_the_page_revokes(client, world):
    client.force_login(world.staff_s1)
    response = client.post(f"/environment/tokens/{world.token.pk}/revoke/")
    assert response.status_code == 302
    world.token.refresh_from_db()
    assert world.token.revoked_at is not None
