"""Working-time calendar for SLA timers (办理时限): Chinese public holidays and adjusted workdays (调休).

Day rule, in order: local overrides (`extra_holidays`, `extra_workdays`), then the `chinesecalendar`
package, which knows the State Council's holiday notices including the weekend days worked in exchange.
For a year the package has no notice for yet, Monday–Friday are working days: add that year's holidays
as local overrides once the notice is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar

MAX_DAYS = 3700  # ten years: a bound on every scan, so a misconfiguration cannot loop forever


def _parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"无效的时间 / invalid time {text!r}: use HH:MM") from None


@dataclass(frozen=True)
class WorkCalendar:
    periods: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17, 30)))
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    extra_holidays: frozenset[dt.date] = frozenset()
    extra_workdays: frozenset[dt.date] = frozenset()

    def __post_init__(self):
        previous = dt.time(0)
        for start, end in self.periods:
            if not previous <= start < end:
                raise ValueError("工作时段须按时间先后排列且不重叠 / working periods must be ordered and disjoint")
            previous = end

    @property
    def day_length(self) -> dt.timedelta:
        return sum((_span(s, e) for s, e in self.periods), dt.timedelta())

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def _periods_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_workday(day):
            return []
        return [(dt.datetime.combine(day, s, self.tz), dt.datetime.combine(day, e, self.tz)) for s, e in self.periods]

    def is_working_time(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.tz)
        return any(s <= local < e for s, e in self._periods_on(local.date()))

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(MAX_DAYS):
            for start, end in self._periods_on(day):
                if local < end:
                    return max(local, start)
            day += dt.timedelta(days=1)
        raise ValueError("十年内没有工作日 / no working day within ten years")

    def add_working_time(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment reached after `duration` of working time from `start` (result in the calendar's zone)."""
        if duration < dt.timedelta():
            raise ValueError("duration must not be negative")
        remaining = duration
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(MAX_DAYS):
            for period_start, period_end in self._periods_on(day):
                begin = max(local, period_start)
                if begin >= period_end:
                    continue
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += dt.timedelta(days=1)
            local = dt.datetime.combine(day, dt.time(0), self.tz)
            # Long durations: consume whole weeks at once (from midnight every working day counts in full).
            while True:
                working_days = self._working_days(day, 7)
                if remaining <= self.day_length * (working_days + 1):
                    break
                remaining -= self.day_length * working_days
                day += dt.timedelta(days=7)
            local = dt.datetime.combine(day, dt.time(0), self.tz)
        raise ValueError("时限超出十年 / deadline beyond ten years")

    def _working_days(self, day: dt.date, n: int) -> int:
        return sum(self.is_workday(day + dt.timedelta(days=i)) for i in range(n))

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        if b <= a:
            return dt.timedelta()
        total = dt.timedelta()
        la, lb = a.astimezone(self.tz), b.astimezone(self.tz)
        day = la.date()
        for _ in range(MAX_DAYS):
            if day > lb.date():
                return total
            for start, end in self._periods_on(day):
                lo, hi = max(start, la), min(end, lb)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        raise ValueError("区间超出十年 / interval beyond ten years")


def _span(start: dt.time, end: dt.time) -> dt.timedelta:
    return dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)


def from_settings(config) -> WorkCalendar:
    """Build from a dict or settings object with optional SLA_WORKING_PERIODS, SLA_EXTRA_HOLIDAYS and
    SLA_EXTRA_WORKDAYS (ISO dates)."""

    def get(key, default):
        return config.get(key, default) if isinstance(config, dict) else getattr(config, key, default)

    periods = tuple(
        (_parse_time(s), _parse_time(e))
        for s, e in get("SLA_WORKING_PERIODS", [("09:00", "12:00"), ("13:30", "17:30")])
    )

    def dates(key):
        try:
            return frozenset(dt.date.fromisoformat(d) for d in get(key, []))
        except (TypeError, ValueError):
            raise ValueError(f"{key} 须为 ISO 日期列表 / must be a list of ISO dates") from None

    return WorkCalendar(
        periods=periods, extra_holidays=dates("SLA_EXTRA_HOLIDAYS"), extra_workdays=dates("SLA_EXTRA_WORKDAYS")
    )
