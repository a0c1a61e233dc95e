"""Working-time calendar (工作日历): Chinese public holidays, adjusted workdays (调休) and office hours.

It lives in core because every time limit counts on it: case SLA timers (事件办理时限) and the working-day
limits of data-sharing steps use the one calendar `calendar()` builds from the settings.

Whether a day is worked is decided in this order:

1. local overrides — `extra_holidays` (emergency closures, local days off) and `extra_workdays` (local 调休);
2. the `chinesecalendar` package, which encodes the State Council's yearly holiday notices, including the
   weekend days worked in exchange for a long holiday (e.g. Sunday 2025-09-28 and Saturday 2025-10-11);
3. for a year the package has no notice for (it raises NotImplementedError), plain Monday–Friday. The
   notice for next year is usually published in November, so until the package is upgraded, add that
   year's holidays as local overrides (SLA_EXTRA_HOLIDAYS / SLA_EXTRA_WORKDAYS).

Working time is counted on the calendar's wall clock: an office open 09:00–12:00 works three hours that
morning. Asia/Shanghai has had no daylight saving since 1991, so there wall-clock and elapsed time agree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from grassroots.core.i18n import gettext as _

__all__ = ["DEFAULT_PERIODS", "MAX_DAYS", "WorkCalendar", "calendar", "from_settings", "has_national_data"]

# About ten years: every scan is bounded by it, so a misconfiguration (or an absurd SLA) fails loudly
# instead of looping for ever or overflowing the date range.
MAX_DAYS = 3700

Period = tuple[dt.time, dt.time]
# A typical government office day: 09:00–12:00 and 13:30–17:30, seven working hours.
DEFAULT_PERIODS: tuple[Period, ...] = ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17, 30)))

_ZERO = dt.timedelta()
_ONE_DAY = dt.timedelta(days=1)
_HHMM = re.compile(r"(\d{1,2}):(\d{2})")


@cache
def _national_workdays(year: int) -> frozenset[dt.date] | None:
    """The working days of `year` per the State Council notice, or None when the package lacks that year.

    chinese_calendar.is_workday re-scans its whole holiday table on every call (to find the supported
    year range), so one year is classified at once and cached; after that a day is a set lookup.
    """
    first = dt.date(year, 1, 1)
    try:
        chinese_calendar.is_workday(first)
    except NotImplementedError:
        return None
    days = (first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days))
    return frozenset(d for d in days if chinese_calendar.is_workday(d))


def has_national_data(year: int) -> bool:
    """True when the installed chinesecalendar knows the official holidays of `year` (else Mon–Fri is assumed)."""
    return _national_workdays(year) is not None


@dataclass(frozen=True)
class WorkCalendar:
    """Working periods of a day, the office's time zone and local day overrides.

    Instances are immutable and hashable, so callers may cache them; `extra_holidays` and
    `extra_workdays` accept any iterable of dates (a plain set is fine) and are stored as frozensets.
    """

    periods: tuple[Period, ...] = DEFAULT_PERIODS
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    extra_holidays: frozenset[dt.date] = frozenset()
    extra_workdays: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        # object.__setattr__ because the dataclass is frozen; normalising here keeps every instance hashable.
        tz = ZoneInfo(self.tz) if isinstance(self.tz, str) else self.tz
        object.__setattr__(self, "tz", tz)
        object.__setattr__(self, "periods", tuple((start, end) for start, end in self.periods))
        object.__setattr__(self, "extra_holidays", frozenset(self.extra_holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        if not self.periods:
            raise ValueError(_("至少需要一个工作时段"))
        previous = dt.time(0)
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError(_("工作时段须为本地时间（不带时区）"))
            if not previous <= start < end:
                raise ValueError(_("工作时段须按时间先后排列且不重叠"))
            previous = end
        both = self.extra_holidays & self.extra_workdays
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(_("日期不能既是假日又是工作日：%(dates)s") % {"dates": listed})

    @cached_property
    def day_length(self) -> dt.timedelta:
        """Working time in one full working day (7 h by default)."""
        return sum((_span(start, end) for start, end in self.periods), _ZERO)

    # -- days -----------------------------------------------------------------------------------------

    def is_workday(self, day: dt.date) -> bool:
        """Whether `day` is worked: local overrides, then the official notice, else Monday–Friday.

        The Monday–Friday fallback applies only to years the installed chinesecalendar has no data for;
        it silently ignores that year's holidays, hence the local overrides. A datetime is judged by its
        date in the calendar's zone.
        """
        if isinstance(day, dt.datetime):  # a datetime would never match the date sets below
            day = self._wall(day).date()
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        national = _national_workdays(day.year)
        if national is None:
            return day.weekday() < 5
        return day in national

    def _spans(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods of `day` as naive wall-clock datetimes (none on a day off)."""
        if not self.is_workday(day):
            return []
        return [(dt.datetime.combine(day, start), dt.datetime.combine(day, end)) for start, end in self.periods]

    # -- moments --------------------------------------------------------------------------------------

    def _wall(self, moment: dt.datetime) -> dt.datetime:
        # A naive datetime would be read as the server's local time by astimezone(): refuse it rather than
        # compute a deadline that is off by the server's UTC offset.
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(_("需要带时区的时间"))
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def _aware(self, wall: dt.datetime) -> dt.datetime:
        return wall.replace(tzinfo=self.tz)

    def is_working_time(self, moment: dt.datetime) -> bool:
        """Whether `moment` falls inside a working period (start included, end excluded)."""
        wall = self._wall(moment)
        return any(start <= wall < end for start, end in self._spans(wall.date()))

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself during working time, else the start of the next working period."""
        wall = self._wall(moment)
        day = wall.date()
        for _attempt in range(MAX_DAYS):
            for start, end in self._spans(day):
                if wall < end:
                    return self._aware(max(wall, start))
            day += _ONE_DAY
        raise ValueError(_("%(n)s 天内没有工作日") % {"n": MAX_DAYS})

    def add_working_time(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The deadline: the earliest moment by which `duration` of working time has passed since `start`.

        Outside working time the clock starts at the next working period. A deadline that lands exactly on
        the end of a period stays there (17:30) rather than moving to the next morning; a zero duration
        gives `next_working_moment(start)`. The result is in the calendar's time zone.
        """
        if duration < _ZERO:
            raise ValueError(_("时限不能为负"))
        if duration > self.day_length * MAX_DAYS:
            raise ValueError(_("时限超出 %(n)s 个工作日") % {"n": MAX_DAYS})
        wall = self._wall(start)
        day = wall.date()
        remaining = duration
        for i in range(MAX_DAYS):
            # A whole working day after the first that ends strictly before the deadline is consumed in one
            # step; only the first day (partial) and the last day (where the deadline falls) are walked.
            if i and remaining > self.day_length and self.is_workday(day):
                remaining -= self.day_length
                day += _ONE_DAY
                continue
            for period_start, period_end in self._spans(day):
                begin = max(wall, period_start)
                if begin >= period_end:
                    continue
                available = period_end - begin
                if remaining <= available:
                    return self._aware(begin + remaining)
                remaining -= available
            day += _ONE_DAY
        raise ValueError(_("截止时间超出 %(n)s 天") % {"n": MAX_DAYS})

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Working time in [a, b); zero when b <= a. Inverse of add_working_time:
        working_time_between(s, add_working_time(s, d)) == d."""
        if b <= a:
            return _ZERO
        first, last = self._wall(a), self._wall(b)
        if (last.date() - first.date()).days > MAX_DAYS:
            raise ValueError(_("区间超出 %(n)s 天") % {"n": MAX_DAYS})
        total = _ZERO
        day = first.date()
        while day <= last.date():
            if first.date() < day < last.date():
                # Days strictly between the two ends are wholly inside the interval.
                if self.is_workday(day):
                    total += self.day_length
            else:
                for start, end in self._spans(day):
                    lo, hi = max(start, first), min(end, last)
                    if hi > lo:
                        total += hi - lo
            day += _ONE_DAY
        return total


def _span(start: dt.time, end: dt.time) -> dt.timedelta:
    return dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)


# -- configuration ----------------------------------------------------------------------------------------


def _parse_time(value: Any, key: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    match = _HHMM.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        return dt.time(int(match[1]), int(match[2]))
    except ValueError:
        raise ValueError(
            _("%(key)s：无效的时间 %(value)r，应为 HH:MM（00:00–23:59）") % {"key": key, "value": value}
        ) from None


def _parse_periods(value: Any, key: str) -> tuple[Period, ...]:
    # A bare string would otherwise be iterated character by character into a baffling error.
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(
            _('%(key)s 须为时段列表 [("HH:MM", "HH:MM"), …]，实为 %(value)r') % {"key": key, "value": value}
        )
    periods = []
    for item in value:
        if isinstance(item, str | bytes) or not isinstance(item, Iterable) or len(item := tuple(item)) != 2:
            raise ValueError(
                _('%(key)s：每个时段须为一对 ("HH:MM", "HH:MM")，实为 %(value)r') % {"key": key, "value": item}
            )
        periods.append((_parse_time(item[0], key), _parse_time(item[1], key)))
    return tuple(periods)


def _parse_dates(value: Any, key: str) -> frozenset[dt.date]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(_("%(key)s 须为 ISO 日期（YYYY-MM-DD）列表，实为 %(value)r") % {"key": key, "value": value})
    dates = set()
    for item in value:
        if isinstance(item, dt.datetime):  # a datetime is a date subclass, but would never match a day
            raise ValueError(_("%(key)s：须为日期而非时间，实为 %(value)r") % {"key": key, "value": item})
        if isinstance(item, dt.date):
            dates.add(item)
            continue
        try:
            dates.add(dt.date.fromisoformat(item.strip()))
        except (AttributeError, TypeError, ValueError):
            raise ValueError(
                _("%(key)s：无效的 ISO 日期 %(value)r，应为 YYYY-MM-DD") % {"key": key, "value": item}
            ) from None
    return frozenset(dates)


def from_settings(config: Mapping[str, Any] | Any) -> WorkCalendar:
    """Build a calendar from a dict or a settings object (e.g. django.conf.settings).

    Optional keys: SLA_WORKING_PERIODS — list of ("HH:MM", "HH:MM"); SLA_EXTRA_HOLIDAYS and
    SLA_EXTRA_WORKDAYS — lists of ISO dates. Missing keys take the defaults; malformed values raise
    ValueError naming the key. The zone is always Asia/Shanghai: Django's TIME_ZONE may be UTC.
    """

    def get(key: str, default: Any) -> Any:
        value = config.get(key, default) if isinstance(config, Mapping) else getattr(config, key, default)
        return default if value is None else value

    periods = _parse_periods(get("SLA_WORKING_PERIODS", DEFAULT_PERIODS), "SLA_WORKING_PERIODS")
    holidays = _parse_dates(get("SLA_EXTRA_HOLIDAYS", ()), "SLA_EXTRA_HOLIDAYS")
    workdays = _parse_dates(get("SLA_EXTRA_WORKDAYS", ()), "SLA_EXTRA_WORKDAYS")
    try:
        return WorkCalendar(periods=periods, extra_holidays=holidays, extra_workdays=workdays)
    except ValueError as exc:
        raise ValueError(f"SLA calendar settings: {exc}") from None


def calendar() -> WorkCalendar:
    """The project's calendar, from SLA_WORKING_PERIODS / SLA_EXTRA_HOLIDAYS / SLA_EXTRA_WORKDAYS.

    Read on every call (so overridden settings take effect at once) but built once per distinct value.
    """
    return _calendar(
        tuple(map(tuple, settings.SLA_WORKING_PERIODS)),
        tuple(settings.SLA_EXTRA_HOLIDAYS),
        tuple(settings.SLA_EXTRA_WORKDAYS),
    )


@lru_cache(maxsize=4)
def _calendar(periods, holidays, workdays) -> WorkCalendar:
    return from_settings(
        {
            "SLA_WORKING_PERIODS": list(periods),
            "SLA_EXTRA_HOLIDAYS": list(holidays),
            "SLA_EXTRA_WORKDAYS": list(workdays),
        }
    )
