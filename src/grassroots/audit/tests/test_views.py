"""The auditors' page: scoped to the auditor's subtree, searched through indexes, itself audited."""

import re

import pytest

from grassroots.accounts import services as accounts
from grassroots.accounts.roles import Role
from grassroots.audit import log
from grassroots.audit.events import AuditEvent
from grassroots.audit.merkle import verify_inclusion
from grassroots.audit.models import AuditEntry
from grassroots.audit.services import record
from grassroots.conftest import PASSWORD
from grassroots.registry import services as registry

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def fresh_tree_cache():
    log.reset_cache()
    yield
    log.reset_cache()


def officer(cast, name: str, region):
    user = accounts.create_user(username=name, password=PASSWORD, display_name=name)
    accounts.grant_membership(None, user, role=Role.DATA_OFFICER, region=region)
    return user


def leaves(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()[:500]
    return [int(i) for i in re.findall(r'data-leaf="(\d+)"', response.content.decode())]


def last(event: AuditEvent) -> AuditEntry:
    return AuditEntry.objects.filter(event=event).order_by("-leaf_index").first()


def test_the_auditors_page_searches_proves_and_exports(cast, client):
    registry.get_person_for(cast.grid_g1, cast.p1.pk)
    entry = last(AuditEvent.PERSON_VIEWED)
    client.force_login(cast.admin, backend=BACKEND)
    assert entry.leaf_index in leaves(client.get(f"/audit/?person={cast.p1.pk}&actor=grid_g1"))
    body = client.get(f"/audit/entries/{entry.leaf_index}/proof.json").json()
    checkpoint = log.latest_checkpoint()
    assert body["tree_size"] == checkpoint.size and body["checkpoint"] == checkpoint.note
    assert verify_inclusion(
        bytes.fromhex(body["leaf_hash"]),
        body["leaf_index"],
        body["tree_size"],
        [bytes.fromhex(p) for p in body["proof"]],
        bytes.fromhex(checkpoint.root_hash),
    )
    note = client.get("/audit/checkpoint.txt").content.decode()
    assert note.startswith("grassroots.local/audit\n") and "Ed25519 public key" in note


def test_roles_without_the_audit_permission_are_refused(cast, client):
    entry = AuditEntry.objects.first()
    client.force_login(cast.staff_s1, backend=BACKEND)
    assert client.get("/audit/").status_code == 403
    assert client.get(f"/audit/entries/{entry.leaf_index}/proof.json").status_code == 403
    assert client.get("/audit/checkpoints/").status_code == 403
    client.force_login(cast.resident, backend=BACKEND)  # a resident is sent to the portal, shown nothing
    for url in ("/audit/", f"/audit/entries/{entry.leaf_index}/proof.json", "/audit/checkpoints/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/portal/")


def test_a_person_read_from_a_list_view_is_found(cast, client):
    client.force_login(cast.grid_g1, backend=BACKEND)
    assert client.get("/registry/persons/").status_code == 200
    listing = last(AuditEvent.PERSON_LISTED)
    assert listing.extra["ids"] == [str(cast.p1.pk)]
    client.force_login(cast.admin, backend=BACKEND)
    page = client.get(f"/audit/?person={cast.p1.pk}")
    assert listing.leaf_index in leaves(page)
    assert "浏览人员列表" in page.content.decode()  # the event's name, not only its code
    assert listing.leaf_index not in leaves(client.get(f"/audit/?person={cast.p4.pk}"))


def test_a_street_auditor_sees_only_their_street(cast, client):
    registry.get_person_for(cast.grid_g1, cast.p1.pk)  # in S1
    in_s1 = last(AuditEvent.PERSON_VIEWED)
    registry.get_person_for(cast.outsider, cast.p4.pk)  # in S2
    in_s2 = last(AuditEvent.PERSON_VIEWED)
    district_wide = last(AuditEvent.REGION_IMPORTED)  # a system job: no region
    client.force_login(officer(cast, "officer_s2", cast.S2), backend=BACKEND)
    seen = leaves(client.get("/audit/"))
    assert in_s2.leaf_index in seen and in_s1.leaf_index not in seen and district_wide.leaf_index not in seen
    assert leaves(client.get(f"/audit/?person={cast.p1.pk}")) == []
    refused = client.get(f"/audit/entries/{in_s1.leaf_index}/proof.json")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    client.force_login(officer(cast, "officer_d", cast.D), backend=BACKEND)
    seen = leaves(client.get("/audit/"))
    assert {in_s1.leaf_index, in_s2.leaf_index, district_wide.leaf_index} <= set(seen)


def test_reads_without_a_target_belong_to_the_actors_area(cast, client):
    client.force_login(cast.grid_g1, backend=BACKEND)
    client.get("/registry/persons/")
    listing = last(AuditEvent.PERSON_LISTED)
    assert listing.region_path == cast.G1.path
    client.force_login(officer(cast, "officer_s1", cast.S1), backend=BACKEND)
    assert listing.leaf_index in leaves(client.get(f"/audit/?person={cast.p1.pk}"))


def test_searching_the_log_is_itself_audited(cast, client):
    client.force_login(cast.admin, backend=BACKEND)
    client.get(f"/audit/?person={cast.p1.pk}&since=2020-01-01")
    search = last(AuditEvent.AUDIT_SEARCHED)
    assert search.actor == cast.admin and search.extra["person"] == str(cast.p1.pk)
    assert search.extra["since"] == "2020-01-01"
    # A later search for the person shows who looked them up in the log.
    assert search.leaf_index in leaves(client.get(f"/audit/?person={cast.p1.pk}"))
    client.get(f"/audit/entries/{search.leaf_index}/proof.json")
    assert last(AuditEvent.AUDIT_PROOF_VIEWED).target_id == str(search.leaf_index)


def test_the_actor_search_and_paging_by_leaf_index(cast, client):
    for i in range(55):
        record(actor=cast.grid_g1, event=AuditEvent.PERSON_VIEWED, target=cast.p1, extra={"i": i})
    mine = list(
        AuditEntry.objects.filter(actor_label="grid_g1").order_by("-leaf_index").values_list("leaf_index", flat=True)
    )
    client.force_login(cast.admin, backend=BACKEND)
    first = client.get("/audit/?actor=grid_g1")
    assert leaves(first) == mine[:50]
    before = re.search(r"before=(\d+)", first.content.decode()).group(1)
    assert leaves(client.get(f"/audit/?actor=grid_g1&before={before}")) == mine[50:]
    assert client.get("/audit/?since=2026-13-01").status_code == 400
    assert client.get("/audit/?before=%C2%B2").status_code == 400  # a Unicode digit int() refuses


def test_every_checkpoint_can_be_listed_and_downloaded(cast, client):
    first = log.make_checkpoint()
    record(actor=None, event=AuditEvent.PERSON_VIEWED)
    second = log.make_checkpoint()
    client.force_login(officer(cast, "officer_s1", cast.S1), backend=BACKEND)
    listing = client.get("/audit/checkpoints/").content.decode()
    assert f"/audit/checkpoints/{first.size}.txt" in listing and f"/audit/checkpoints/{second.size}.txt" in listing
    download = client.get(f"/audit/checkpoints/{first.size}.txt")
    assert download.content.decode().startswith(first.note)
    assert download["Content-Disposition"] == f'attachment; filename="audit-checkpoint-{first.size}.txt"'
    assert last(AuditEvent.AUDIT_CHECKPOINT_EXPORTED).extra == {"size": first.size}
    assert client.get("/audit/checkpoints/99999.txt").status_code == 404


def test_the_proof_page_says_when_the_log_is_shorter_than_its_checkpoint(cast, client):
    log.make_checkpoint()
    size = AuditEntry.objects.count()
    AuditEntry.objects.filter(leaf_index__gte=size - 2).delete()
    log.reset_cache()
    client.force_login(cast.admin, backend=BACKEND)
    response = client.get("/audit/entries/1/proof.json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert f"覆盖 {size} 条，但日志只有 {size - 2} 条连续记录" in response.json()["message"]


def test_a_missing_signing_key_is_a_clear_page_error(cast, client, settings):
    settings.AUDIT_SIGNING_KEY = ""
    client.force_login(cast.admin, backend=BACKEND)
    page = client.get("/audit/checkpoint.txt")
    assert page.status_code == 503 and "GRASSROOTS_AUDIT_SIGNING_KEY" in page.content.decode()
    proof = client.get("/audit/entries/1/proof.json")
    assert proof.status_code == 503 and "GRASSROOTS_AUDIT_SIGNING_KEY" in proof.json()["message"]


def test_the_navigation_shows_the_audit_log_to_auditors_only(cast, client):
    auditor = officer(cast, "auditor_nav", cast.D)
    client.force_login(auditor, backend=BACKEND)
    assert 'href="/audit/"' in client.get("/").content.decode()
    client.force_login(cast.grid_g1, backend=BACKEND)
    assert 'href="/audit/"' not in client.get("/").content.decode()
