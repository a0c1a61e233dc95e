"""`grassroots mqtt`: the MQTT ingester, its own long-running process (docs/environment-mqtt.md).

Every option defaults to a setting or environment variable of the same name (MQTT_URL, MQTT_TOPIC_ROOT,
MQTT_BATCH_SIZE, MQTT_BATCH_MS, MQTT_CLIENT_ID, MQTT_CA_FILE …), so `make run` only has to set MQTT_URL.
SIGTERM and SIGINT stop it gracefully: the pending batch is written and acknowledged first.
"""

from __future__ import annotations

import gc
import os
import re
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grassroots.environment.mqtt import DEFAULT_ROOT, Ingester, Options
from grassroots.environment.mqtt_payload import BrokerURLError, parse_url

# A topic root is plain levels: no wildcards, no empty level, not a $SYS-like system topic (MQTT 5 §4.7).
_ROOT = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")
_CLIENT_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _default(name: str, fallback=None):
    return getattr(settings, name, None) or os.environ.get(name) or fallback


class Command(BaseCommand):
    help = "Subscribe to <root>/<station>/<property> on the MQTT broker (MQTT_URL) and store the readings"

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default=_default("MQTT_URL", ""), help="mqtt://[user:pass@]host[:port] or mqtts://"
        )
        parser.add_argument("--topic-root", default=_default("MQTT_TOPIC_ROOT", DEFAULT_ROOT))
        parser.add_argument("--batch-size", type=int, default=int(_default("MQTT_BATCH_SIZE", 2000)))
        parser.add_argument("--batch-ms", type=int, default=int(_default("MQTT_BATCH_MS", 250)))
        parser.add_argument("--client-id", default=_default("MQTT_CLIENT_ID", "grassroots-ingest"))
        parser.add_argument("--session-expiry", type=int, default=int(_default("MQTT_SESSION_EXPIRY", 86400)))
        parser.add_argument("--receive-maximum", type=int, default=int(_default("MQTT_RECEIVE_MAXIMUM", 0)))
        parser.add_argument("--share", default=_default("MQTT_SHARE_GROUP", ""), help="shared-subscription group")
        parser.add_argument("--ca-file", default=_default("MQTT_CA_FILE"), help="CA bundle for mqtts://")
        parser.add_argument("--stats-interval", type=float, default=60.0, help="seconds between summary lines")

    def handle(self, *args, **o):
        if not o["url"]:
            raise CommandError(_("未设置 MQTT_URL（例如 mqtt://127.0.0.1:1883）"))
        try:
            url = parse_url(o["url"])
        except BrokerURLError as exc:
            raise CommandError(_("MQTT_URL 无效：%(reason)s") % {"reason": exc}) from None
        if not _ROOT.fullmatch(o["topic_root"]):
            raise CommandError(_("主题根只能由字母、数字、下划线和短横线组成的层级构成，不能含通配符"))
        if not _CLIENT_ID.fullmatch(o["client_id"]) or (o["share"] and not _CLIENT_ID.fullmatch(o["share"])):
            raise CommandError(_("客户端标识和共享订阅组只能含字母、数字、点、下划线和短横线（至多 64 个字符）"))
        if not (1 <= o["batch_size"] <= 50_000 and 1 <= o["batch_ms"] <= 60_000):
            raise CommandError(_("批量大小须在 1–50000 之间，批量等待须在 1–60000 毫秒之间"))
        if not (0 <= o["receive_maximum"] <= 65535 and o["session_expiry"] >= 0 and o["stats_interval"] > 0):
            raise CommandError(_("接收上限须在 0–65535 之间，会话保留时间和统计间隔不能为负"))
        gc.collect()
        gc.freeze()  # the start-up heap lives as long as the process: keep it out of every full collection
        ingester = Ingester(
            Options(
                topic_root=o["topic_root"], batch_size=o["batch_size"], batch_ms=o["batch_ms"],
                client_id=o["client_id"], session_expiry=o["session_expiry"],
                receive_maximum=o["receive_maximum"], share_group=o["share"], ca_file=o["ca_file"],
                stats_interval=o["stats_interval"],
            )
        )  # fmt: skip
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: ingester.stop())
        stats = ingester.run(url)
        self.stdout.write(f"mqtt: stopped; {stats.snapshot()}")
