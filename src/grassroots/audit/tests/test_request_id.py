"""Entries written while serving a request carry that request's id, the one the response returns.

The id is always the server's own; what the client sent in X-Request-ID is kept beside it, never in its place.
"""

import re

import pytest

from grassroots.audit import log
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.audit.services import record, record_many
from grassroots.audit.verify import verify

BACKEND = "django.contrib.auth.backends.ModelBackend"
SERVER_ID = re.compile(r"[0-9a-f]{32}")


def last(event: AuditEvent) -> AuditEntry:
    return AuditEntry.objects.filter(event=event).order_by("-leaf_index").first()


def test_an_entry_written_during_a_request_carries_the_responses_request_id(cast, client):
    client.force_login(cast.grid_g1, backend=BACKEND)
    response = client.get("/registry/persons/")
    assert SERVER_ID.fullmatch(response["X-Request-ID"])
    entry = last(AuditEvent.PERSON_LISTED)
    assert (entry.request_id, entry.client_request_id) == (response["X-Request-ID"], "")


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
def test_the_server_id_is_always_ours_and_a_sane_client_id_is_kept_beside_it(cast, client, incoming, kept):
    client.force_login(cast.grid_g1, backend=BACKEND)
    response = client.get("/registry/persons/", headers={"X-Request-ID": incoming})
    assert SERVER_ID.fullmatch(response["X-Request-ID"]) and response["X-Request-ID"] != incoming
    entry = last(AuditEvent.PERSON_LISTED)
    assert entry.request_id == response["X-Request-ID"]
    assert entry.client_request_id == (incoming if kept else "")


def test_a_client_cannot_give_two_requests_one_id(cast, client):
    client.force_login(cast.grid_g1, backend=BACKEND)
    first = client.get("/registry/persons/", headers={"X-Request-ID": "replayed-id-0001"})
    second = client.get("/registry/persons/", headers={"X-Request-ID": "replayed-id-0001"})
    assert first["X-Request-ID"] != second["X-Request-ID"]
    ids = AuditEntry.objects.filter(event=AuditEvent.PERSON_LISTED).values_list("request_id", "client_request_id")
    assert set(ids) == {(first["X-Request-ID"], "replayed-id-0001"), (second["X-Request-ID"], "replayed-id-0001")}


def test_the_client_id_is_part_of_the_hashed_leaf_and_older_leaves_are_unchanged(cast, client):
    log.reset_cache()
    client.force_login(cast.grid_g1, backend=BACKEND)
    client.get("/registry/persons/", headers={"X-Request-ID": "client-id-0001"})
    entry = last(AuditEvent.PERSON_LISTED)
    assert log.entry_data(entry)["client_request_id"] == "client-id-0001"
    outside = record(actor=None, event=AuditEvent.PERSON_VIEWED)
    assert "client_request_id" not in log.entry_data(outside)  # the leaf as it was before the field existed
    assert verify().ok
    AuditEntry.objects.filter(pk=entry.pk).update(client_request_id="someone-else-01")
    assert entry.leaf_index in {p.index for p in verify().problems}
    log.reset_cache()


def test_outside_a_request_there_is_none_and_an_explicit_one_wins(db):
    assert record(actor=None, event=AuditEvent.PERSON_VIEWED).request_id == ""
    assert record(actor=None, event=AuditEvent.PERSON_VIEWED, request_id="job-20261201").request_id == "job-20261201"
    record_many([{"event": AuditEvent.PERSON_LISTED}])
    assert (last(AuditEvent.PERSON_LISTED).request_id, last(AuditEvent.PERSON_LISTED).client_request_id) == ("", "")
