"""`grassroots mqtt`: readings from an MQTT broker into ingest.ingest(), in batches, acknowledged after the write.

paho's network thread only queues each message; the caller's thread (run()) parses, batches and writes. A batch
is written when it holds `batch_size` readings or its oldest message is `batch_ms` old, then every QoS 1 message
in it is acknowledged (manual_ack: the PUBACK goes out only after the commit), so a crash or a database outage
loses nothing: the broker redelivers what was never acknowledged, and ingest is idempotent by (datastream, time).
MQTT 5 with a persistent session (clean_start False, session expiry) keeps the subscription and the queued
messages across restarts; Receive Maximum bounds the unacknowledged messages the broker sends us (MQTT 5 §3.1.2.11.3).

The broker's ACL decides who may publish for which station, so writes pass allowed_stations=None. A malformed
message is logged (topic and code, never its content), counted in Stats and acknowledged, never retried.
"""

from __future__ import annotations

import logging
import queue
import random
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import paho.mqtt.client as paho
from django.db import InterfaceError, OperationalError
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from grassroots.environment.ingest import IngestResult, Reading
from grassroots.environment.mqtt_payload import BrokerURL, PayloadError, parse_message

logger = logging.getLogger(__name__)

DEFAULT_ROOT = "grassroots/obs"
LOG_BURST = 20  # skipped-message lines per stats interval; the rest are only counted
BACKOFF_MIN, BACKOFF_MAX = 1.0, 60.0  # seconds, doubled per failed attempt (first connect and batch writes)

Writer = Callable[[Sequence[Reading]], IngestResult]


@dataclass
class Options:
    topic_root: str = DEFAULT_ROOT
    batch_size: int = 2000  # readings
    batch_ms: int = 250  # the longest a reading waits for its batch
    client_id: str = "grassroots-ingest"
    session_expiry: int = 86400  # seconds the broker keeps our session (and queues for us) while we are away
    receive_maximum: int = 0  # unacknowledged messages in flight; 0: 4 × batch_size (at most 65535)
    share_group: str = ""  # "$share/<group>/…": several ingesters split one subscription
    keepalive: int = 60
    stats_interval: float = 60.0
    ca_file: str | None = None

    def topic_filter(self) -> str:
        own = f"{self.topic_root}/+/+"
        return f"$share/{self.share_group}/{own}" if self.share_group else own

    def inflight(self) -> int:
        return min(65535, max(self.receive_maximum or 4 * self.batch_size, 1))


@dataclass
class Stats:
    """Counters since start, read by the summary line and the tests (snapshot())."""

    messages: int = 0
    readings: int = 0  # parsed readings handed to ingest
    accepted: int = 0
    duplicates: int = 0
    rejected: Counter = field(default_factory=Counter)  # item or message code → count
    malformed: int = 0  # messages with no usable reading
    batches: int = 0
    write_failures: int = 0
    connects: int = 0
    disconnects: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def reject(self, code: str, n: int = 1) -> None:
        with self._lock:
            self.rejected[code] += n

    def snapshot(self) -> dict:
        with self._lock:
            names = ("messages", "readings", "accepted", "duplicates", "malformed", "batches", "write_failures")
            data = {name: getattr(self, name) for name in names + ("connects", "disconnects")}
            data["rejected"] = dict(self.rejected)
            return data


@dataclass
class _Pending:
    readings: list[Reading] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # topic of each reading, for the error log lines
    # (connection, mid, qos, first reading, end) of each message, in arrival order
    messages: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    since: float | None = None  # monotonic time the oldest message arrived


def _default_writer(readings: Sequence[Reading]) -> IngestResult:
    from django.db import close_old_connections

    from grassroots.environment import ingest

    close_old_connections()  # a long-lived process: drop a connection the database closed or aged out
    return ingest.ingest(readings, allowed_stations=None, source="mqtt")


class Ingester:
    """One subscriber. handle() and flush() work without a broker, which is how the unit tests drive them."""

    def __init__(self, options: Options, *, writer: Writer = _default_writer, ack=None, clock=time.monotonic):
        self.options = options
        self.stats = Stats()
        self._write = writer
        self._ack = ack  # (mid, qos) → None; the paho client's ack once connected
        self._clock = clock
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._pending = _Pending()
        self._connection = 0  # bumped on each connect: a PUBACK is only valid on the connection that got it
        self._stop = threading.Event()
        self._logged = 0
        self.client: paho.Client | None = None
        self.subscribed = threading.Event()  # set once the broker granted the subscription

    # --- parsing and batching (the caller's thread) ------------------------------------------------------
    def handle(self, topic: str, payload: bytes, mid: int = 0, qos: int = 0, connection: int | None = None) -> None:
        """Take one message into the pending batch (run() writes it when should_flush())."""
        pending = self._pending
        if pending.since is None:
            pending.since = self._clock()
        self.stats.add(messages=1)
        try:
            readings, errors = parse_message(self.options.topic_root, topic, payload)
        except PayloadError as exc:
            readings, errors = [], [exc.code]
        for code in errors:
            self.stats.reject(code)
            self._log_skip(topic, code)
        if not readings:
            self.stats.add(malformed=1)
        first = len(pending.readings)
        pending.readings += readings
        pending.topics += [topic] * len(readings)
        connection = self._connection if connection is None else connection
        pending.messages.append((connection, mid, qos, first, len(pending.readings)))

    def due(self) -> float:
        """Seconds until the pending batch must be written: 0 when it is full or its oldest message waited
        batch_ms; batch_ms when nothing is pending."""
        pending = self._pending
        if pending.since is None:
            return self.options.batch_ms / 1000
        if len(pending.readings) >= self.options.batch_size:
            return 0.0
        return max(0.0, pending.since + self.options.batch_ms / 1000 - self._clock())

    def should_flush(self) -> bool:
        return self._pending.since is not None and self.due() == 0

    def flush(self) -> bool:
        """Write the pending readings and acknowledge their messages. False (nothing acknowledged, the batch
        kept for the next try) when the write fails, e.g. the database is down."""
        pending = self._pending
        if pending.readings:
            try:
                self._count(pending, pending.readings, self._write(pending.readings), 0)
            except (OperationalError, InterfaceError) as exc:  # the database is away: keep all, retry later
                return self._failed(pending, exc)
            except Exception as exc:  # noqa: BLE001 — maybe one poisonous message: find it, message by message
                return self._flush_singly(pending, exc)
        self._pending = _Pending()
        self._acknowledge(pending.messages)
        return True

    def _flush_singly(self, pending: _Pending, first_error: Exception) -> bool:
        """Write each message on its own; those that still fail while others pass are skipped (counted as
        write_error, acknowledged). If all fail, the fault is not in the data: keep the batch and retry."""
        outcomes = []
        for message in pending.messages:
            part = pending.readings[message[3] : message[4]]
            try:
                if part:
                    self._count(pending, part, self._write(part), message[3])
                outcomes.append(True)
            except (OperationalError, InterfaceError) as exc:  # the database went away meanwhile: retry all
                return self._failed(pending, exc)  # (what went in comes back as duplicates)
            except Exception:  # noqa: BLE001 — judged below, with the others
                outcomes.append(False)
        if not any(outcomes[i] for i, m in enumerate(pending.messages) if m[4] > m[3]):
            return self._failed(pending, first_error)  # nothing with readings went in: a fault, not the data
        for (_c, _m, _q, start, end), ok in zip(pending.messages, outcomes, strict=True):
            if not ok:
                self.stats.reject("write_error", end - start)
                self._log_skip(pending.topics[start], "write_error")
        self._pending = _Pending()
        self._acknowledge(pending.messages)
        return True

    def _count(self, pending: _Pending, readings, result: IngestResult, offset: int) -> None:
        self.stats.add(readings=len(readings), accepted=result.accepted, duplicates=result.duplicates, batches=1)
        for error in result.errors:
            self.stats.reject(error.code)
            self._log_skip(pending.topics[offset + error.index], error.code)

    def _failed(self, pending: _Pending, exc: Exception) -> bool:
        self.stats.add(write_failures=1)
        logger.error("mqtt: batch of %d readings not written (%s)", len(pending.readings), type(exc).__name__)
        return False

    def _acknowledge(self, messages) -> None:
        if self._ack is None:
            return
        for connection, mid, qos, _start, _end in messages:
            if qos and connection == self._connection:  # older ones are redelivered on the new connection
                self._ack(mid, qos)

    def _log_skip(self, topic: str, code: str) -> None:
        if self._logged < LOG_BURST:
            self._logged += 1
            logger.warning("mqtt: skipped a reading on %r: %s", topic[:120], code)

    def log_summary(self) -> None:
        s = self.stats.snapshot()
        rejected = ", ".join(f"{code} {n}" for code, n in sorted(s["rejected"].items())) or "none"
        logger.info(
            "mqtt: %d messages, %d readings, %d stored, %d duplicates, %d malformed messages; rejected: %s; "
            "%d batches, %d write failures, %d connects",
            s["messages"], s["readings"], s["accepted"], s["duplicates"], s["malformed"], rejected,
            s["batches"], s["write_failures"], s["connects"],
        )  # fmt: skip
        self._logged = 0

    # --- the broker (paho's network thread puts, run() takes) ---------------------------------------------
    def stop(self) -> None:
        self._stop.set()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            logger.error("mqtt: broker refused the connection: %s", reason_code)
            return
        self._connection += 1
        self.stats.add(connects=1)
        logger.info("mqtt: connected (session present: %s)", flags.session_present)
        client.subscribe(self.options.topic_filter(), qos=1)  # again on every connect, in case the session is new

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        for code in reason_codes:
            if code.is_failure:
                logger.error("mqtt: subscription to %s refused: %s", self.options.topic_filter(), code)
                return
        logger.info("mqtt: subscribed to %s (QoS 1)", self.options.topic_filter())
        self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.stats.add(disconnects=1)
        if not self._stop.is_set():
            logger.warning("mqtt: disconnected (%s); paho reconnects with back-off", reason_code)

    def _on_message(self, client, userdata, message) -> None:
        self._queue.put((self._connection, message))

    def _client(self, url: BrokerURL) -> paho.Client:
        client = paho.Client(
            paho.CallbackAPIVersion.VERSION2,
            client_id=self.options.client_id,
            protocol=paho.MQTTv5,
            manual_ack=True,
        )
        if url.username:
            client.username_pw_set(url.username, url.password)
        if url.tls:
            client.tls_set(ca_certs=self.options.ca_file, cert_reqs=ssl.CERT_REQUIRED)
        client.reconnect_delay_set(min_delay=int(BACKOFF_MIN), max_delay=int(BACKOFF_MAX))
        client.on_connect, client.on_subscribe = self._on_connect, self._on_subscribe
        client.on_disconnect, client.on_message = self._on_disconnect, self._on_message
        return client

    def _connect_first(self, client: paho.Client, url: BrokerURL) -> bool:
        """paho retries after a lost connection; the first connect is ours to retry, with the same back-off."""
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = self.options.session_expiry
        properties.ReceiveMaximum = self.options.inflight()
        delay = BACKOFF_MIN
        while not self._stop.is_set():
            try:
                client.connect(
                    url.host, url.port, keepalive=self.options.keepalive, clean_start=False, properties=properties
                )
                return True
            except OSError as exc:  # refused, unreachable, DNS, TLS handshake
                wait = delay * random.uniform(0.8, 1.2)  # noqa: S311 — jitter, not a secret
                logger.warning("mqtt: cannot reach %s (%s); retrying in %.1f s", url.redacted(), exc, wait)
                self._stop.wait(wait)
                delay = min(delay * 2, BACKOFF_MAX)
        return False

    def run(self, url: BrokerURL) -> Stats:
        """Consume until stop(); then write what is pending, acknowledge it and disconnect."""
        client = self.client = self._client(url)
        self._ack = client.ack
        if not self._connect_first(client, url):
            return self.stats
        client.loop_start()
        logger.info("mqtt: subscribing to %s on %s", self.options.topic_filter(), url.redacted())
        next_summary = time.monotonic() + self.options.stats_interval
        delay = BACKOFF_MIN
        try:
            while not self._stop.is_set():
                self._take(timeout=min(self.due(), 0.5))
                if self.should_flush():
                    if self.flush():
                        delay = BACKOFF_MIN
                    else:
                        self._stop.wait(delay)
                        delay = min(delay * 2, BACKOFF_MAX)
                if time.monotonic() >= next_summary:
                    self.log_summary()
                    next_summary = time.monotonic() + self.options.stats_interval
            self._take(timeout=0)  # what already arrived is written before leaving
            self.flush()
        finally:
            client.disconnect()
            client.loop_stop()
            self.log_summary()
        return self.stats

    def _take(self, timeout: float) -> None:
        """Handle the queued messages: wait up to `timeout` for the first, then take the rest without waiting,
        stopping early when a flush is due so a busy stream still honours batch_ms."""
        try:
            item = self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            return
        while True:
            connection, message = item
            try:
                topic = message.topic
            except UnicodeDecodeError:  # not UTF-8 (MQTT §1.5.4 requires it): no station to read from it
                topic = ""
            self.handle(topic, message.payload, message.mid, message.qos, connection)
            if self.should_flush():
                return
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
