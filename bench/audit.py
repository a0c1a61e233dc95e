"""Audit log: appends per second (single and batched) and proof times at 1,000,000 entries.

    python bench/audit.py [--entries 1000000]

Appends go to a throw-away SQLite database through the real services. Proof timing uses the same Merkle
code (audit/merkle.py) over 1M leaf hashes in memory — what the process cache holds for a log that size —
and verifies every proof it times. Goals: ≥ 20,000 appends/s batched; proofs < 1 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ["GRASSROOTS_HOME"] = tempfile.mkdtemp(prefix="grassroots-audit-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
os.environ.pop("DATABASE_URL", None)

GOAL_APPENDS, GOAL_PROOF_MS = 20_000, 1.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from grassroots.audit.events import AuditEvent
    from grassroots.audit.merkle import LeafTree, verify_consistency, verify_inclusion
    from grassroots.audit.services import record, record_many

    call_command("migrate", verbosity=0)
    n_single = 2000
    started = time.perf_counter()
    for i in range(n_single):
        with transaction.atomic():
            record(actor=None, event=AuditEvent.PERSON_VIEWED, target_type="registry.person", target_id=i)
    single = n_single / (time.perf_counter() - started)
    batch, batches = 5000, 20
    started = time.perf_counter()
    for b in range(batches):
        record_many(
            [
                {"event": AuditEvent.PERSON_LISTED, "target_type": "registry.person", "target_id": b * batch + i}
                for i in range(batch)
            ]
        )
    batched = batch * batches / (time.perf_counter() - started)

    leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(args.entries)]
    started = time.perf_counter()
    tree = LeafTree(leaves)
    build = time.perf_counter() - started
    size = len(tree)
    root = tree.root(size)
    inclusion_ms, consistency_ms, verify_ms = [], [], []
    for i in range(200):
        index = (i * 7919) % size
        t = time.perf_counter()
        proof = tree.inclusion_proof(index, size)
        inclusion_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assert verify_inclusion(leaves[index], index, size, proof, root)
        verify_ms.append((time.perf_counter() - t) * 1000)
        old = 1 + (i * 104_729) % (size - 1)
        t = time.perf_counter()
        cproof = tree.consistency_proof(old, size)
        consistency_ms.append((time.perf_counter() - t) * 1000)
        assert verify_consistency(old, size, tree.root(old), root, cproof)

    def flag(ok: bool) -> str:
        return "PASS" if ok else "BELOW GOAL"

    print(f"appends, one per transaction: {single:10,.0f} /s   (baseline, same run)")
    print(
        f"appends, batched ×{batch}:     {batched:10,.0f} /s   goal ≥ {GOAL_APPENDS:,}/s   "
        f"[{flag(batched >= GOAL_APPENDS)}]"
        f"   ×{batched / single:.1f} the single rate"
    )
    p_inc, p_con = statistics.median(inclusion_ms), statistics.median(consistency_ms)
    print(f"tree of {size:,} leaves built in {build:.2f}s (the process cache; extended incrementally afterwards)")
    print(
        f"inclusion proof:   median {p_inc:.3f} ms, max {max(inclusion_ms):.3f} ms   goal < {GOAL_PROOF_MS} ms   "
        f"[{flag(max(inclusion_ms) < GOAL_PROOF_MS)}]"
    )
    print(
        f"consistency proof: median {p_con:.3f} ms, max {max(consistency_ms):.3f} ms   goal < {GOAL_PROOF_MS} ms   "
        f"[{flag(max(consistency_ms) < GOAL_PROOF_MS)}]"
    )
    print(f"inclusion verify:  median {statistics.median(verify_ms):.3f} ms")


if __name__ == "__main__":
    main()
