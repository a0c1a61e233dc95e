"""What `grassroots mqtt` accepts: the broker URL (MQTT_URL) and the messages on <root>/<station>/<property>.

Parsing is strict and never raises past its caller: a bad URL is a BrokerURLError (the command refuses to start),
a bad message is a PayloadError with a stable code, and a bad item inside a list is reported per item, so the
good items beside it are still stored (the same rule as the HTTP batch API). docs/environment-mqtt.md lists the
payload forms and the codes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _

from grassroots.environment.ingest import Reading

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
MAX_PAYLOAD_BYTES = 64 * 1024  # a device's message, not a file: larger ones are skipped as too_large
MAX_ITEMS = 1000  # readings in one list payload
# Station and property codes are slugs (models.Station.code, ObservedProperty.code): nothing else can match.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
# Epoch seconds a device may send in the compact form: 2000-01-01 … 2100-01-01 (milliseconds fall outside).
_EPOCH_MIN, _EPOCH_MAX = 946_684_800, 4_102_444_800
# Each field has a long and a compact name; giving both is ambiguous and refused.
_FIELDS = {"time": "t", "value": "v", "unit": "u", "quality": "q"}
_KNOWN = set(_FIELDS) | set(_FIELDS.values())

# Error codes (docs/environment-mqtt.md). A message-level code skips the whole message, an item code one item.
BAD_TOPIC = "bad_topic"
TOO_LARGE = "too_large"
NOT_JSON = "not_json"
BAD_SHAPE = "bad_shape"
TOO_MANY = "too_many"
BAD_ITEM = "bad_item"
BAD_TIME = "bad_time"
NAIVE_TIME = "naive_time"
NOT_A_NUMBER = "not_a_number"
BAD_UNIT = "bad_unit"
BAD_QUALITY = "bad_quality"


class BrokerURLError(ValueError):
    pass


class PayloadError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class BrokerURL:
    host: str
    port: int
    tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def redacted(self) -> str:
        """For logs: the password never appears."""
        user = f"{self.username}:***@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}"


def parse_url(url: str) -> BrokerURL:
    """mqtt://[user[:password]@]host[:port] or mqtts://… (TLS, default port 8883); anything else is refused,
    so a typo (http://, a path, a query) fails at start rather than connecting somewhere unintended."""
    if not url or url != url.strip() or any(ord(c) < 33 for c in url):
        raise BrokerURLError(_("为空或含空格、控制字符"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number or out of range, a malformed IPv6 host
        raise BrokerURLError(_("不是有效的 URL")) from None
    if parts.scheme not in DEFAULT_PORTS:
        raise BrokerURLError(_("须以 mqtt:// 或 mqtts:// 开头"))
    if not parts.hostname:
        raise BrokerURLError(_("缺少主机名"))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BrokerURLError(_("不能含路径、查询串或片段"))
    if port == 0:
        raise BrokerURLError(_("端口须在 1–65535 之间"))
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise BrokerURLError(_("有密码却没有用户名"))
    return BrokerURL(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        tls=parts.scheme == "mqtts",
        username=username or None,
        password=password,
    )


@lru_cache(maxsize=8192)  # a deployment's topics repeat; a bad topic raises, and is never cached
def split_topic(root: str, topic: str) -> tuple[str, str]:
    """(station, property) of <root>/<station>/<property>."""
    prefix = root + "/"
    if not topic.startswith(prefix):
        raise PayloadError(BAD_TOPIC)
    levels = topic[len(prefix) :].split("/")
    if len(levels) != 2 or not all(_CODE.fullmatch(level) for level in levels):
        raise PayloadError(BAD_TOPIC)
    return levels[0], levels[1]


def _field(item: dict, name: str):
    short = _FIELDS[name]
    if name in item and short in item:
        raise PayloadError(BAD_ITEM)
    return item.get(name, item.get(short))


def _time(raw) -> datetime:
    if isinstance(raw, bool):
        raise PayloadError(BAD_TIME)
    if isinstance(raw, int | float):  # epoch seconds, the compact form
        if not (math.isfinite(raw) and _EPOCH_MIN <= raw < _EPOCH_MAX):
            raise PayloadError(BAD_TIME)
        return datetime.fromtimestamp(raw, tz=UTC)
    if not isinstance(raw, str) or not 10 <= len(raw) <= 40:
        raise PayloadError(BAD_TIME)
    try:
        moment = datetime.fromisoformat(raw)  # ISO 8601 (RFC 3339 profile), "Z" included on Python ≥ 3.11
    except ValueError:
        raise PayloadError(BAD_TIME) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PayloadError(NAIVE_TIME)  # a device's local time is ambiguous: the offset is required
    return moment


def _item(station: str, prop: str, item) -> Reading:
    if not isinstance(item, dict) or not item.keys() <= _KNOWN:
        raise PayloadError(BAD_ITEM)
    raw_time, value = _field(item, "time"), _field(item, "value")
    unit, quality = _field(item, "unit"), _field(item, "quality")
    if raw_time is None or value is None:
        raise PayloadError(BAD_ITEM)
    moment = _time(raw_time)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError(NOT_A_NUMBER)
    try:
        value = float(value)
    except OverflowError:  # an integer too large for a float
        raise PayloadError(NOT_A_NUMBER) from None
    if not math.isfinite(value):  # 1e999 parses to inf
        raise PayloadError(NOT_A_NUMBER)
    if unit is not None and (not isinstance(unit, str) or len(unit) > 20):
        raise PayloadError(BAD_UNIT)
    if quality is None:
        quality = 0
    elif isinstance(quality, bool) or not isinstance(quality, int) or quality not in (0, 1, 2):
        raise PayloadError(BAD_QUALITY)
    return Reading(station=station, property=prop, time=moment, value=value, unit=unit, quality=quality)


def parse_message(root: str, topic: str, payload: bytes) -> tuple[list[Reading], list[str]]:
    """The readings of one message and the codes of its bad items. A PayloadError means the whole message is
    unusable (topic, size, not JSON, not an object or a list of objects)."""
    station, prop = split_topic(root, topic)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PayloadError(TOO_LARGE)
    try:
        # Python's json reads NaN and Infinity as floats; the item check refuses them one item at a time.
        data = json.loads(payload)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise PayloadError(NOT_JSON) from None
    if isinstance(data, dict):
        items = [data]
    elif isinstance(data, list) and data:
        items = data
    else:
        raise PayloadError(BAD_SHAPE)
    if len(items) > MAX_ITEMS:
        raise PayloadError(TOO_MANY)
    readings: list[Reading] = []
    errors: list[str] = []
    for item in items:
        try:
            readings.append(_item(station, prop, item))
        except PayloadError as exc:
            errors.append(exc.code)
    return readings, errors
