"""Which forwarded headers to believe: only those a configured reverse proxy (TRUSTED_PROXIES) has set.

X-Forwarded-For, X-Forwarded-Proto and friends are plain request headers that any client can send. A request
whose peer (REMOTE_ADDR) is not a trusted proxy has them removed before anything reads them, so it cannot
claim https (SECURE_PROXY_SSL_HEADER), another host, or another client address (login throttling, logs).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(text: str | None) -> bool:
    address = _address(text or "")
    return address is not None and any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy that forwarded the request.

    X-Forwarded-For is read from the right (each proxy appends the address it received from), skipping our own
    proxies; the first address that is not one of them is the client. Anything left of it was written by the
    client and is ignored.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: stop at the last address a trusted proxy vouched for
        if not is_trusted_proxy(str(address)):
            return str(address)
        peer = str(address)
    return peer


class TrustedProxyMiddleware:
    """Drop the forwarded headers of requests that did not come through a trusted proxy. Runs before
    SecurityMiddleware, which reads X-Forwarded-Proto for the https redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for name in FORWARDED_HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)
