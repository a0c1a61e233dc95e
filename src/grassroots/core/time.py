"""Time helpers: one notion of 'now' and of the local day, so tests can reason about both."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.localdate()


def age_on(birth: dt.date, day: dt.date | None = None) -> int:
    day = day or local_today()
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
