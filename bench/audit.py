"""Audit log: appends per second, and proofs at 1,000,000 entries — in memory and served from the database.

    python bench/audit.py [--entries 1000000] [--db-entries 1000000 | --no-db]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/audit.py

Writes to a throw-away database (PostgreSQL when DATABASE_URL is set: a new database on that server,
dropped at the end; else SQLite) through the real services. Three parts:

1. appends: one per transaction, and batched ×5,000 (record_many);
2. proofs over 1M synthetic leaf hashes in memory (audit/merkle.py; what the process cache holds):
   inclusion and consistency proofs, produced and verified;
3. unless --no-db: the log grown to 1M rows by batched appends (subjects and all), then the cold load of
   the tree the proof page uses, proofs served from the database against signed checkpoints (entry and
   checkpoint read, proof from the process cache) and verified, the proof page end to end, the person and
   actor searches of the auditors' page, and `verify` over the whole log.

Goals: ≥ 20,000 appends/s batched; proofs < 1 ms. Every proof timed is also verified.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ["GRASSROOTS_HOME"] = tempfile.mkdtemp(prefix="grassroots-audit-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
os.environ.setdefault("GRASSROOTS_ENV", "development")  # generated keys in the temporary home

GOAL_APPENDS, GOAL_PROOF_MS = 20_000, 1.0
BATCH = 5000
SAMPLES = 200


def fresh_database() -> str | None:
    """On PostgreSQL, a new database for this run; returns its name (to drop), None on SQLite."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    base = url.rsplit("/", 1)[0]
    name = f"grassroots_audit_bench_{os.getpid()}"
    subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    return name


def drop_database(name: str) -> None:
    from django.db import connections

    connections.close_all()
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    subprocess.run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE {name}"], check=True)


def flag(ok: bool) -> str:
    return "PASS" if ok else "BELOW GOAL"


def ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples):.3f} ms, p99 {sorted(samples)[int(len(samples) * 0.99)]:.3f} ms"


def proof_line(what: str, samples: list[float]) -> str:
    worst = sorted(samples)[int(len(samples) * 0.99)]
    return f"{what:<44} {ms(samples)}   goal < {GOAL_PROOF_MS} ms   [{flag(worst < GOAL_PROOF_MS)}]"


def since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def bench_appends() -> None:
    from django.db import transaction

    from grassroots.audit.events import AuditEvent
    from grassroots.audit.services import record, record_many

    n_single = 2000
    started = time.perf_counter()
    for i in range(n_single):
        with transaction.atomic():
            record(actor=None, event=AuditEvent.PERSON_VIEWED, target_type="registry.person", target_id=i)
    single = n_single / (time.perf_counter() - started)
    batches = 20
    started = time.perf_counter()
    for b in range(batches):
        record_many(
            [
                {"event": AuditEvent.PERSON_LISTED, "target_type": "registry.person", "target_id": b * BATCH + i}
                for i in range(BATCH)
            ]
        )
    batched = BATCH * batches / (time.perf_counter() - started)
    print(f"appends, one per transaction:     {single:10,.0f} /s   (baseline, same run)")
    print(
        f"appends, batched ×{BATCH}:         {batched:10,.0f} /s   goal ≥ {GOAL_APPENDS:,}/s   "
        f"[{flag(batched >= GOAL_APPENDS)}]   ×{batched / single:.1f} the single rate"
    )


def bench_memory(entries: int) -> None:
    from grassroots.audit.merkle import LeafTree, verify_consistency, verify_inclusion

    leaves = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(entries)]
    started = time.perf_counter()
    tree = LeafTree(leaves)
    build = time.perf_counter() - started
    size = len(tree)
    root = tree.root(size)
    inc, inc_verify, con, con_verify = [], [], [], []
    for i in range(SAMPLES):
        index = (i * 7919) % size
        t = time.perf_counter()
        proof = tree.inclusion_proof(index, size)
        inc.append(since(t))
        t = time.perf_counter()
        assert verify_inclusion(leaves[index], index, size, proof, root)
        inc_verify.append(since(t))
        old = 1 + (i * 104_729) % (size - 1)
        old_root = tree.root(old)
        t = time.perf_counter()
        cproof = tree.consistency_proof(old, size)
        con.append(since(t))
        t = time.perf_counter()
        assert verify_consistency(old, size, old_root, root, cproof)
        con_verify.append(since(t))
    print(f"\n— {size:,} synthetic leaves in memory —")
    print(f"tree built in {build:.2f} s (from hashes already in memory)")
    print(proof_line("inclusion proof, produced:", inc))
    print(proof_line("inclusion proof, verified:", inc_verify))
    print(proof_line("consistency proof, produced:", con))
    print(proof_line("consistency proof, verified:", con_verify))


def fill(target: int) -> float:
    """Grow the log to `target` rows with batched appends; returns the rate."""
    from grassroots.audit.events import AuditEvent
    from grassroots.audit.models import LogHead
    from grassroots.audit.services import record_many

    have = LogHead.objects.get(pk=1).size
    started, added = time.perf_counter(), 0
    while have + added < target:
        n = min(BATCH, target - have - added)
        base = have + added
        record_many(
            [
                {
                    "event": AuditEvent.PERSON_VIEWED if i % 3 else AuditEvent.PERSON_LISTED,
                    "target_type": "registry.person",
                    "target_id": (base + i) % 200_000,
                    "extra": {"ids": [str((base + i + k) % 200_000) for k in range(3)]} if i % 3 == 0 else {},
                }
                for i in range(n)
            ]
        )
        added += n
    return added / (time.perf_counter() - started)


def bench_database(rows: int) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from grassroots.audit import access, log
    from grassroots.audit.merkle import verify_consistency, verify_inclusion
    from grassroots.audit.models import AuditEntry
    from grassroots.audit.verify import verify

    rate = fill(rows)
    print(f"\n— the log in the database, {rows:,} rows —")
    print(f"grown to {rows:,} rows by batched appends at {rate:,.0f} /s (entries with their subject rows)")
    log.reset_cache()
    cold, tree = timed(log.tree)
    print(f"cold load of the proof tree from the rows:    {cold / 1000:.2f} s (once per process; then incremental)")
    first = log.make_checkpoint()
    fill(rows + 1000)
    second = log.make_checkpoint()
    served, inc_verify = [], []
    for i in range(SAMPLES):
        index = (i * 7919) % first.size

        def serve(index=index):
            entry = AuditEntry.objects.get(leaf_index=index)
            return log.prove(entry, log.latest_checkpoint())

        t, body = timed(serve)
        served.append(t)
        t, ok = timed(
            lambda body=body: verify_inclusion(
                bytes.fromhex(body["leaf_hash"]),
                body["leaf_index"],
                body["tree_size"],
                [bytes.fromhex(p) for p in body["proof"]],
                bytes.fromhex(second.root_hash),
            )
        )
        assert ok
        inc_verify.append(t)
    con, con_verify = [], []
    for _ in range(SAMPLES):
        t, body = timed(lambda: log.prove_consistency(first, second))
        con.append(t)
        t, ok = timed(
            lambda body=body: verify_consistency(
                first.size,
                second.size,
                bytes.fromhex(first.root_hash),
                bytes.fromhex(second.root_hash),
                [bytes.fromhex(p) for p in body["proof"]],
            )
        )
        assert ok
        con_verify.append(t)
    print(proof_line("inclusion proof served (2 queries + proof):", served))
    print(proof_line("  … verified by the client:", inc_verify))
    print(proof_line("consistency proof, two checkpoints:", con))
    print(proof_line("  … verified by the client:", con_verify))

    admin = get_user_model().objects.create_superuser("bench-auditor", password="x")
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/audit/entries/0/proof.json")  # warm: session, and SQLite folding the fill's WAL into the file
    page = []
    for i in range(50):
        t, response = timed(lambda i=i: client.get(f"/audit/entries/{(i * 7919) % first.size}/proof.json"))
        assert response.status_code == 200, response.content[:300]
        page.append(t)
    print(f"{'proof page end to end (auth, scope, audit row):':<44} {ms(page)}   (no goal: includes a write)")
    person = str(7919)
    search = [timed(lambda: access.search_entries(admin, access.Filters(person=person)))[0] for _ in range(20)]
    actor = [timed(lambda: access.search_entries(admin, access.Filters(actor="bench-auditor")))[0] for _ in range(20)]
    hits = len(access.search_entries(admin, access.Filters(person=person)).entries)
    print(f"{'auditors search by person (' + str(hits) + ' hits), audited:':<44} {ms(search)}   (includes a write)")
    print(f"{'auditors search by actor, audited:':<44} {ms(actor)}   (includes a write)")
    t, report = timed(verify)
    print(f"verify (every leaf, root and signature):      {t / 1000:.1f} s, {report.entries:,} entries, ok={report.ok}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000, help="synthetic leaves for in-memory proofs")
    parser.add_argument("--db-entries", type=int, default=1_000_000, help="rows to grow the database log to")
    parser.add_argument("--no-db", action="store_true", help="skip the 1M-row database part (about 2–4 min)")
    parser.add_argument("--keep", action="store_true", help="keep the database (to inspect query plans)")
    args = parser.parse_args()
    database = fresh_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}")
    try:
        bench_appends()
        bench_memory(args.entries)
        if not args.no_db:
            bench_database(args.db_entries)
    finally:
        if args.keep:
            home, url = os.environ["GRASSROOTS_HOME"], os.environ.get("DATABASE_URL", "")
            print(f"kept: GRASSROOTS_HOME={home} DATABASE_URL={url}")
        else:
            if database:
                drop_database(database)
            shutil.rmtree(os.environ["GRASSROOTS_HOME"], ignore_errors=True)


if __name__ == "__main__":
    main()
