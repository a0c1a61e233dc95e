"""The log: gap-free indexes, signed numbered checkpoints, and proofs against them (CLI included).

Tampering and what `verify` says about it: test_verify.py."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from grassroots.audit import log
from grassroots.audit.checkpoint import verify as verify_note
from grassroots.audit.events import AuditEvent
from grassroots.audit.merkle import verify_consistency, verify_inclusion
from grassroots.audit.models import AuditEntry, AuditSubject, LogHead
from grassroots.audit.services import record
from grassroots.audit.verify import verify

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
    assert verify().ok


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
    proof = log.prove(entries[3], second)
    assert verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(second.root_hash),
    )
    cons = log.prove_consistency(first, second)
    assert verify_consistency(
        first.size,
        second.size,
        bytes.fromhex(first.root_hash),
        bytes.fromhex(second.root_hash),
        [bytes.fromhex(p) for p in cons["proof"]],
    )


def test_batched_appends_continue_the_sequence_and_verify(entries):
    from grassroots.audit.services import record_many

    rows = [
        {"event": AuditEvent.PERSON_LISTED, "extra": {"ids": [str(i), "7"], "筛选": {"网格": "G1"}}} for i in range(50)
    ]
    assert record_many(rows) == 50
    indexes = list(AuditEntry.objects.order_by("leaf_index").values_list("leaf_index", flat=True))
    assert indexes == list(range(indexes[0], indexes[0] + len(indexes)))
    last = AuditEntry.objects.order_by("-leaf_index").first()
    assert last.extra == {"ids": ["49", "7"], "筛选": {"网格": "G1"}}
    batch = AuditSubject.objects.filter(kind="registry.person", entry__gte=indexes[-50])
    assert batch.filter(object_id="7").count() == 50 and batch.count() == 99  # "7" and "7" count once
    log.make_checkpoint()
    assert verify().ok


def test_checkpoints_are_numbered_and_idempotent(entries):
    first = log.make_checkpoint()
    assert log.make_checkpoint() == first
    record(actor=None, event=AuditEvent.PERSON_VIEWED)
    second = log.make_checkpoint()
    assert (first.seq, second.seq, LogHead.objects.get().checkpoints) == (1, 2, 2)


def test_a_damaged_log_is_not_signed(entries):
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    log.reset_cache()
    with pytest.raises(log.LogError, match="日志头记录 12 条，连续存储的只有 11 条"):
        log.make_checkpoint()


def test_the_tree_cache_drops_leaves_that_are_no_longer_stored(entries):
    assert len(log.tree()) == 12
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()  # as a rolled-back append would leave it
    assert len(log.tree()) == 11


def test_prove_uses_the_latest_signed_checkpoint(entries, capsys):
    cp = log.make_checkpoint()
    record(actor=None, event=AuditEvent.PERSON_VIEWED, extra={"late": True})
    call_command("audit", "prove", str(entries[3].leaf_index))
    out = capsys.readouterr().out
    note, body = out.split("\n{", 1)
    assert note.strip() == cp.note.strip()
    proof = json.loads("{" + body)
    assert proof["tree_size"] == cp.size == 12 and proof["root_hash"] == cp.root_hash
    assert verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(cp.root_hash),
    )


def test_prove_says_when_the_entry_is_not_covered_yet(entries):
    log.make_checkpoint()
    late = record(actor=None, event=AuditEvent.PERSON_VIEWED)
    with pytest.raises(CommandError, match=f"记录 #{late.leaf_index} 尚未被检查点 #1（12 条）覆盖"):
        call_command("audit", "prove", str(late.leaf_index))


def test_prove_says_when_the_checkpoint_is_larger_than_the_log(entries):
    log.make_checkpoint()
    AuditEntry.objects.filter(leaf_index__gte=10).delete()
    log.reset_cache()
    with pytest.raises(CommandError, match="检查点 #1 覆盖 12 条，但日志只有 10 条连续记录"):
        call_command("audit", "prove", "3")


def test_prove_without_any_checkpoint_says_how_to_make_one(entries):
    with pytest.raises(CommandError, match="no checkpoint yet"):
        call_command("audit", "prove", "3")


def test_consistency_between_two_checkpoints(entries, capsys):
    first = log.make_checkpoint()
    record(actor=None, event=AuditEvent.PERSON_VIEWED)
    second = log.make_checkpoint()
    call_command("audit", "consistency", str(first.size), str(second.size))
    body = json.loads("{" + capsys.readouterr().out.split("\n{", 1)[1])
    assert verify_consistency(
        first.size,
        second.size,
        bytes.fromhex(first.root_hash),
        bytes.fromhex(second.root_hash),
        [bytes.fromhex(p) for p in body["proof"]],
    )
    with pytest.raises(CommandError, match="no checkpoint of size 5"):
        call_command("audit", "consistency", "5", str(second.size))


def test_export_prints_every_checkpoint_and_the_key(entries, capsys):
    log.make_checkpoint()
    record(actor=None, event=AuditEvent.PERSON_VIEWED)
    log.make_checkpoint()
    call_command("audit", "export", "--all")
    out = capsys.readouterr().out
    assert out.count("grassroots.local/audit\n") == 2 and "Ed25519 public key" in out


def test_a_missing_signing_key_is_a_clear_command_error(entries, settings):
    settings.AUDIT_SIGNING_KEY = ""
    with pytest.raises(CommandError, match="GRASSROOTS_AUDIT_SIGNING_KEY"):
        call_command("audit", "checkpoint")


def test_a_stale_cache_is_reloaded_rather_than_proving_the_wrong_leaves(entries):
    cp = log.make_checkpoint()
    stale = log.tree()
    stale.levels[0][4] = bytes(32)  # as if the process had cached a leaf that was rolled back
    body = log.prove(AuditEntry.objects.get(pk=entries[3].pk), cp)
    assert verify_inclusion(
        bytes.fromhex(body["leaf_hash"]),
        body["leaf_index"],
        body["tree_size"],
        [bytes.fromhex(p) for p in body["proof"]],
        bytes.fromhex(cp.root_hash),
    )


def test_an_edited_entry_is_not_proved(entries):
    cp = log.make_checkpoint()
    AuditEntry.objects.filter(pk=entries[3].pk).update(extra={"n": 999})
    with pytest.raises(log.LogError, match=f"记录 #{entries[3].leaf_index} 已不是检查点 #{cp.seq} 签署时的内容"):
        log.prove(AuditEntry.objects.get(pk=entries[3].pk), cp)
