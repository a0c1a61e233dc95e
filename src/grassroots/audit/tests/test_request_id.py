"""Entries written while serving a request carry that request's id, the one the response returns."""

import re

import pytest

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.audit.services import record, record_many

BACKEND = "django.contrib.auth.backends.ModelBackend"


def last(event: AuditEvent) -> AuditEntry:
    return AuditEntry.objects.filter(event=event).order_by("-leaf_index").first()


def test_an_entry_written_during_a_request_carries_the_responses_request_id(cast, client):
    client.force_login(cast.grid_g1, backend=BACKEND)
    response = client.get("/registry/persons/")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert last(AuditEvent.PERSON_LISTED).request_id == response["X-Request-ID"]


def test_the_api_carries_it_too(cast, api_client):
    response = api_client.as_user(cast.staff_s1).get(f"/api/v1/registry/persons/{cast.p1.pk}")
    assert response.status_code == 200
    assert last(AuditEvent.PERSON_VIEWED).request_id == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("lb-7f3a9c21.0001", True),
        ("a" * 64, True),
        ("short", False),  # under 8 characters
        ("a" * 65, False),
        ("id with spaces", False),
        ("abc12345\r\nSet-Cookie: x", False),
        ("伪造的请求编号很长很长", False),
    ],
)
def test_a_sane_incoming_request_id_is_kept_and_anything_else_replaced(cast, client, incoming, kept):
    client.force_login(cast.grid_g1, backend=BACKEND)
    response = client.get("/registry/persons/", headers={"X-Request-ID": incoming})
    assert (response["X-Request-ID"] == incoming) is kept
    assert last(AuditEvent.PERSON_LISTED).request_id == response["X-Request-ID"]


def test_outside_a_request_there_is_none_and_an_explicit_one_wins(db):
    assert record(actor=None, event=AuditEvent.PERSON_VIEWED).request_id == ""
    assert record(actor=None, event=AuditEvent.PERSON_VIEWED, request_id="job-20261201").request_id == "job-20261201"
    record_many([{"event": AuditEvent.PERSON_LISTED}])
    assert last(AuditEvent.PERSON_LISTED).request_id == ""
