"""The registry of notification topics. Each app registers its own from its AppConfig.ready().

A topic is what a person chooses e-mail for ("risk warnings: yes, case progress: no"); the in-app notice is
always created, whatever the choice, so the inbox stays the record of what was said to whom.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Topic:
    code: str
    label: str | Promise
    default_email: bool = True


_TOPICS: dict[str, Topic] = {}


def register_topic(code: str, label: str | Promise, default_email: bool = True) -> Topic:
    """Idempotent for the same code (ready() may run twice in tests); a code is at most 40 characters."""
    if not code or len(code) > 40:
        raise ValueError(f"topic code must be 1–40 characters: {code!r}")
    _TOPICS[code] = topic = Topic(code, label, default_email)
    return topic


def get(code: str) -> Topic:
    try:
        return _TOPICS[code]
    except KeyError:
        raise LookupError(f"unregistered notification topic {code!r}") from None


def topics() -> list[Topic]:
    """In registration order (the apps' order in INSTALLED_APPS)."""
    return list(_TOPICS.values())
