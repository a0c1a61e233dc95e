"""Observations per second into PostgreSQL, in one run on one database: a raw COPY into environment_observation
(the ceiling), the HTTP batch API through gunicorn, and MQTT end to end (publish → stored); then the lag from a
reading's arrival to the end of its batch's rule handlers at the MQTT goal rate, and the ingesting processes'
peak memory (VmHWM).

    python bench/ingest.py [--copy 1000000] [--http 300000] [--mqtt 60000] [--mqtt-list 200000]
                           [--ingesters 1] [--lag-rate 20000] [--broker mqtt://127.0.0.1:1883] [--keep]

The database is always a fresh grassroots_bench_ingest on the server of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432), dropped at the end unless --keep; DATABASE_URL's own database is never
touched. MQTT goes through a Mosquitto the bench starts on a free port of 127.0.0.1 with max_queued_messages
raised, so a publishers' burst queues at the broker instead of being dropped by the stock limit of 1,000
(docs/environment-mqtt.md); --broker mqtt://127.0.0.1:1883 uses a running one instead. Every path writes its own
month of 2026, so none meets another's (datastream, time). The MQTT half lives in bench/ingest_mqtt.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest_mqtt import (
    PROPERTIES,
    WINDOW,
    _answers,
    children,
    free_port,
    mqtt_phases,
    peak_rss_mib,
    percentile,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
BIN = Path(sys.executable).parent
SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DB_NAME = "grassroots_bench_ingest"
GOAL_HTTP, GOAL_RATIO, GOAL_MQTT, GOAL_LAG_S = 50_000, 0.3, 20_000, 2.0


# --- setup ----------------------------------------------------------------------------------------------------
def fresh_database() -> str:
    server = (os.environ.get("DATABASE_URL") or SERVER).rsplit("/", 1)[0]
    psql = ["psql", f"{server}/postgres", "-qc"]
    subprocess.run(psql + [f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"], check=True, capture_output=True)
    subprocess.run(psql + [f"CREATE DATABASE {DB_NAME}"], check=True)
    return f"{server}/{DB_NAME}"


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    server = url.rsplit("/", 1)[0]
    subprocess.run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE {DB_NAME} WITH (FORCE)"], check=True)


def setup(stations: int) -> tuple[object, list[tuple[int, str, str]]]:
    """Migrate, the small demo territory, one admin, `stations` air stations × 6 datastreams, the 2026 partitions.
    Returns the admin and the streams as (datastream id, station code, property code)."""
    from django.core.management import call_command

    from grassroots.accounts import services as accounts
    from grassroots.accounts.roles import Role
    from grassroots.areas import services as areas
    from grassroots.areas.models import Level, Region
    from grassroots.demo.loader import SCALES, build_regions
    from grassroots.environment import storage
    from grassroots.environment.models import Aggregation, Datastream, ObservedProperty, Station, StationKind

    call_command("migrate", verbosity=0)
    collection, _ = build_regions(SCALES["small"], 20261204)
    areas.import_regions(None, collection)
    admin = accounts.create_user(username="bench", password="Bench-ingest-2026", display_name="bench")
    accounts.grant_membership(None, admin, role=Role.SYSTEM_ADMIN, region=Region.objects.get(level=Level.DISTRICT))
    grids = list(Region.objects.filter(level=Level.GRID))
    props = {p.code: p for p in ObservedProperty.objects.filter(code__in=PROPERTIES)}
    streams = []
    for i in range(stations):
        station = Station.objects.create(code=f"bench-{i:04d}", name=f"基准站 {i}", kind=StationKind.AIR,
                                         region=grids[i % len(grids)], lng=116.4, lat=39.9)  # fmt: skip
        for code in PROPERTIES:
            ds = Datastream.objects.create(station=station, property=props[code], unit=props[code].unit,
                                           aggregation=Aggregation.HOURLY_MEAN)  # fmt: skip
            streams.append((ds.pk, station.code, code))
    storage.ensure_partitions(storage.month_of(w) for w in WINDOW.values())
    return admin, streams


# --- (a) raw COPY ---------------------------------------------------------------------------------------------
def copy_rate(streams, n: int) -> tuple[int, float]:
    """COPY text rows straight into the partitioned table: no validation, no conflict handling, no handlers."""
    from django.db import connection, transaction

    ids = [s[0] for s in streams]
    base = WINDOW["copy"]
    lines = []
    for i in range(n):
        t = base + dt.timedelta(minutes=i // len(ids))
        lines.append(f"{ids[i % len(ids)]}\t{t.isoformat()}\t{20 + i % 97}\t0\n")
    data = "".join(lines).encode()
    started = time.perf_counter()
    sql = "COPY environment_observation (datastream_id, time, value, quality) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for offset in range(0, len(data), 1 << 20):
            copy.write(data[offset : offset + (1 << 20)])
    return n, n / (time.perf_counter() - started)


# --- (b) HTTP batches through gunicorn ------------------------------------------------------------------------
def http_client(args) -> dict:
    port, token, streams, window, first, count, per, ready, go = args
    base = WINDOW[window]
    bodies = []
    for start in range(first, first + count, per):
        items = []
        for i in range(start, min(start + per, first + count)):
            _ds, station, prop = streams[i % len(streams)]
            t = base + dt.timedelta(minutes=i // len(streams))
            items.append({"station": station, "property": prop, "time": t.isoformat(), "value": 20 + i % 97})
        bodies.append(json.dumps({"observations": items}).encode())
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    result = {"accepted": 0, "errors": 0, "failed": 0}
    if go is not None:
        ready.put(1)
        go.wait()
    result["started"] = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/api/v1/environment/observations", body, headers)
        response = conn.getresponse()
        answer = response.read()
        if response.status != 200:
            result["failed"] += 1
            continue
        data = json.loads(answer)
        result["accepted"] += data["accepted"]
        result["errors"] += len(data["errors"])
    result["ended"] = time.perf_counter()
    conn.close()
    return result


def http_rate(env, admin, streams, n: int, clients: int, workers: int, per: int, window: str = "http") -> dict:
    from grassroots.environment import tokens
    from grassroots.environment.models import Station

    ids = list(Station.objects.values_list("pk", flat=True))
    _token, secret = tokens.create_token(admin, name="bench", station_ids=ids)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "grassroots.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--timeout", "120", "--log-level", "warning"],
        env=env, cwd=env["GRASSROOTS_HOME"], start_new_session=True,
    )  # fmt: skip
    try:
        if not wait_for(lambda: _answers(port), 60, 0.2):
            raise RuntimeError("gunicorn did not answer")
        for k in range(2 * workers):  # load the app and warm the caches in every worker, in its own month
            http_client((port, secret, streams, "warm", k * 200, 200, 200, None, None))
        ctx = mp.get_context("fork")
        manager = ctx.Manager()
        ready, go = manager.Queue(), manager.Event()
        share = n // clients
        jobs = [(port, secret, streams, window, c * share, share, per, ready, go) for c in range(clients)]
        with ctx.Pool(clients) as pool:
            pending = pool.map_async(http_client, jobs)
            for _ in range(clients):  # the clients build their bodies before the clock starts
                ready.get(timeout=120)
            go.set()
            results = pending.get(timeout=600)
        elapsed = max(r["ended"] for r in results) - min(r["started"] for r in results)
        rss = [peak_rss_mib(pid) for pid in children(server.pid)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    accepted = sum(r["accepted"] for r in results)
    return {"n": accepted, "rate": accepted / elapsed, "rss": rss, "errors": sum(r["errors"] for r in results),
            "failed": sum(r["failed"] for r in results)}  # fmt: skip


def worker_row(env, admin, streams, args) -> tuple:
    """HTTP again with the rules sent to one Celery worker over the broker: how fast the API takes readings when
    it does not evaluate them, and how long the worker then needs to evaluate them all (queue empty, worker idle)."""
    import redis

    env = {**env, "CELERY_BROKER_URL": args.rules_broker}
    queue = redis.Redis.from_url(args.rules_broker)
    queue.delete("celery")
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "grassroots", "worker", "-c", "1", "--loglevel", "WARNING", "--without-gossip",
         "--without-mingle", "--prefetch-multiplier", "1"],
        env=env, cwd=env["GRASSROOTS_HOME"], start_new_session=True,
    )  # fmt: skip
    try:
        began = time.perf_counter()
        http = http_rate(env, admin, streams, args.http, args.clients, args.workers, args.batch, "http_worker")
        while queue.llen("celery"):
            time.sleep(0.05)
        inspect = [str(BIN / "celery"), "-A", "grassroots", "inspect", "active", "--json", "-t", "5"]
        while any(json.loads(subprocess.run(inspect, env=env, capture_output=True, text=True).stdout or "{}").values()):
            time.sleep(0.2)
        evaluated = time.perf_counter() - began
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    print(f"rules on a Celery worker: {http['n']:,} readings evaluated {evaluated:.1f} s after the first request "
          f"({http['n'] / evaluated:,.0f}/s through the one worker)")  # fmt: skip
    return (f"HTTP batches, rules on 1 Celery worker ({args.batch:,}/request, -w {args.workers})", http["n"],
            http["rate"], GOAL_HTTP, f"≥ {GOAL_HTTP:,}/s (aim ratio ≥ {GOAL_RATIO})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copy", type=int, default=1_000_000)
    parser.add_argument("--http", type=int, default=300_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=5000, help="observations per HTTP request")
    parser.add_argument("--mqtt", type=int, default=60_000, help="readings, one per message")
    parser.add_argument("--mqtt-list", type=int, default=200_000, help="readings, ten per message")
    parser.add_argument("--ingesters", type=int, default=1, help="grassroots mqtt processes on a shared subscription")
    parser.add_argument("--lag-rate", type=int, default=GOAL_MQTT, help="readings/s while the lag is measured")
    parser.add_argument("--broker", help="an MQTT broker to use (mqtt://host:port) instead of starting one")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME}")
    parser.add_argument("--rules-broker", help="also measure HTTP with the rules on a Celery worker (redis://…)")
    args = parser.parse_args()
    began = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="grassroots-ingest-bench-"))
    url = fresh_database()
    env = {**os.environ, "GRASSROOTS_HOME": str(home), "GRASSROOTS_ENV": "development", "GRASSROOTS_DEBUG": "0",
           "GRASSROOTS_LOG": "WARNING", "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"),
           "DJANGO_SETTINGS_MODULE": "grassroots.settings"}  # fmt: skip
    os.environ.update(env)
    import django

    django.setup()
    admin, streams = setup(stations=100)
    print(f"setup: {len(streams)} datastreams on {len(streams) // len(PROPERTIES)} stations, "
          f"{time.perf_counter() - began:.0f} s")  # fmt: skip
    rows = [("raw COPY (baseline)", *copy_rate(streams, args.copy), None, "—")]
    try:
        http = http_rate(env, admin, streams, args.http, args.clients, args.workers, args.batch)
    except ImportError:  # the ingest API is another branch's: say so rather than fail the whole bench
        http = None
        print("HTTP row skipped: the batch API (environment.tokens, ingest_api) is not in this checkout")
    if http:
        print(f"HTTP: {http['failed']} failed requests, {http['errors']} item errors")
        rows.append((f"HTTP batches ({args.batch:,}/request, gunicorn -w {args.workers}, {args.clients} clients)",
                     http["n"], http["rate"], GOAL_HTTP, f"≥ {GOAL_HTTP:,}/s (aim ratio ≥ {GOAL_RATIO})"))  # fmt: skip
    if args.rules_broker and http:
        rows.append(worker_row(env, admin, streams, args))
    mq = mqtt_phases(env, home, args, streams)
    who = f"{args.ingesters} ingester{'s' if args.ingesters > 1 else ''}"
    rows.append((f"MQTT end to end, 1 reading/message, {who}", args.mqtt, mq["single"], GOAL_MQTT,
                 f"≥ {GOAL_MQTT:,}/s"))  # fmt: skip
    rows.append((f"MQTT end to end, 10 readings/message, {who}", args.mqtt_list, mq["list"], GOAL_MQTT,
                 f"≥ {GOAL_MQTT:,}/s"))  # fmt: skip
    copy = rows[0][2]
    print(f"\n{'path':<58}{'readings':>10}{'obs/s':>10}{'ratio to COPY':>15}  {'goal':<32}verdict")
    for name, n, rate, goal, goal_text in rows:
        met = "" if goal is None else ("met" if rate >= goal else "NOT MET")
        print(f"{name:<58}{n:>10,}{rate:>10,.0f}{rate / copy:>15.2f}  {goal_text:<32}{met}")
    what = (f"{mq['rule_handlers']} rule handler(s)" if mq["rule_handlers"]
            else "no rule handler registered yet: the batch-handler hook alone")  # fmt: skip
    print(f"\nlag from publication to the end of the batch handlers ({what}):")
    for window, lags in mq["lags"].items():
        p50, p99 = percentile(lags, 0.5), percentile(lags, 0.99)
        verdict = f"goal p99 < {GOAL_LAG_S:.0f} s: {'met' if p99 < GOAL_LAG_S else 'NOT MET'}"
        print(f"  {len(lags):,} readings published at {mq['published'][window]:,.0f}/s: p50 {p50:.3f} s, "
              f"p99 {p99:.3f} s ({verdict if window == 'lag' else 'below the goal rate, for comparison'})")  # fmt: skip
    workers = ", ".join(f"{r:.0f}" for r in http["rss"]) if http else "—"
    ingesters = ", ".join(f"{r:.0f}" for r in mq["rss"])
    print(f"peak RSS (VmHWM): gunicorn workers {workers} MiB; MQTT ingester(s) {ingesters} MiB")
    if args.keep:
        print(f"kept database {DB_NAME}")
    else:
        drop_database(url)
    shutil.rmtree(home, ignore_errors=True)
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
