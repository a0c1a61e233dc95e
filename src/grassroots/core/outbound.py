"""The one way the server fetches a URL someone else chose (webhooks now; feeds and brokers later).

A URL typed by a user must not reach the server's own network (SSRF): loopback, private ranges, link-local,
CGNAT, the cloud metadata services. So :func:`fetch`

* takes only http and https (https only with ``OUTBOUND_HTTPS_ONLY``), no credentials in the URL;
* resolves the host once and refuses if ANY address it resolves to is not public (the IPv4-mapped, 6to4 and
  NAT64 forms of such an address included), then connects to that vetted address itself, sending the URL's
  host as Host header, TLS SNI and certificate name: a DNS answer that changes between check and connect
  (rebinding) is never asked for;
* never follows a redirect (a 3xx other than 304 is refused with ``outbound.redirect``);
* bounds the connect, each read, and the whole exchange (a watchdog shuts the socket at the deadline, so a
  receiver trickling one byte at a time cannot hold a worker), and reads at most ``max_bytes`` (+1 to tell);
* ignores proxy environment variables (urllib3's connection classes used directly read none).

Settings, read at each call so tests and operators can change them: ``OUTBOUND_HTTPS_ONLY`` (False),
``OUTBOUND_ALLOW_HOSTS`` (hostnames, IP addresses or networks an operator lets through, e.g. an internal
receiver; the metadata addresses stay refused), ``OUTBOUND_CONNECT_TIMEOUT`` (3 s), ``OUTBOUND_READ_TIMEOUT``
(5 s), ``OUTBOUND_TOTAL_TIMEOUT`` (10 s), ``OUTBOUND_MAX_BYTES`` (1 MiB), ``OUTBOUND_CA_BUNDLE`` (system CAs).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.parse import urlsplit

import urllib3.exceptions
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from urllib3.connection import HTTPConnection, HTTPSConnection

SCHEME = "outbound.scheme"
URL = "outbound.url"
PRIVATE = "outbound.private_address"
UNRESOLVABLE = "outbound.unresolvable"
REDIRECT = "outbound.redirect"
TOO_LARGE = "outbound.too_large"
TIMEOUT = "outbound.timeout"
CONNECT = "outbound.connect"
TLS = "outbound.tls"
# Refusals that no retry can change: the URL itself is not acceptable.
PERMANENT = frozenset({SCHEME, URL, PRIVATE})

MESSAGES = {
    SCHEME: _("地址须为 http(s) URL"),
    URL: _("地址格式有误（须有主机名，不得含用户名或密码）"),
    PRIVATE: _("地址指向内部网络、本机或保留地址，不允许访问"),
    UNRESOLVABLE: _("无法解析该主机名"),
    REDIRECT: _("对方返回了重定向，系统不跟随重定向"),
    TOO_LARGE: _("对方的响应过大"),
    TIMEOUT: _("连接或读取超时"),
    CONNECT: _("无法连接对方服务器"),
    TLS: _("对方的 TLS 证书无效"),
}

_NETWORKS = [
    ipaddress.ip_network(n)
    for n in (
        # IPv4: this network, private, CGNAT, loopback, link-local, IETF protocol, documentation, 6to4 relay,
        # benchmarking, multicast, reserved, broadcast.
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        # IPv6: unspecified, loopback and IPv4-compatible (::/96), local-use NAT64, discard, IETF protocol
        # (Teredo, ORCHID, benchmarking), documentation, unique-local, link-local, site-local, multicast.
        "::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16",
        "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
]  # fmt: skip
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Cloud metadata services (EC2/GCP/Azure/OpenStack, ECS tasks, EC2 over IPv6, Alibaba Cloud): never fetched,
# whatever the allow-list says.
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
_REDIRECTS = frozenset({300, 301, 302, 303, 305, 307, 308})


class OutboundRefused(Exception):
    """Why a fetch did not happen or did not succeed: `code` is one of the constants above."""

    def __init__(self, code: str, detail: str = "", *, status: int | None = None):
        self.code, self.detail, self.status = code, detail, status
        super().__init__(f"{code}: {detail}" if detail else code)

    @property
    def permanent(self) -> bool:
        return self.code in PERMANENT

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    address: str = ""  # the vetted IP it was fetched from


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # ASCII (IDNA), lower case, no brackets
    port: int
    path: str  # path and query


def _setting(name: str, default):
    return getattr(settings, f"OUTBOUND_{name}", default)


def parse(url: str) -> Target:
    """Check the URL's form: scheme, host, port, no userinfo, no spaces or control characters. No network."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url.strip()):
        raise OutboundRefused(URL, "space or control character")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused(URL, str(exc)) from None
    allowed = ("https",) if _setting("HTTPS_ONLY", False) else ("http", "https")
    if parts.scheme not in allowed:
        raise OutboundRefused(SCHEME, parts.scheme or "none")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise OutboundRefused(URL, "no host" if not parts.hostname else "credentials in URL")
    try:
        host = parts.hostname.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise OutboundRefused(URL, "bad host name") from None
    if not host:
        raise OutboundRefused(URL, "no host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def _unwrap(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address an IPv6 one carries in its IPv4-mapped, 6to4 or NAT64 form: where packets really go."""
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ipaddress.IPv6Address(ip.compressed.split("%")[0])  # no scope id
        if ip.ipv4_mapped:
            return ip.ipv4_mapped
        if ip.sixtofour:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    ip = _unwrap(ip)
    if ip in METADATA or any(ip in net for net in _NETWORKS if net.version == ip.version):
        return False
    # The standard library's flags as well, should its registry know of ranges this list does not.
    flags = (ip.is_private, ip.is_loopback, ip.is_link_local, ip.is_multicast, ip.is_reserved, ip.is_unspecified)
    return ip.is_global and not any(flags)


def _allowed(host: str, ip) -> bool:
    ip = _unwrap(ip)
    if ip in METADATA:
        return False
    for entry in _setting("ALLOW_HOSTS", ()):
        entry = str(entry).strip().lower().rstrip(".")
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:  # a host name
            if entry == host:
                return True
        else:
            if ip in network:  # False across IPv4 and IPv6
                return True
    return False


def _resolve(host: str, port: int) -> list[tuple]:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise OutboundRefused(UNRESOLVABLE, host) from exc
        return [(family, sockaddr) for family, _type, _proto, _name, sockaddr in infos]
    family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
    return [(family, (str(literal), port) if literal.version == 4 else (str(literal), port, 0, 0))]


def vet(url: str) -> tuple[Target, list[tuple]]:
    """Parse and resolve; refuse unless every address is public or allowed. Returns what to connect to."""
    target = parse(url)
    addresses = _resolve(target.host, target.port)
    for _family, sockaddr in addresses:
        ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not is_public(ip) and not _allowed(target.host, ip):
            raise OutboundRefused(PRIVATE, f"{target.host} → {ip}")
    if not addresses:
        raise OutboundRefused(UNRESOLVABLE, target.host)
    return target, addresses


def validate(url: str) -> None:
    """The check at the time a URL is saved: its form, and its addresses if the name resolves now.

    A name that does not resolve yet is accepted (its DNS may be set up later); every fetch checks again."""
    try:
        vet(url)
    except OutboundRefused as refused:
        if refused.code != UNRESOLVABLE:
            raise


def _dial(family: int, sockaddr: tuple, timeout: float) -> socket.socket:
    """Connect to exactly this vetted address (no name lookup here: that is the pin)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except BaseException:
        sock.close()
        raise
    return sock


class _Unreachable(Exception):
    """This address could not be connected to (the next vetted one may be)."""

    def __init__(self, code: str, detail: str):
        self.refusal = OutboundRefused(code, detail)


class _Pinned:
    """Mixin for urllib3's connections: the host stays the URL's (Host header, SNI, certificate check), the
    socket goes to the pinned address."""

    pinned: tuple[int, tuple]
    connect_timeout: float

    def _new_conn(self) -> socket.socket:
        family, sockaddr = self.pinned
        try:
            sock = _dial(family, sockaddr, self.connect_timeout)
        except TimeoutError as exc:
            raise _Unreachable(TIMEOUT, "connect") from exc
        except OSError as exc:
            raise _Unreachable(CONNECT, exc.strerror or str(exc)) from exc
        sock.settimeout(self.timeout)
        return sock


class _PinnedHTTP(_Pinned, HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, HTTPSConnection):
    pass


def _connection(target: Target, family: int, sockaddr: tuple, remaining: float) -> HTTPConnection:
    read = float(_setting("READ_TIMEOUT", 5.0))
    if target.scheme == "https":
        conn: HTTPConnection = _PinnedHTTPS(
            target.host, target.port, timeout=read, cert_reqs="CERT_REQUIRED", ca_certs=_setting("CA_BUNDLE", None)
        )
    else:
        conn = _PinnedHTTP(target.host, target.port, timeout=read)
    # The watchdog cannot reach a socket still connecting, so the connect itself keeps within the deadline.
    conn.pinned, conn.connect_timeout = (family, sockaddr), min(float(_setting("CONNECT_TIMEOUT", 3.0)), remaining)
    return conn


def _exchange(conn: HTTPConnection, target: Target, method: str, body, headers: dict, max_bytes: int) -> Response:
    conn.request(method, target.path, body=body, headers=headers, preload_content=False, decode_content=False)
    response = conn.getresponse()
    if response.status in _REDIRECTS:
        raise OutboundRefused(REDIRECT, response.headers.get("Location", "")[:200], status=response.status)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise OutboundRefused(TOO_LARGE, f"Content-Length {declared}", status=response.status)
    chunks, size = [], 0
    while chunk := response.read(min(65536, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise OutboundRefused(TOO_LARGE, f"over {max_bytes} bytes", status=response.status)
    return Response(response.status, b"".join(chunks), dict(response.headers.items()))


def deadline() -> float:
    """Seconds one fetch may take from start to end, name resolution aside (it cannot be interrupted)."""
    return float(_setting("TOTAL_TIMEOUT", 10.0))


def _expire(conn: HTTPConnection, expired: threading.Event) -> None:
    """The deadline passed: wake the worker blocked on this socket (shutdown, not close, is safe across threads)."""
    expired.set()
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def fetch(
    method: str, url: str, *, body: bytes | None = None, headers: dict | None = None, max_bytes: int | None = None
) -> Response:
    """One request to a vetted address. Raises OutboundRefused; any status that is not a redirect is returned."""
    started = time.monotonic()
    total = deadline()
    limit = int(max_bytes if max_bytes is not None else _setting("MAX_BYTES", 1 << 20))
    target, addresses = vet(url)
    # Identity only: a compressed body would slip past the size cap when decoded.
    headers = {**(headers or {}), "Accept-Encoding": "identity", "Connection": "close"}
    failure = OutboundRefused(CONNECT, target.host)
    for family, sockaddr in addresses:  # each one vetted; the next is tried only if this one cannot be reached
        remaining = total - (time.monotonic() - started)
        if remaining <= 0:
            raise OutboundRefused(TIMEOUT, f"over {total:g} s")
        conn = _connection(target, family, sockaddr, remaining)
        expired = threading.Event()
        watchdog = threading.Timer(remaining, _expire, (conn, expired))
        watchdog.daemon = True
        watchdog.start()
        try:
            response = _exchange(conn, target, method, body, headers, limit)
            if expired.is_set():  # the body may have been cut short by the shutdown
                raise OutboundRefused(TIMEOUT, f"over {total:g} s")
            return Response(response.status, response.body, response.headers, sockaddr[0])
        except _Unreachable as exc:
            failure = exc.refusal
        except (OSError, HTTPException, urllib3.exceptions.HTTPError) as exc:  # what an exchange can raise
            raise _refusal(exc, expired.is_set()) from exc
        finally:
            watchdog.cancel()
            conn.close()
    raise failure


def _refusal(exc: Exception, expired: bool) -> OutboundRefused:
    if expired or isinstance(exc, TimeoutError | urllib3.exceptions.TimeoutError):
        return OutboundRefused(TIMEOUT, "read")
    if isinstance(exc, ssl.SSLError | urllib3.exceptions.SSLError):  # before OSError: ssl.SSLError is one
        return OutboundRefused(TLS, str(exc)[:200])
    return OutboundRefused(CONNECT, str(exc)[:200] or type(exc).__name__)


def post(url: str, body: bytes, headers: dict | None = None, **kwargs) -> Response:
    return fetch("POST", url, body=body, headers=headers, **kwargs)


def get(url: str, headers: dict | None = None, **kwargs) -> Response:
    return fetch("GET", url, headers=headers, **kwargs)
