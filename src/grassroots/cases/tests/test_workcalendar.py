"""Working hours worked by hand against the State Council holiday notices (via chinesecalendar)."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from grassroots.cases.workcalendar import WorkCalendar, from_settings

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()  # 09:00–12:00 and 13:30–17:30: 7 working hours a day


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_the_lunch_break_is_skipped():
    assert CAL.add_working_time(at(2026, 11, 23, 11), dt.timedelta(hours=2)) == at(2026, 11, 23, 14, 30)


def test_friday_afternoon_runs_into_monday():
    # Fri 2026-11-20 16:00 + 2 h: 1.5 h on Friday, 0.5 h from Monday 09:00.
    assert CAL.add_working_time(at(2026, 11, 20, 16), dt.timedelta(hours=2)) == at(2026, 11, 23, 9, 30)


def test_the_national_day_golden_week_is_skipped():
    # 2025: Oct 1–8 off (National Day + Mid-Autumn); Tue Sep 30 16:00 + 2 h → Thu Oct 9 09:30.
    assert CAL.add_working_time(at(2025, 9, 30, 16), dt.timedelta(hours=2)) == at(2025, 10, 9, 9, 30)


def test_adjusted_weekend_workdays_count():
    # Sat 2025-10-11 was a working day in exchange (调休): 1 h from 09:00 ends at 10:00 that Saturday.
    assert CAL.is_workday(dt.date(2025, 10, 11)) and CAL.is_workday(dt.date(2025, 9, 28))
    assert CAL.add_working_time(at(2025, 10, 11, 8), dt.timedelta(hours=1)) == at(2025, 10, 11, 10)


def test_starting_at_night_or_on_a_holiday_counts_from_the_next_period():
    assert CAL.add_working_time(at(2026, 11, 23, 22), dt.timedelta(hours=1)) == at(2026, 11, 24, 10)
    # New Year 2026: Jan 1–3 off, and Sunday Jan 4 was worked in exchange (调休), so the clock resumes then.
    assert CAL.add_working_time(at(2026, 1, 1, 10), dt.timedelta(minutes=30)) == at(2026, 1, 4, 9, 30)


def test_local_overrides_win():
    cal = WorkCalendar(
        extra_holidays=frozenset({dt.date(2026, 11, 24)}), extra_workdays=frozenset({dt.date(2026, 11, 28)})
    )
    assert cal.add_working_time(at(2026, 11, 23, 17), dt.timedelta(hours=1)) == at(2026, 11, 25, 9, 30)
    assert cal.is_workday(dt.date(2026, 11, 28)) and not CAL.is_workday(dt.date(2026, 11, 28))


def test_years_without_a_notice_fall_back_to_weekdays():
    assert CAL.is_workday(dt.date(2031, 3, 3)) and not CAL.is_workday(dt.date(2031, 3, 2))


def test_long_durations_and_the_round_trip():
    rng = random.Random(3)
    for _ in range(200):
        start = at(2025, 1, 1) + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 600))
        duration = dt.timedelta(minutes=rng.randrange(0, 60 * 7 * 120))
        end = CAL.add_working_time(start, duration)
        assert CAL.working_time_between(start, end) == duration


def test_settings_are_validated():
    cal = from_settings(
        {"SLA_WORKING_PERIODS": [("08:30", "12:00"), ("14:00", "18:00")], "SLA_EXTRA_HOLIDAYS": ["2026-12-24"]}
    )
    assert cal.day_length == dt.timedelta(hours=7.5) and not cal.is_workday(dt.date(2026, 12, 24))
    with pytest.raises(ValueError, match="HH:MM"):
        from_settings({"SLA_WORKING_PERIODS": [("9am", "12:00")]})
    with pytest.raises(ValueError, match="ISO"):
        from_settings({"SLA_EXTRA_HOLIDAYS": ["24/12/2026"]})
    with pytest.raises(ValueError, match="ordered"):
        from_settings({"SLA_WORKING_PERIODS": [("13:00", "17:00"), ("09:00", "12:00")]})
