"""The tamper-evident log: every edit, deletion, insertion or reordering of a past entry is found."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grassroots.audit import log
from grassroots.audit.checkpoint import verify as verify_note
from grassroots.audit.events import AuditEvent
from grassroots.audit.merkle import verify_consistency, verify_inclusion
from grassroots.audit.models import AuditEntry
from grassroots.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    log.reset_cache()
    rows = [
        record(actor=None, event=AuditEvent.PERSON_VIEWED, target_type="registry.person", target_id=i, extra={"n": i})
        for i in range(12)
    ]
    yield rows
    log.reset_cache()


def raw_update(entry_id, **fields):
    """Tamper the way an attacker with database access would: bypassing the model's append-only guard."""
    AuditEntry.objects.filter(pk=entry_id).update(**fields)


def test_entries_get_gap_free_indexes_and_verify(entries):
    assert [e.leaf_index for e in entries] == list(range(entries[0].leaf_index, entries[0].leaf_index + 12))
    log.make_checkpoint()
    assert log.verify().ok


def test_checkpoints_are_signed_c2sp_notes(entries, settings):
    cp = log.make_checkpoint()
    lines = cp.note.splitlines()
    assert lines[0] == settings.AUDIT_LOG_ORIGIN and int(lines[1]) == cp.size and lines[3] == ""
    assert lines[4].startswith("— grassroots-audit ")
    signed = verify_note(cp.note, name=settings.AUDIT_KEY_NAME, public_key=log.public_key())
    assert signed.root.hex() == cp.root_hash
    with pytest.raises(ValueError, match="does not verify"):
        verify_note(
            cp.note.replace(f"\n{cp.size}\n", f"\n{cp.size + 1}\n"),
            name=settings.AUDIT_KEY_NAME,
            public_key=log.public_key(),
        )


def test_inclusion_and_consistency_proofs_verify(entries):
    first = log.make_checkpoint()
    record(actor=None, event=AuditEvent.PERSON_VIEWED, extra={"late": True})
    second = log.make_checkpoint()
    proof = log.inclusion(entries[3], second.size)
    assert verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(second.root_hash),
    )
    cons = log.consistency(first.size, second.size)
    assert verify_consistency(
        first.size,
        second.size,
        bytes.fromhex(first.root_hash),
        bytes.fromhex(second.root_hash),
        [bytes.fromhex(p) for p in cons["proof"]],
    )


def test_an_edited_entry_is_pinpointed(entries):
    log.make_checkpoint()
    raw_update(entries[5].pk, extra={"n": 999})
    problems = log.verify().problems
    assert any(f"entry #{entries[5].leaf_index}" in p and "changed" in p for p in problems)


def test_an_edit_with_a_recomputed_hash_is_caught_by_the_checkpoint(entries):
    cp = log.make_checkpoint()
    victim = AuditEntry.objects.get(pk=entries[5].pk)
    victim.extra = {"n": 999}
    raw_update(victim.pk, extra=victim.extra, leaf_hash=log.leaf_hash(log.canonical(victim)).hex())
    problems = log.verify().problems
    assert any(f"checkpoint {cp.size}: root differs" in p for p in problems)


def test_deletion_insertion_and_reordering_are_found(entries):
    log.make_checkpoint()
    AuditEntry.objects.filter(pk=entries[4].pk).delete()  # QuerySet.delete bypasses the model guard
    assert any("missing" in p for p in log.verify().problems)


def test_reordering_is_found(entries):
    log.make_checkpoint()
    a, b = entries[2], entries[3]
    raw_update(a.pk, leaf_index=-1)
    raw_update(b.pk, leaf_index=a.leaf_index)
    raw_update(a.pk, leaf_index=b.leaf_index)
    assert not log.verify().ok


def test_the_verify_command_fails_loudly(entries, capsys):
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    assert "verified" in capsys.readouterr().out
    raw_update(entries[0].pk, actor_label="someone-else")
    with pytest.raises(CommandError, match="FAILED"):
        call_command("audit", "verify")


def test_batched_appends_continue_the_sequence_and_verify(entries):
    from grassroots.audit.services import record_many

    assert record_many([{"event": AuditEvent.PERSON_LISTED, "extra": {"k": i}} for i in range(50)]) == 50
    indexes = list(AuditEntry.objects.order_by("leaf_index").values_list("leaf_index", flat=True))
    assert indexes == list(range(indexes[0], indexes[0] + len(indexes)))
    log.make_checkpoint()
    assert log.verify().ok


def test_the_auditors_page_searches_proves_and_exports(cast, client, api_client):
    from grassroots.conftest import PASSWORD
    from grassroots.registry import services as registry

    log.reset_cache()
    registry.get_person_for(cast.grid_g1, cast.p1.pk)
    client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    page = client.get(f"/audit/?person={cast.p1.pk}&actor=grid_g1").content.decode()
    assert "grid_g1" in page and str(cast.p1.pk) in page
    entry = AuditEntry.objects.filter(actor=cast.grid_g1, target_id=str(cast.p1.pk)).first()
    body = client.get(f"/audit/entries/{entry.leaf_index}/proof.json").json()
    assert verify_inclusion(
        bytes.fromhex(body["leaf_hash"]),
        body["leaf_index"],
        body["tree_size"],
        [bytes.fromhex(p) for p in body["proof"]],
        bytes.fromhex(body["root_hash"]),
    )
    note = client.get("/audit/checkpoint.txt").content.decode()
    assert note.startswith("grassroots.local/audit\n") and "Ed25519 public key" in note
    client.post("/accounts/login/", {"username": "staff_s1", "password": PASSWORD})
    assert client.get("/audit/").status_code == 403
    assert client.get(f"/audit/entries/{entry.leaf_index}/proof.json").status_code == 403
    log.reset_cache()
