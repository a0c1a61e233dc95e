"""grassroots mqtt end to end: a real paho client publishes to the Mosquitto on 127.0.0.1:1883 and the readings are
read back from the database (skipped, saying why, when no broker answers)."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from grassroots.environment.mqtt import Ingester, Options
from grassroots.environment.mqtt_payload import parse_url

BROKER = ("127.0.0.1", 1883)


@pytest.fixture
def broker():
    try:
        socket.create_connection(BROKER, timeout=1).close()
    except OSError:
        pytest.skip("no MQTT broker answers at 127.0.0.1:1883 (install and start mosquitto to run this test)")
    return parse_url("mqtt://127.0.0.1:1883")


@pytest.fixture
def station(cast):
    from grassroots.environment.models import Aggregation, Datastream, ObservedProperty, Station, StationKind

    code = f"t-{uuid.uuid4().hex[:10]}"
    station = Station.objects.create(
        code=code, name="测试站", kind=StationKind.AIR, region=cast.G1, lng=116.3, lat=39.9
    )
    # A transactional test empties the tables afterwards, migration rows too: the property may have to be made.
    pm25, _ = ObservedProperty.objects.get_or_create(
        code="pm25", defaults={"name": "PM2.5", "unit": "µg/m³", "physical_min": 0, "physical_max": 2000}
    )
    Datastream.objects.create(station=station, property=pm25, unit="µg/m³", aggregation=Aggregation.HOURLY_MEAN)
    return station


class Running:
    """An ingester in a thread, stopped (and its database connection closed) on exit."""

    def __init__(self, url, root, client_id=None, writer=None, session_expiry=0):
        options = Options(topic_root=root, batch_size=50, batch_ms=100, session_expiry=session_expiry,
                          client_id=client_id or f"test-{uuid.uuid4().hex[:12]}", stats_interval=3600)  # fmt: skip
        self.ingester = Ingester(options, **({"writer": writer} if writer else {}))
        self.thread = threading.Thread(target=self._run, args=(url,), daemon=True)

    def _run(self, url):
        from django.db import connections

        try:
            self.ingester.run(url)
        finally:
            connections.close_all()

    def __enter__(self) -> Ingester:
        self.thread.start()
        assert self.ingester.subscribed.wait(10), "the ingester never subscribed"
        return self.ingester

    def __exit__(self, *exc):
        self.ingester.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


def publish(messages: list[tuple[str, bytes]]) -> None:
    import paho.mqtt.client as paho

    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:12]}")
    client.connect(*BROKER)
    client.loop_start()
    try:
        for topic, payload in messages:
            client.publish(topic, payload, qos=1).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()


def stored(station, count: int, timeout: float = 10) -> list:
    from grassroots.environment.models import Observation

    deadline = time.monotonic() + timeout
    while True:
        rows = list(
            Observation.objects.filter(datastream__station=station).order_by("time").values_list("time", "value")
        )
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def until(predicate, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_it_stores_what_a_real_client_publishes_and_skips_a_malformed_message(broker, station):
    root = f"grassroots-test/{uuid.uuid4().hex}/obs"
    topic = f"{root}/{station.code}/pm25"
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    first = [{"time": (start + timedelta(minutes=m)).isoformat(), "value": 30 + m} for m in range(3)]
    later = {"t": int((start + timedelta(hours=1)).timestamp()), "v": 99.5, "u": "ug/m3"}
    with Running(broker, root) as ing:
        publish([(topic, json.dumps(first).encode()), (topic, b"{not json"), (topic, json.dumps(later).encode()),
                 (f"{root}/no-such-station/pm25", json.dumps(later).encode())])  # fmt: skip
        rows = stored(station, 4)
        assert until(lambda: ing.stats.snapshot()["messages"] == 4)
        publish([(topic, json.dumps(first).encode())])  # the same readings again: idempotent
        assert until(lambda: ing.stats.snapshot()["duplicates"] == 3)
    assert [(t, v) for t, v in rows] == [(start + timedelta(minutes=m), 30.0 + m) for m in range(3)] + [
        (start + timedelta(hours=1), 99.5)
    ]
    stats = ing.stats.snapshot()
    assert stats["accepted"] == 4 and stats["malformed"] == 1
    assert stats["rejected"] == {"not_json": 1, "unknown_station": 1}
    assert len(stored(station, 5, timeout=0)) == 4


@pytest.mark.django_db(transaction=True)
def test_an_unwritten_batch_is_not_acknowledged_so_the_broker_redelivers_it(broker, station):
    root = f"grassroots-test/{uuid.uuid4().hex}/obs"
    client_id = f"test-{uuid.uuid4().hex[:12]}"
    moment = datetime.now(timezone(timedelta(hours=8))).replace(microsecond=0) - timedelta(minutes=5)

    def database_down(readings):
        raise ConnectionError("database down")

    with Running(broker, root, client_id, writer=database_down, session_expiry=60) as ing:
        publish([(f"{root}/{station.code}/pm25", json.dumps({"time": moment.isoformat(), "value": 42}).encode())])
        assert until(lambda: ing.stats.write_failures >= 1)
    assert stored(station, 1, timeout=0) == []
    with Running(broker, root, client_id) as ing:  # same session, resumed: the unacknowledged message comes back
        rows = stored(station, 1)
    assert rows == [(moment, 42.0)]
    assert ing.stats.snapshot()["accepted"] == 1
