"""`verify` finds every edit, deletion, insertion or reordering of a past entry, and names where it is.

Tampering is done the way an attacker with database access would: with QuerySet.update/delete and raw
inserts, bypassing the model's append-only guard.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from grassroots.audit import log
from grassroots.audit.events import AuditEvent
from grassroots.audit.merkle import leaf_hash
from grassroots.audit.models import AuditEntry, Checkpoint, LogHead
from grassroots.audit.services import record
from grassroots.audit.verify import verify

pytestmark = pytest.mark.django_db


def add(n: int, start: int = 0) -> list[AuditEntry]:
    return [
        record(actor=None, event=AuditEvent.PERSON_VIEWED, target_type="registry.person", target_id=i, extra={"n": i})
        for i in range(start, start + n)
    ]


@pytest.fixture
def entries():
    log.reset_cache()
    yield add(12)
    log.reset_cache()


def found(kind: str | None = None) -> set:
    """(kind, entry index, checkpoint number) of every problem, or of one kind."""
    return {(p.kind, p.index, p.checkpoint) for p in verify().problems if kind in (None, p.kind)}


def raw_update(entry_id, **fields):
    AuditEntry.objects.filter(pk=entry_id).update(**fields)


def rehash(entry_id, **fields):
    """Change an entry and recompute its stored hash too, as a careful attacker would."""
    entry = AuditEntry.objects.get(pk=entry_id)
    for name, value in fields.items():
        setattr(entry, name, value)
    raw_update(entry_id, **fields, leaf_hash=leaf_hash(log.canonical(entry)).hex())


def test_an_intact_log_verifies(entries):
    log.make_checkpoint()
    add(3, start=12)
    log.make_checkpoint()
    report = verify()
    assert report.ok, report.problems
    assert (report.entries, report.checkpoints) == (15, 2)


def test_an_edited_entry_is_pinpointed(entries):
    log.make_checkpoint()
    raw_update(entries[5].pk, extra={"n": 999})
    assert found() == {("changed", entries[5].leaf_index, None)}


def test_an_edit_with_a_recomputed_hash_is_caught_by_the_checkpoint(entries):
    log.make_checkpoint()  # #1 of 12 entries
    add(4, start=12)
    cp = log.make_checkpoint()  # #2 of 16
    rehash(AuditEntry.objects.get(leaf_index=13).pk, extra={"n": 999})
    # Named down to the stretch between the two checkpoints: entries #12..#15.
    assert found() == {("checkpoint_root", 12, cp.seq)}


def test_a_deleted_middle_entry_is_pinpointed(entries):
    cp = log.make_checkpoint()
    AuditEntry.objects.filter(pk=entries[4].pk).delete()
    assert ("missing", entries[4].leaf_index, None) in found()
    assert ("checkpoint_root", 0, cp.seq) in found()


def test_deleting_the_newest_entries_after_the_last_checkpoint_is_found(entries):
    log.make_checkpoint()  # 12 entries
    newest = add(3, start=12)  # #12..#14, not checkpointed yet
    AuditEntry.objects.filter(pk__in=[e.pk for e in newest[1:]]).delete()
    assert found() == {("truncated", newest[1].leaf_index, None)}


def test_deleting_checkpointed_tail_entries_and_rewinding_the_head_is_found(entries):
    cp = log.make_checkpoint()  # 12 entries
    AuditEntry.objects.filter(leaf_index__gte=10).delete()
    LogHead.objects.update(size=10)
    assert found() == {("checkpoint_truncated", 10, cp.seq)}


def test_an_inserted_entry_is_pinpointed(entries):
    cp = log.make_checkpoint()
    k = entries[6].leaf_index
    for e in reversed(entries[6:]):  # make room at #k: shift the later entries up, rehashing each
        rehash(e.pk, leaf_index=e.leaf_index + 1)
    forged = AuditEntry(at=entries[6].at, actor_label="system", event=AuditEvent.PERSON_VIEWED, leaf_index=k)
    forged.leaf_hash = leaf_hash(log.canonical(forged)).hex()
    forged.save()
    LogHead.objects.update(size=F("size") + 1)
    assert found() == {("out_of_order", k, None), ("checkpoint_root", 0, cp.seq)}


def test_an_entry_slipped_in_behind_the_head_is_found(entries):
    forged = AuditEntry(at=entries[0].at, actor_label="system", event=AuditEvent.PERSON_VIEWED, leaf_index=12)
    forged.leaf_hash = leaf_hash(log.canonical(forged)).hex()
    forged.save()
    assert found() == {("beyond_head", 12, None)}


def test_reordering_is_pinpointed(entries):
    log.make_checkpoint()
    a, b = entries[2], entries[3]
    raw_update(a.pk, leaf_index=-1)
    raw_update(b.pk, leaf_index=a.leaf_index)
    raw_update(a.pk, leaf_index=b.leaf_index)
    problems = found()
    assert ("out_of_order", a.leaf_index, None) in problems
    assert {("changed", a.leaf_index, None), ("changed", b.leaf_index, None)} <= problems


def test_reordering_with_recomputed_hashes_is_pinpointed(entries):
    cp = log.make_checkpoint()
    a, b = entries[2], entries[3]
    raw_update(a.pk, leaf_index=-1)
    rehash(b.pk, leaf_index=a.leaf_index)
    rehash(a.pk, leaf_index=b.leaf_index)
    assert found() == {("out_of_order", a.leaf_index, None), ("checkpoint_root", 0, cp.seq)}


def test_a_deleted_checkpoint_is_found(entries):
    for start in (12, 14):
        log.make_checkpoint()
        add(2, start=start)
    log.make_checkpoint()  # checkpoints #1, #2, #3
    Checkpoint.objects.filter(seq=2).delete()
    assert found() == {("checkpoint_missing", None, 2)}


def test_deleting_the_newest_checkpoint_is_found(entries):
    log.make_checkpoint()
    add(2, start=12)
    log.make_checkpoint()
    Checkpoint.objects.filter(seq=2).delete()
    assert found() == {("checkpoint_missing", None, 2)}


def test_a_forged_checkpoint_is_found(entries):
    cp = log.make_checkpoint()
    Checkpoint.objects.filter(pk=cp.pk).update(note=cp.note.replace(f"\n{cp.size}\n", f"\n{cp.size - 1}\n"))
    assert found() == {("checkpoint_signature", None, cp.seq)}


def test_verify_without_the_key_says_signatures_were_not_checked(entries, settings):
    log.make_checkpoint()
    settings.AUDIT_SIGNING_KEY = ""
    assert found() == {("key", None, None)}


def test_the_verify_command_fails_loudly(entries, capsys):
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    assert "verified: 12 entries, 1 checkpoints" in capsys.readouterr().out
    raw_update(entries[0].pk, actor_label="someone-else")
    with pytest.raises(CommandError, match="FAILED"):
        call_command("audit", "verify")
    assert f"entry #{entries[0].leaf_index} (id {entries[0].pk}): contents changed" in capsys.readouterr().out
