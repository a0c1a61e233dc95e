"""Observations per second into PostgreSQL, in one run on one database: a raw COPY into environment_observation
(the ceiling), the HTTP batch API through gunicorn, and MQTT end to end (publish → stored); then the lag from a
reading's arrival to the end of its batch's rule handlers at the MQTT goal rate, and the ingesting processes'
peak memory (VmHWM).

    python bench/ingest.py [--copy 1000000] [--http 300000] [--mqtt 200000] [--mqtt-list 400000] [--keep]

The database is always a fresh grassroots_bench_ingest on the server of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432), dropped at the end unless --keep; DATABASE_URL's own database is never
touched. MQTT goes through a Mosquitto the bench starts on a free port of 127.0.0.1 with max_queued_messages
raised, so a publishers' burst queues at the broker instead of being dropped by the stock limit of 1,000
(docs/environment-mqtt.md); --broker mqtt://127.0.0.1:1883 uses a running one instead. Every path writes its own
month of 2026, so none meets another's (datastream, time).
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
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
BIN = Path(sys.executable).parent
SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DB_NAME = "grassroots_bench_ingest"
GOAL_HTTP, GOAL_RATIO, GOAL_MQTT, GOAL_LAG_S = 50_000, 0.3, 20_000, 2.0
PROPERTIES = ("pm25", "pm10", "so2", "no2", "co", "o3")
UTC = dt.UTC
WINDOW = {name: dt.datetime(2026, month, 1, tzinfo=UTC) for name, month in
          (("copy", 1), ("http", 2), ("warm", 3), ("mqtt", 4), ("mqtt_list", 5), ("lag", 6), ("lag2", 7))}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def wait_for(predicate, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


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


def stored_in(window: str) -> int:
    from django.db import connection

    start = WINDOW[window]
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT count(*) FROM environment_observation WHERE "time" >= %s AND "time" < %s',
            [start, start + dt.timedelta(days=28)],
        )
        return cursor.fetchone()[0]


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


def http_rate(env, admin, streams, n: int, clients: int, workers: int, per: int) -> dict:
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
        jobs = [(port, secret, streams, "http", c * share, share, per, ready, go) for c in range(clients)]
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


# --- (c) MQTT end to end, (d) the rule-handler lag --------------------------------------------------------------
def start_broker(home: Path) -> tuple[subprocess.Popen | None, int]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    conf = home / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 2000000\nmax_inflight_messages 0\n")  # fmt: skip
    broker = subprocess.Popen([binary, "-c", str(conf)], stderr=subprocess.DEVNULL, start_new_session=True)
    if not wait_for(lambda: _answers(port), 10):
        broker.kill()
        raise RuntimeError("mosquitto did not start")
    return broker, port


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def ingester_main(argv: list[str]) -> None:
    """`bench/ingest.py --ingester URL ROOT`: `grassroots mqtt` with a batch handler that notes, for the lag
    streams, how long after its publication (carried in the value) each reading reached the end of the handlers."""
    import logging

    import django

    django.setup()
    from django.core.management import call_command

    logging.getLogger("grassroots.environment.mqtt").setLevel(logging.INFO)  # its lines, not ingest's per batch

    from grassroots.environment import ingest

    url, root, share = argv
    lag_streams = {int(x) for x in os.environ["BENCH_LAG_STREAMS"].split(",")}
    base = float(os.environ["BENCH_LAG_BASE"])
    lags: dict[int, list[float]] = {}  # by the month of the readings: one month per lag run
    rule_handlers = len(ingest.handlers())

    def note_lag(written) -> None:  # registered last: it runs after every rule handler of the batch
        now = time.time()
        for w in written:
            if w.datastream_id in lag_streams:
                lags.setdefault(w.time.month, []).append(now - (base + w.value))

    ingest.on_batch(note_lag)
    call_command("mqtt", "--url", url, "--topic-root", root, "--client-id", f"bench-{os.getpid()}", "--share", share,
                 "--session-expiry", "0", "--batch-size", "5000", "--stats-interval", "3600")  # fmt: skip
    lag_file = Path(os.environ["BENCH_LAG_DIR"]) / f"lag-{os.getpid()}.json"
    lag_file.write_text(json.dumps({"lags": lags, "rule_handlers": rule_handlers}))


def mqtt_files(home: Path, root: str, streams, window: str, n: int, topics: int, per_message: int) -> list:
    """One file of payload lines per topic (mosquitto_pub -l sends a message per line)."""
    base, files = WINDOW[window], []
    share = n // topics
    for j, (_ds, station, prop) in enumerate(streams[: topics * len(PROPERTIES) : len(PROPERTIES)]):
        path = home / f"{window}-{j}.txt"
        lines = []
        for m in range(0, share, per_message):
            if per_message == 1:  # the compact form: epoch seconds
                lines.append(json.dumps({"t": int((base + dt.timedelta(minutes=m)).timestamp()), "v": m % 97}))
            else:  # a list in the long form
                lines.append(json.dumps([{"time": (base + dt.timedelta(minutes=m + k)).isoformat(),
                                          "value": (m + k) % 97} for k in range(per_message)]))  # fmt: skip
        path.write_text("\n".join(lines) + "\n")
        files.append((f"{root}/{station}/{prop}", path))
    return files


def mqtt_rate(port: int, files, window: str, n: int) -> float:
    started = time.perf_counter()
    publishers = [
        subprocess.Popen(
            ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-V", "5", "-t", topic, "-l"],
            stdin=path.open("rb"),
        )  # fmt: skip
        for topic, path in files
    ]
    done = wait_for(lambda: stored_in(window) >= n, timeout=180, step=0.1)
    elapsed = time.perf_counter() - started
    for p in publishers:
        p.wait(timeout=30)
    got = stored_in(window)
    if not done:
        print(f"  MQTT {window}: only {got:,} of {n:,} readings stored within 180 s")
    return got / elapsed


def paced_publish(port, root: str, streams, window: str, rate: int, seconds: float, base: float, per_message=20):
    """QoS 1 messages of `per_message` readings at `rate` readings/s; each value is its publication time − base."""
    import paho.mqtt.client as paho

    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{os.getpid()}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    topics = [(f"{root}/{station}/{prop}", ds) for ds, station, prop in streams]
    messages = int(rate * seconds / per_message)
    minute = {topic: 0 for topic, _ in topics}
    start, infos = time.perf_counter(), []
    for i in range(messages):
        due = start + i * per_message / rate
        while (lag := due - time.perf_counter()) > 0:
            time.sleep(min(lag, 0.005))
        topic, _ds = topics[i % len(topics)]
        now = time.time() - base
        items = [{"time": (WINDOW[window] + dt.timedelta(minutes=minute[topic] + k)).isoformat(), "value": now}
                 for k in range(per_message)]  # fmt: skip
        minute[topic] += per_message
        infos.append(client.publish(topic, json.dumps(items), qos=1))
    for info in infos[-100:]:
        info.wait_for_publish(30)
    client.disconnect()
    client.loop_stop()
    return messages * per_message / (time.perf_counter() - start)


def mqtt_phases(env, home: Path, args, streams) -> dict:
    n, n_list, lag_rate, broker_url = args.mqtt, args.mqtt_list, args.lag_rate, args.broker
    broker, port = (None, int(broker_url.rsplit(":", 1)[1])) if broker_url else start_broker(home)
    root = f"bench/{os.getpid()}/obs"
    lag_streams = streams[16 * len(PROPERTIES) :: len(PROPERTIES)][:20]  # pm25 of stations 16–35 (0–15 above)
    lag_base = time.time()
    env = {**env, "BENCH_LAG_STREAMS": ",".join(str(s[0]) for s in lag_streams), "BENCH_LAG_BASE": repr(lag_base),
           "BENCH_LAG_DIR": str(home)}  # fmt: skip
    # Several ingesters split one shared subscription ($share/bench/…), as a deployment scales out.
    share = "bench" if args.ingesters > 1 else ""
    logs = [home / f"mqtt-{i}.log" for i in range(args.ingesters)]
    ingesters = [
        subprocess.Popen(
            [sys.executable, __file__, "--ingester", f"mqtt://127.0.0.1:{port}", root, share],
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        for log in logs
    ]
    try:
        if not wait_for(lambda: all("subscribed to" in log.read_text() for log in logs), 60, 0.2):
            raise RuntimeError(f"an ingester did not subscribe: {logs[0].read_text()[-500:]}")
        single = mqtt_rate(port, mqtt_files(home, root, streams, "mqtt", n, 8, 1), "mqtt", n)
        listed = mqtt_rate(port, mqtt_files(home, root, streams, "mqtt_list", n_list, 16, 10), "mqtt_list", n_list)
        # The lag at the goal rate, and (when the goal is beyond this machine) at half the rate it sustained.
        rates = {"lag": lag_rate} | ({"lag2": int(listed / 2)} if listed < lag_rate else {})
        published = {}
        for window, rate in rates.items():
            published[window] = paced_publish(port, root, lag_streams, window, rate, 10.0, lag_base)
            wait_for(lambda w=window, r=rate: stored_in(w) >= int(r * 10.0) // 20 * 20, 90)
        rss = [peak_rss_mib(i.pid) for i in ingesters]
    finally:
        for ingester in ingesters:
            ingester.send_signal(signal.SIGTERM)
        for ingester in ingesters:
            ingester.wait(timeout=60)
        if broker is not None:
            broker.terminate()
            broker.wait(timeout=10)
    found = [json.loads(path.read_text()) for path in home.glob("lag-*.json")]
    lags = {w: [x for f in found for x in f["lags"].get(str(WINDOW[w].month), [])] for w in rates}
    return {"single": single, "list": listed, "rss": rss, "published": published, "lags": lags,
            "rule_handlers": found[0]["rule_handlers"]}  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def main() -> None:
    if sys.argv[1:2] == ["--ingester"]:
        return ingester_main(sys.argv[2:])
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
