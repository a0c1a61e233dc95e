"""Report intake through the Open311 POST endpoint, served by gunicorn, loaded from the same machine.

    python bench/intake.py [--requests 3000] [--concurrency 16] [--workers 2]

Sets up a throw-away home (SQLite, or PostgreSQL when DATABASE_URL is set: a fresh database is created),
migrates, loads the small demo district, issues an Open311 API key, starts gunicorn on 127.0.0.1, and sends
form-encoded POST /open311/v2/requests.json from several load-generator processes over keep-alive
connections. It prints requests/s and p50/p99 latency beside the goal; on PostgreSQL it also runs pgbench
with a single-row INSERT script for the same time on the same machine, as the ceiling of one write per
request. Everything stays on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL_RPS, GOAL_P99_MS = 1000, 100
PORT = 8765


def run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, **kw)


def prepare(home: Path) -> tuple[dict, str]:
    # Development mode for the generated keys and plain http, with DEBUG off as in production.
    env = {**os.environ, "GRASSROOTS_HOME": str(home), "GRASSROOTS_ENV": "development", "GRASSROOTS_DEBUG": "0"}
    env["PYTHONPATH"] = str(ROOT / "src")
    if os.environ.get("DATABASE_URL"):
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        name = f"grassroots_bench_{os.getpid()}"
        run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], env)
        env["DATABASE_URL"] = f"{base}/{name}"
    run([str(BIN / "grassroots"), "migrate", "-v0"], env)
    run([str(BIN / "grassroots"), "demo", "--scale", "small", "--quiet"], env, timeout=600)
    key = run([str(BIN / "grassroots"), "open311", "key", "create", "bench"], env).stdout.strip().splitlines()[-1]
    return env, key


def worker(args: tuple[int, int, str, int]) -> list[float]:
    count, seed, key, port = args
    import random

    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    for _ in range(count):
        body = urllib.parse.urlencode(
            {
                "api_key": key,
                "service_code": rng.choice(["garbage", "noise", "manhole", "streetlight"]),
                "lat": f"{rng.uniform(39.90, 39.93):.6f}",
                "long": f"{rng.uniform(116.40, 116.42):.6f}",
                "description": "压测：路边垃圾桶满了没人清运",
                "first_name": "测",
                "last_name": "压",
            }
        )
        started = time.perf_counter()
        conn.request("POST", "/open311/v2/requests.json", body, {"Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started if response.status in (201, 400) else float("nan"))
    conn.close()
    return latencies


def pgbench_tps(env: dict, seconds: int, clients: int) -> float:
    url = env["DATABASE_URL"]
    run(
        [
            "psql",
            url,
            "-qc",
            "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial primary key, body text, at timestamptz)",
        ],
        env,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("INSERT INTO bench_insert (body, at) VALUES ('压测：路边垃圾桶满了没人清运', now());\n")
    out = run(["pgbench", "-n", "-f", script.name, "-c", str(clients), "-j", "2", "-T", str(seconds), url], env).stdout
    return float(next(line for line in out.splitlines() if line.startswith("tps")).split()[2])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="grassroots-bench-"))
    env, key = prepare(home)
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "grassroots.wsgi:application",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=home,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/open311/v2/services.json")
                break
            except OSError:
                time.sleep(0.2)
        worker((20, 0, key, PORT))  # warm every code path (index build, classifier not needed, caches)
        per = args.requests // args.concurrency
        started = time.perf_counter()
        with mp.Pool(args.concurrency) as pool:
            results = pool.map(worker, [(per, i + 1, key, PORT) for i in range(args.concurrency)])
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies = sorted(x for r in results for x in r if x == x)
    failed = sum(len(r) for r in results) - len(latencies)
    rps = len(latencies) / elapsed
    p50, p99 = statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99) - 1] * 1000
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    verdict = "PASS" if rps >= GOAL_RPS and p99 <= GOAL_P99_MS else "BELOW GOAL (see docs/performance.md)"
    print(
        f"intake via Open311 POST ({backend}, gunicorn {args.workers} workers × 4 threads, "
        f"{args.concurrency} clients, {len(latencies)} requests, {failed} failed)"
    )
    print(f"  throughput {rps:8.0f} req/s   goal ≥ {GOAL_RPS} req/s")
    print(f"  latency    p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   goal p99 ≤ {GOAL_P99_MS} ms   [{verdict}]")
    if os.environ.get("DATABASE_URL"):
        tps = pgbench_tps(env, seconds=10, clients=args.concurrency)
        print(
            f"  pgbench single-row INSERT, same machine, {args.concurrency} clients: {tps:8.0f} tps "
            f"(ratio intake/pgbench {rps / tps:.3f})"
        )
        base = env["DATABASE_URL"].rsplit("/", 1)[0]
        run(
            ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE {env['DATABASE_URL'].rsplit('/', 1)[1]} WITH (FORCE)"],
            env,
        )
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
