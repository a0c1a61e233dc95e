"""grassroots mqtt without a broker: payload and URL parsing, the command's checks, batching and acknowledgement.
End to end through Mosquitto: test_mqtt_broker.py."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from django.db import OperationalError

from grassroots.environment.ingest import IngestResult, ItemError, Reading
from grassroots.environment.mqtt import Ingester, Options
from grassroots.environment.mqtt_payload import (
    MAX_ITEMS,
    MAX_PAYLOAD_BYTES,
    BrokerURLError,
    PayloadError,
    parse_message,
    parse_url,
)

ROOT = "grassroots/obs"
TOPIC = f"{ROOT}/bj-dongsi/pm25"
BROKER = ("127.0.0.1", 1883)


def parse(payload, topic=TOPIC):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return parse_message(ROOT, topic, raw)


def code_of(payload, topic=TOPIC) -> str:
    with pytest.raises(PayloadError) as caught:
        parse(payload, topic)
    return caught.value.code


# --- payloads -------------------------------------------------------------------------------------------------
def test_it_reads_one_object_with_long_names():
    readings, errors = parse({"time": "2026-12-04T08:00:00+08:00", "value": 35, "unit": "µg/m³", "quality": 1})
    assert errors == []
    assert readings == [
        Reading("bj-dongsi", "pm25", datetime(2026, 12, 4, 0, 0, tzinfo=UTC), 35.0, unit="µg/m³", quality=1)
    ]
    assert isinstance(readings[0].value, float)


def test_it_reads_the_compact_form_with_epoch_seconds_and_z_times():
    readings, errors = parse([{"t": 1764835200, "v": 12.5}, {"t": "2025-12-04T08:00:00Z", "v": 3, "u": "µg/m³"}])
    assert errors == []
    assert [r.time for r in readings] == [datetime(2025, 12, 4, 8, 0, tzinfo=UTC)] * 2
    assert readings[0].quality == 0 and readings[0].unit is None and readings[1].unit == "µg/m³"


def test_a_bad_item_in_a_list_does_not_reject_the_good_ones():
    good = {"time": "2026-12-04T08:00:00Z", "value": 1}
    payload = b'[{"t": "2026-12-04T09:00:00Z", "v": NaN}, ' + json.dumps(good).encode() + b', {"v": 2}]'
    readings, errors = parse(payload)
    assert [r.value for r in readings] == [1.0]
    assert errors == ["not_a_number", "bad_item"]


@pytest.mark.parametrize(
    "item, code",
    [
        ({"time": "2026-12-04T08:00:00", "value": 1}, "naive_time"),
        ({"time": "yesterday", "value": 1}, "bad_time"),
        ({"time": 1764835200000, "value": 1}, "bad_time"),  # milliseconds
        ({"time": True, "value": 1}, "bad_time"),
        ({"time": "2026-12-04T08:00:00Z", "value": "35"}, "not_a_number"),
        ({"time": "2026-12-04T08:00:00Z", "value": True}, "not_a_number"),
        ({"time": "2026-12-04T08:00:00Z", "value": 10**400}, "not_a_number"),
        ({"time": "2026-12-04T08:00:00Z", "value": 1, "quality": 3}, "bad_quality"),
        ({"time": "2026-12-04T08:00:00Z", "value": 1, "quality": "0"}, "bad_quality"),
        ({"time": "2026-12-04T08:00:00Z", "value": 1, "quality": True}, "bad_quality"),
        ({"time": "2026-12-04T08:00:00Z", "value": 1, "unit": 5}, "bad_unit"),
        ({"time": "2026-12-04T08:00:00Z", "value": 1, "unit": "x" * 21}, "bad_unit"),
        ({"time": "2026-12-04T08:00:00Z", "t": 1764835200, "value": 1}, "bad_item"),  # both names
        ({"time": "2026-12-04T08:00:00Z", "value": 1, "seq": 7}, "bad_item"),  # unknown field
        ({"value": 1}, "bad_item"),
        ("35", "bad_item"),
    ],
)
def test_it_refuses_a_bad_item_with_its_code(item, code):
    readings, errors = parse([item])
    assert readings == [] and errors == [code]


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_it_refuses_non_finite_values(literal):
    readings, errors = parse(b'{"time": "2026-12-04T08:00:00Z", "value": ' + literal + b"}")
    assert readings == [] and errors == ["not_a_number"]


@pytest.mark.parametrize(
    "payload, code",
    [
        (b"not json", "not_json"),
        (b"\xff\xfe{", "not_json"),
        (b"", "not_json"),
        (b"[" * 5000, "not_json"),  # nesting deeper than the recursion limit
        (b"35", "bad_shape"),
        (b'"x"', "bad_shape"),
        (b"[]", "bad_shape"),
        (b"null", "bad_shape"),
        (b" " * (MAX_PAYLOAD_BYTES + 1), "too_large"),
        (json.dumps([{"t": 1764835200, "v": 1}] * (MAX_ITEMS + 1)).encode(), "too_many"),
    ],
)
def test_it_refuses_an_unusable_message_with_its_code(payload, code):
    assert code_of(payload) == code


@pytest.mark.parametrize(
    "topic",
    ["other/obs/bj-dongsi/pm25", f"{ROOT}/bj-dongsi", f"{ROOT}/bj-dongsi/pm25/x", f"{ROOT}//pm25", f"{ROOT}/站点/pm25"],
)
def test_it_refuses_a_topic_outside_the_scheme(topic):
    assert code_of({"t": 1764835200, "v": 1}, topic) == "bad_topic"


# --- the broker URL -------------------------------------------------------------------------------------------
def test_it_parses_broker_urls():
    plain = parse_url("mqtt://127.0.0.1:1883")
    assert (plain.host, plain.port, plain.tls, plain.username, plain.password) == ("127.0.0.1", 1883, False, None, None)
    assert parse_url("mqtt://broker.local").port == 1883
    tls = parse_url("mqtts://ingest:p%40ss%3Aword@broker.example.org/")
    assert (tls.host, tls.port, tls.tls, tls.username, tls.password) == (
        "broker.example.org", 8883, True, "ingest", "p@ss:word"
    )  # fmt: skip
    assert "p@ss" not in repr(tls) and tls.redacted() == "mqtts://ingest:***@broker.example.org:8883"


@pytest.mark.parametrize(
    "url",
    [
        "", "http://127.0.0.1:1883", "tcp://127.0.0.1:1883", "ws://127.0.0.1", "127.0.0.1:1883", "mqtt://",
        "mqtt://:1883", "mqtt://host:0", "mqtt://host:70000", "mqtt://host:port", "mqtt://host/topic",
        "mqtt://host?x=1", "mqtt://host#f", "mqtt://:secret@host", " mqtt://host", "mqtt://ho st",
    ],
)  # fmt: skip
def test_it_refuses_a_url_that_is_not_a_plain_mqtt_broker(url):
    with pytest.raises(BrokerURLError):
        parse_url(url)


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "未设置 MQTT_URL"),
        (["--url", "http://127.0.0.1:1883"], "MQTT_URL 无效：须以 mqtt:// 或 mqtts:// 开头"),
        (["--url", "mqtt://127.0.0.1", "--topic-root", "grassroots/#"], "主题根"),
        (["--url", "mqtt://127.0.0.1", "--batch-size", "0"], "批量大小"),
    ],
)
def test_the_command_refuses_bad_settings_before_connecting(monkeypatch, argv, message):
    from django.core.management import CommandError, call_command

    monkeypatch.delenv("MQTT_URL", raising=False)
    with pytest.raises(CommandError, match=message):
        call_command("mqtt", *argv)


# --- batching and acknowledgement -----------------------------------------------------------------------------
class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """A writer and an acknowledger that note the order of events."""

    def __init__(self, errors=None, fail=0, error=OperationalError, poison=None):
        self.events: list = []
        self.errors = errors or []
        self.fail, self.error, self.poison = fail, error, poison

    def write(self, readings):
        if self.fail:
            self.fail -= 1
            raise self.error("database down")
        if self.poison is not None and any(r.value == self.poison for r in readings):
            raise ValueError("a reading the writer cannot take")
        self.events.append(("write", len(readings)))
        return IngestResult(len(readings) - len(self.errors), 0, list(self.errors))

    def ack(self, mid, qos):
        self.events.append(("ack", mid))


def ingester(recorder, clock=None, **options) -> Ingester:
    return Ingester(Options(**{"batch_size": 3, "batch_ms": 200, **options}), writer=recorder.write,
                    ack=recorder.ack, clock=clock or Clock())  # fmt: skip


def message(n: int) -> bytes:
    return json.dumps({"t": 1764835200 + n, "v": n}).encode()


def test_it_writes_when_the_batch_is_full_then_acknowledges_in_arrival_order():
    recorder = Recorder()
    ing = ingester(recorder)
    for mid in (1, 2):
        ing.handle(TOPIC, message(mid), mid, 1)
    assert not ing.should_flush()
    ing.handle(TOPIC, message(3), 3, 1)
    assert ing.should_flush() and recorder.events == []  # nothing is acknowledged before the write
    assert ing.flush()
    assert recorder.events == [("write", 3), ("ack", 1), ("ack", 2), ("ack", 3)]
    assert ing.stats.snapshot() | {"rejected": None} == {
        "messages": 3, "readings": 3, "accepted": 3, "duplicates": 0, "malformed": 0, "batches": 1,
        "write_failures": 0, "connects": 0, "disconnects": 0, "rejected": None,
    }  # fmt: skip


def test_it_writes_a_partial_batch_after_batch_ms():
    clock, recorder = Clock(), Recorder()
    ing = ingester(recorder, clock)
    assert ing.due() == pytest.approx(0.2) and not ing.should_flush()
    ing.handle(TOPIC, message(1), 1, 1)
    clock.now += 0.15
    assert ing.due() == pytest.approx(0.05) and not ing.should_flush()
    clock.now += 0.05
    assert ing.should_flush()
    ing.flush()
    assert recorder.events == [("write", 1), ("ack", 1)]


def test_a_malformed_message_is_counted_logged_without_content_and_acknowledged(caplog):
    recorder = Recorder()
    ing = ingester(recorder)
    secret = b'{"value": "13812345678 secret"}'
    with caplog.at_level(logging.WARNING, logger="grassroots.environment.mqtt"):
        ing.handle(TOPIC, b"\x00garbage secret", 1, 1)
        ing.handle(TOPIC, secret, 2, 1)
        ing.handle(TOPIC, message(3), 3, 1)
    ing.flush()
    assert recorder.events == [("write", 1), ("ack", 1), ("ack", 2), ("ack", 3)]
    stats = ing.stats.snapshot()
    assert stats["malformed"] == 2 and stats["rejected"] == {"not_json": 1, "bad_item": 1}
    assert stats["accepted"] == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"mqtt: skipped a reading on '{TOPIC}': not_json",
        f"mqtt: skipped a reading on '{TOPIC}': bad_item",
    ]
    assert "secret" not in caplog.text


def test_errors_from_ingest_are_counted_by_code_with_their_topic(caplog):
    recorder = Recorder(errors=[ItemError(1, "unknown_station", "未知站点 nowhere")])
    ing = ingester(recorder)
    ing.handle(TOPIC, message(1), 1, 1)
    with caplog.at_level(logging.WARNING, logger="grassroots.environment.mqtt"):
        ing.handle(f"{ROOT}/nowhere/pm25", message(2), 2, 1)
        ing.flush()
    assert ing.stats.snapshot()["rejected"] == {"unknown_station": 1}
    assert caplog.records[0].getMessage() == f"mqtt: skipped a reading on '{ROOT}/nowhere/pm25': unknown_station"


def test_a_failed_write_acknowledges_nothing_and_keeps_the_batch():
    recorder = Recorder(fail=1, error=OperationalError)
    ing = ingester(recorder)
    ing.handle(TOPIC, message(1), 1, 1)
    assert ing.flush() is False
    assert recorder.events == [] and ing.stats.write_failures == 1
    ing.handle(TOPIC, message(2), 2, 1)
    assert ing.flush()
    assert recorder.events == [("write", 2), ("ack", 1), ("ack", 2)]


def test_a_message_that_breaks_the_writer_is_skipped_and_the_others_are_stored(caplog):
    recorder = Recorder(poison=2.0)
    ing = ingester(recorder)
    for mid in (1, 2, 3):
        ing.handle(TOPIC, message(mid), mid, 1)
    with caplog.at_level(logging.WARNING, logger="grassroots.environment.mqtt"):
        assert ing.flush()
    assert recorder.events == [("write", 1), ("write", 1), ("ack", 1), ("ack", 2), ("ack", 3)]
    assert ing.stats.snapshot()["rejected"] == {"write_error": 1} and ing.stats.accepted == 2
    assert caplog.records[0].getMessage() == f"mqtt: skipped a reading on '{TOPIC}': write_error"


def test_a_fault_that_breaks_every_message_keeps_the_batch_for_a_retry():
    recorder = Recorder(fail=4, error=ValueError)  # the batch, then each of its three messages
    ing = ingester(recorder)
    for mid in (1, 2, 3):
        ing.handle(TOPIC, message(mid), mid, 1)
    assert ing.flush() is False and recorder.events == []
    assert ing.flush() and recorder.events[0] == ("write", 3)


def test_messages_from_a_lost_connection_are_written_but_not_acknowledged():
    recorder = Recorder()
    ing = ingester(recorder)
    ing.handle(TOPIC, message(1), 1, 1, connection=0)
    ing._connection = 1  # reconnected: the broker redelivers message 1 itself
    ing.handle(TOPIC, message(2), 7, 1, connection=1)
    ing.flush()
    assert recorder.events == [("write", 2), ("ack", 7)]


def test_the_log_of_skipped_readings_is_bounded_between_summaries(caplog):
    ing = ingester(Recorder(), batch_size=10_000)
    with caplog.at_level(logging.INFO, logger="grassroots.environment.mqtt"):
        for mid in range(100):
            ing.handle(TOPIC, b"x", mid, 1)
        ing.log_summary()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 21 and "100 malformed messages; rejected: not_json 100" in lines[-1]
