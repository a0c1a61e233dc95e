"""The MQTT half of bench/ingest.py (publishers, a private Mosquitto, the ingesters and the lag handler), and the
helpers both halves share. `python bench/ingest_mqtt.py --ingester URL ROOT SHARE` is one ingester process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
GOAL_MQTT = 20_000
PROPERTIES = ("pm25", "pm10", "so2", "no2", "co", "o3")
UTC = dt.UTC
WINDOW = {name: dt.datetime(2026, month, 1, tzinfo=UTC) for name, month in
          (("copy", 1), ("http", 2), ("warm", 3), ("mqtt", 4), ("mqtt_list", 5), ("lag", 6), ("lag2", 7),
           ("http_worker", 8))}  # fmt: skip


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


def stored_in(window: str) -> int:
    from django.db import connection

    start = WINDOW[window]
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT count(*) FROM environment_observation WHERE "time" >= %s AND "time" < %s',
            [start, start + dt.timedelta(days=28)],
        )
        return cursor.fetchone()[0]


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


if __name__ == "__main__" and sys.argv[1:2] == ["--ingester"]:
    ingester_main(sys.argv[2:])
