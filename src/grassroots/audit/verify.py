"""`grassroots audit verify`: recompute the whole log from the stored rows and check it against everything
that vouches for it — each entry's own hash, the database's insertion order, the log head, and every signed
checkpoint (signature, numbering, root).

Each problem names the first entry (leaf index) or checkpoint (sequence number) it concerns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from grassroots.audit import checkpoint as notes
from grassroots.audit.log import SigningKeyMissing, canonical, public_key
from grassroots.audit.merkle import LeafTree, leaf_hash
from grassroots.audit.models import AuditEntry, Checkpoint, LogHead

MISSING_LEAF = b"\x00" * 32  # stands in for a deleted entry, so later leaves keep their positions
MAX_LISTED = 100  # problems of one kind listed one by one; the rest are counted


@dataclass(frozen=True)
class Problem:
    kind: str  # changed, missing, truncated, inserted, beyond_head, no_head, unindexed, checkpoint_* …
    message: str
    index: int | None = None  # first entry (leaf index) concerned
    checkpoint: int | None = None  # checkpoint sequence number concerned

    def __str__(self) -> str:
        return self.message


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)
    _listed: Counter = field(default_factory=Counter, repr=False)  # problems listed per kind, so add() is O(1)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, message: str, **where: int | None) -> None:
        listed = self._listed[kind]
        if listed == MAX_LISTED:
            self.problems.append(Problem(kind, f"… more problems of kind {kind} are not listed"))
        elif listed < MAX_LISTED:
            self.problems.append(Problem(kind, message, **where))
        self._listed[kind] = listed + 1


def verify() -> Report:
    report = Report()
    rebuilt = _check_entries(report)
    _check_head(report, len(rebuilt))
    _check_checkpoints(report, rebuilt)
    return report


def _check_entries(report: Report) -> LeafTree:
    """Each entry's hash, gap-free indexes, and ids rising with the index (the database numbers rows in the
    order they are appended, under the head's lock, so a row stored out of id order was inserted or moved)."""
    for pk in AuditEntry.objects.filter(leaf_index=None).values_list("pk", flat=True)[:MAX_LISTED]:
        report.add("unindexed", f"entry id {pk}: has no leaf index (inserted outside the log)")
    rebuilt = LeafTree()
    pks: list[int] = []  # the ids of the last two entries, for the order check
    rows = AuditEntry.objects.exclude(leaf_index=None).order_by("leaf_index").iterator(chunk_size=5000)
    for entry in rows:
        report.entries += 1
        i = entry.leaf_index
        if i < len(rebuilt):
            report.add("inserted", f"entry #{i} (id {entry.pk}): index out of sequence (inserted?)", index=i)
            continue
        if i > len(rebuilt):
            first = len(rebuilt)
            report.add("missing", f"entries #{first}..#{i - 1} are missing (deleted?)", index=first)
            for _ in range(first, i):
                rebuilt.append(MISSING_LEAF)
        if pks and entry.pk < pks[-1]:
            # Which one is out of line: if dropping the previous entry restores the order, it is that one.
            culprit = i - 1 if len(pks) < 2 or entry.pk > pks[-2] else i
            report.add(
                "out_of_order",
                f"entry #{culprit}: stored out of order (ids {pks[-1]} then {entry.pk}) — inserted or moved",
                index=culprit,
            )
        pks = [*pks[-1:], entry.pk]
        digest = leaf_hash(canonical(entry))
        if digest.hex() != entry.leaf_hash:
            report.add("changed", f"entry #{i} (id {entry.pk}): contents changed after it was logged", index=i)
        # The stored hash is what the checkpoints vouch for: an edit that rewrote it is caught there.
        rebuilt.append(bytes.fromhex(entry.leaf_hash) if len(entry.leaf_hash) == 64 else digest)
    return rebuilt


def _check_head(report: Report, stored: int) -> None:
    head = LogHead.objects.filter(pk=1).first()
    size = head.size if head else 0
    if head is None and stored:
        report.add("no_head", f"the log head is missing, yet {stored} entries are stored", index=0)
    elif stored < size:
        report.add(
            "truncated",
            f"entries #{stored}..#{size - 1} are missing: the log head records {size} entries (newest deleted)",
            index=stored,
        )
    elif stored > size:
        report.add(
            "beyond_head",
            f"entries #{size}..#{stored - 1} lie beyond the log head of {size} entries (inserted?)",
            index=size,
        )


def _check_checkpoints(report: Report, rebuilt: LeafTree) -> None:
    """Signature, numbering 1, 2, 3 … up to the count in the head, and each root against the rebuilt tree."""
    checkpoints = list(Checkpoint.objects.order_by("seq"))
    report.checkpoints = len(checkpoints)
    head = LogHead.objects.filter(pk=1).first()
    recorded = head.checkpoints if head else 0
    try:
        key = public_key()
    except SigningKeyMissing:
        if checkpoints:
            report.add("key", "GRASSROOTS_AUDIT_SIGNING_KEY is not set: checkpoint signatures cannot be checked")
        key = None
    expected, previous = 1, 0
    for cp in checkpoints:
        if cp.seq > expected:
            report.add(
                "checkpoint_missing",
                f"checkpoint #{expected}..#{cp.seq - 1} missing (deleted?), between sizes {previous} and {cp.size}",
                checkpoint=expected,
            )
        expected = cp.seq + 1
        if key is None:
            continue
        try:
            signed = notes.verify(cp.note, name=settings.AUDIT_KEY_NAME, public_key=key)
        except ValueError as exc:
            report.add("checkpoint_signature", f"checkpoint #{cp.seq} ({cp.size}): {exc}", checkpoint=cp.seq)
            continue
        if signed.size != cp.size or signed.root.hex() != cp.root_hash:
            report.add(
                "checkpoint_columns",
                f"checkpoint #{cp.seq}: stored size/root differ from what its note signs ({signed.size})",
                checkpoint=cp.seq,
            )
        if signed.size < previous:
            report.add("checkpoint_order", f"checkpoint #{cp.seq} is smaller than the one before", checkpoint=cp.seq)
        elif signed.size > len(rebuilt):
            report.add(
                "checkpoint_truncated",
                f"checkpoint #{cp.seq} covers {signed.size} entries but only {len(rebuilt)} are stored: "
                f"the log was truncated from entry #{len(rebuilt)}",
                index=len(rebuilt),
                checkpoint=cp.seq,
            )
        elif rebuilt.root(signed.size) != signed.root:
            report.add(
                "checkpoint_root",
                f"checkpoint #{cp.seq} ({signed.size}): root differs — entries #{previous}..#{signed.size - 1} "
                "are not what it signed",
                index=previous,
                checkpoint=cp.seq,
            )
        previous = max(previous, signed.size)
    if recorded >= expected:
        report.add(
            "checkpoint_missing",
            f"checkpoint #{expected}..#{recorded} missing: the log head records {recorded} checkpoints "
            "(newest deleted)",
            checkpoint=expected,
        )
