"""Application-assigned ids, so encrypted fields can bind their row id before the first INSERT."""

from __future__ import annotations

import secrets
import time

_RANDOM_BITS = 21


def new_id() -> int:
    """A positive 63-bit id: milliseconds since 2024-01-01 in the high bits, randomness in the low bits.

    Time-ordered (good index locality) and unique across processes without coordination; the 21 random
    bits make a collision within one millisecond a 1-in-2-million event per pair.
    """
    millis = int(time.time() * 1000) - 1_704_067_200_000
    return (millis << _RANDOM_BITS) | secrets.randbits(_RANDOM_BITS)
