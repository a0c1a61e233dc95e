"""POST /api/v1/risk/signals: other systems raise signals with a token; scope, bad input, idempotency."""

import pytest

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.risk.models import Signal, Warning

URL = "/api/v1/risk/signals"


def body(cast, **change):
    return {
        "domain": "environment", "region_id": cast.G1.pk, "kind": "PM2.5超标", "value": 168.0, "severity": 3,
        "evidence": ["https://monitor.example.org/stations/7"], "source": "station-7", **change,
    }  # fmt: skip


def test_a_staff_token_raises_a_signal_that_opens_a_warning(cast, api_client):
    response = api_client.as_user(cast.worker_c1).post(URL, body(cast))
    assert response.status_code == 201
    out = response.json()
    warning = Warning.objects.get()
    assert (out["level"], out["warning_id"], out["region_code"]) == (3, str(warning.pk), "G1")
    signal = Signal.objects.get()
    assert signal.source == "api:worker_c1:station-7" and signal.evidence == ["https://monitor.example.org/stations/7"]
    entry = AuditEntry.objects.get(event=AuditEvent.SIGNAL_SUBMITTED)
    assert entry.actor == cast.worker_c1 and entry.target_id == str(signal.pk)


@pytest.mark.parametrize(
    ("user", "status", "code"),
    [("resident", 403, "permission_denied"), ("grid_g1", 403, "permission_denied"), ("outsider", 404, "not_found")],
)
def test_it_refuses_callers_without_the_right_or_the_region(cast, api_client, user, status, code):
    response = api_client.as_user(getattr(cast, user)).post(URL, body(cast))
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Signal.objects.exists() and not AuditEntry.objects.filter(event=AuditEvent.SIGNAL_SUBMITTED).exists()


def test_it_needs_a_token(cast, client):
    response = client.post(URL, body(cast), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"domain": "weather"}, 422),  # the domains are enumerated in the schema (the API contract)
        ({"region_id": 999999}, 404),
        ({"kind": ""}, 422),  # so is the kind's minimum length
        ({"kind": "x" * 61}, 422),
        ({"value": "lots"}, 422),
        ({"severity": 0}, 422),
        ({"severity": 5}, 422),
        ({"evidence": ["javascript:alert(1)"]}, 400),
        ({"evidence": ["//evil.example/x"]}, 400),
        ({"evidence": ["/x"] * 21}, 422),
        ({"occurred_at": "2026-01-01T08:00:00"}, 400),  # no time zone
        ({"occurred_at": "2999-01-01T08:00:00+08:00"}, 400),  # the future
        ({"occurred_at": "0001-01-01T00:00:00+00:00"}, 400),  # the dedupe window would fall off the calendar
    ],
)
def test_bad_signals_get_a_clear_4xx_and_store_nothing(cast, api_client, change, status):
    response = api_client.as_user(cast.worker_c1).post(URL, body(cast, **change))
    expected = {404: "not_found"}.get(status, "invalid_input")  # an unknown domain: the schema's enum (422)
    assert (response.status_code, response.json()["code"]) == (status, expected)
    assert not Signal.objects.exists()


def test_an_idempotency_key_makes_a_retry_safe(cast, api_client):
    client = api_client.as_user(cast.worker_c1)
    first = client.post(URL, body(cast), headers={"Idempotency-Key": "sig-1"})
    again = client.post(URL, body(cast), headers={"Idempotency-Key": "sig-1"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Signal.objects.count() == 1 and Warning.objects.get().count == 1
    other = client.post(URL, body(cast, value=1.0), headers={"Idempotency-Key": "sig-1"})
    assert (other.status_code, other.json()["code"]) == (409, "conflict")
