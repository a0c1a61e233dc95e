"""Time helpers: one notion of 'now' and of the local day, so tests can reason about both."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext

from grassroots.core.errors import DomainError, ErrorCode


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.localdate()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of a local day, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def within_days(qs, field: str, first: dt.date | None, last: dt.date | None):
    """Filter `qs` to rows whose `field` falls on local days first..last (inclusive; either may be open)."""
    if first:
        qs = qs.filter(**{f"{field}__gte": day_start(first)})
    if last:
        qs = qs.filter(**{f"{field}__lt": day_start(last + dt.timedelta(days=1))})
    return qs


def parse_day(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD query parameter, or None when absent; anything else is a clear input error."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, gettext("日期格式应为 YYYY-MM-DD：%(d)s") % {"d": value}) from None
