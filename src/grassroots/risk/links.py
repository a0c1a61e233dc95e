"""Evidence links: only http(s) URLs and site-relative paths may become a link on a page.

A stored `javascript:` or `data:` link rendered as href would run in a staff member's session (stored XSS);
a path starting with "//" or "/\\" is protocol-relative in browsers and would leave the site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 500


def is_safe_link(link: object) -> bool:
    if not isinstance(link, str) or not link or len(link) > MAX_LENGTH:
        return False
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in link):
        return False
    if link.startswith("/"):
        return not link.startswith("//")
    try:
        parts = urlsplit(link)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
