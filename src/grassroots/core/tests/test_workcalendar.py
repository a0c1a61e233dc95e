"""Working-hours calendar, with deadlines worked by hand against the State Council holiday notices.

Default day: 09:00–12:00 and 13:30–17:30, i.e. 7 working hours. Holiday facts below were checked against
chinesecalendar 1.11.0 (which covers 2004–2026). Runs without Django:
    .venv/bin/python -m pytest -q -p no:django src/grassroots/core/tests/test_workcalendar.py
"""

import datetime as dt
import random
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from grassroots.core.workcalendar import MAX_DAYS, WorkCalendar, from_settings, has_national_data

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
H = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def fast_password_hashing():
    # Shadows the project conftest's autouse fixture of the same name, which needs pytest-django's
    # `settings`; this module is pure Python and must also run with `-p no:django`.
    return None


def at(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


# -- ordinary weeks (2026-11-20 is a Friday, 11-23 a Monday; no holidays nearby) ----------------------------


def test_a_default_day_has_seven_working_hours():
    assert CAL.day_length == 7 * H


def test_the_lunch_break_is_skipped():
    # Mon 11:00 + 2 h: 11:00–12:00 is 1 h, lunch 12:00–13:30 is skipped, 13:30 + 1 h = 14:30.
    assert CAL.add_working_time(at(2026, 11, 23, 11), 2 * H) == at(2026, 11, 23, 14, 30)


def test_friday_afternoon_runs_into_monday():
    # Fri 16:00 + 2 h: 16:00–17:30 is 1.5 h, the weekend is skipped, 0.5 h from Mon 09:00 → 09:30.
    # (Monday 10:00 would need 2.5 h, or an office that closes at 17:00.)
    assert CAL.add_working_time(at(2026, 11, 20, 16), 2 * H) == at(2026, 11, 23, 9, 30)
    assert CAL.add_working_time(at(2026, 11, 20, 16), 2.5 * H) == at(2026, 11, 23, 10)


def test_a_deadline_on_the_closing_bell_stays_there():
    # Mon 16:30 + 1 h uses the last hour exactly: 17:30 the same day, not Tuesday 09:00.
    assert CAL.add_working_time(at(2026, 11, 23, 16, 30), H) == at(2026, 11, 23, 17, 30)


def test_starting_at_night_or_before_opening_counts_from_the_next_period():
    # Mon 22:00: nothing until Tue 09:00, + 1 h = Tue 10:00.
    assert CAL.add_working_time(at(2026, 11, 23, 22), H) == at(2026, 11, 24, 10)
    # Tue 06:00: the clock starts at 09:00 that day.
    assert CAL.add_working_time(at(2026, 11, 24, 6), H) == at(2026, 11, 24, 10)
    # During lunch: the clock starts at 13:30.
    assert CAL.add_working_time(at(2026, 11, 24, 12, 15), H) == at(2026, 11, 24, 14, 30)


def test_zero_duration_is_the_next_working_moment():
    assert CAL.add_working_time(at(2026, 11, 20, 18), dt.timedelta()) == at(2026, 11, 23, 9)
    assert CAL.add_working_time(at(2026, 11, 23, 10), dt.timedelta()) == at(2026, 11, 23, 10)


def test_is_working_time_and_next_working_moment_at_the_edges():
    assert CAL.is_working_time(at(2026, 11, 23, 9))  # opening minute counts
    assert CAL.is_working_time(at(2026, 11, 23, 11, 59, 59))
    assert not CAL.is_working_time(at(2026, 11, 23, 12))  # lunch starts at 12:00
    assert not CAL.is_working_time(at(2026, 11, 23, 17, 30))  # closed at 17:30
    assert not CAL.is_working_time(at(2026, 11, 21, 10))  # Saturday
    assert CAL.next_working_moment(at(2026, 11, 23, 12)) == at(2026, 11, 23, 13, 30)
    assert CAL.next_working_moment(at(2026, 11, 23, 10, 5)) == at(2026, 11, 23, 10, 5)
    assert CAL.next_working_moment(at(2026, 11, 20, 17, 30)) == at(2026, 11, 23, 9)


# -- national holidays and 调休 ------------------------------------------------------------------------------


def test_the_2025_national_day_golden_week_as_the_package_has_it():
    # National Day + Mid-Autumn 2025: Oct 1–8 off; Sun Sep 28 and Sat Oct 11 worked in exchange; Sat Sep 27
    # and Sun Oct 12 remain ordinary weekend days.
    assert all(not CAL.is_workday(dt.date(2025, 10, d)) for d in range(1, 9))
    assert CAL.is_workday(dt.date(2025, 9, 28)) and CAL.is_workday(dt.date(2025, 10, 11))
    assert not CAL.is_workday(dt.date(2025, 9, 27)) and not CAL.is_workday(dt.date(2025, 10, 12))
    assert CAL.is_workday(dt.date(2025, 10, 9))


def test_the_golden_week_is_skipped():
    # Tue 2025-09-30 16:00 + 2 h: 1.5 h that day, Oct 1–8 off, 0.5 h from Thu Oct 9 09:00 → 09:30.
    assert CAL.add_working_time(at(2025, 9, 30, 16), 2 * H) == at(2025, 10, 9, 9, 30)


def test_adjusted_weekend_workdays_count():
    # Fri 2025-09-26 17:00 + 1 h: 0.5 h Friday, Sat 27 off, 0.5 h on the 调休 Sunday Sep 28 → 09:30.
    assert CAL.add_working_time(at(2025, 9, 26, 17), H) == at(2025, 9, 28, 9, 30)
    # Fri 2025-10-10 17:00 + 1 h: 0.5 h Friday, 0.5 h on the 调休 Saturday Oct 11 → 09:30.
    assert CAL.add_working_time(at(2025, 10, 10, 17), H) == at(2025, 10, 11, 9, 30)
    assert CAL.is_working_time(at(2025, 10, 11, 10))


def test_starting_on_a_holiday():
    # Fri 2025-10-03 10:00 (holiday): the clock starts Thu Oct 9 09:00; 3 h → 12:00 (end of the morning).
    assert CAL.add_working_time(at(2025, 10, 3, 10), 3 * H) == at(2025, 10, 9, 12)
    # New Year 2026: Jan 1–3 off and Sunday Jan 4 worked in exchange, so the clock resumes that Sunday.
    assert CAL.add_working_time(at(2026, 1, 1, 10), dt.timedelta(minutes=30)) == at(2026, 1, 4, 9, 30)


def test_a_whole_golden_week_in_working_time():
    # From Thu 2025-09-25 09:00 the working days are Sep 25, 26, 28, 29, 30, Oct 9, 10, 11: 8 × 7 h = 56 h.
    assert CAL.working_time_between(at(2025, 9, 25, 9), at(2025, 10, 11, 17, 30)) == 56 * H
    assert CAL.add_working_time(at(2025, 9, 25, 9), 56 * H) == at(2025, 10, 11, 17, 30)


# -- local overrides -----------------------------------------------------------------------------------------


def test_a_local_closure_and_a_local_workday():
    closed, worked = dt.date(2026, 11, 24), dt.date(2026, 11, 28)  # a Tuesday closure, a Saturday worked
    cal = WorkCalendar(extra_holidays={closed}, extra_workdays={worked})  # plain sets are accepted
    # Mon 17:00 + 1 h: 0.5 h Monday, Tuesday closed, 0.5 h Wednesday → 09:30.
    assert cal.add_working_time(at(2026, 11, 23, 17), H) == at(2026, 11, 25, 9, 30)
    assert cal.is_workday(worked) and not CAL.is_workday(worked)
    assert isinstance(cal.extra_holidays, frozenset) and hash(cal) == hash(
        WorkCalendar(extra_holidays={closed}, extra_workdays={worked})
    )


def test_overrides_win_over_the_national_notice():
    # Open on National Day itself; closed on the 调休 Saturday the notice makes a working day.
    cal = WorkCalendar(extra_workdays={dt.date(2025, 10, 2)}, extra_holidays={dt.date(2025, 10, 11)})
    assert cal.is_workday(dt.date(2025, 10, 2)) and not cal.is_workday(dt.date(2025, 10, 11))
    # Tue Sep 30 17:00 + 1 h: 0.5 h Tuesday, Oct 1 off, 0.5 h on the locally worked Oct 2 → 09:30.
    assert cal.add_working_time(at(2025, 9, 30, 17), H) == at(2025, 10, 2, 9, 30)


def test_a_day_cannot_be_both_a_holiday_and_a_workday():
    day = dt.date(2026, 12, 24)
    with pytest.raises(ValueError, match="2026-12-24"):
        WorkCalendar(extra_holidays={day}, extra_workdays={day})


# -- years the package does not know -------------------------------------------------------------------------


def test_years_without_a_notice_fall_back_to_monday_to_friday():
    assert has_national_data(2025) and not has_national_data(2003) and not has_national_data(2035)
    # 2003-10-01 (a Wednesday) was really a holiday, but the package starts in 2004: Mon–Fri applies.
    assert CAL.is_workday(dt.date(2003, 10, 1))
    # Likewise Mon 2035-10-01: treated as a working day until a local override says otherwise.
    assert CAL.is_workday(dt.date(2035, 10, 1)) and not CAL.is_workday(dt.date(2035, 10, 6))  # a Saturday
    # Fri 2035-10-05 17:00 + 1 h: 0.5 h Friday, weekend, 0.5 h Mon Oct 8 → 09:30.
    assert CAL.add_working_time(at(2035, 10, 5, 17), H) == at(2035, 10, 8, 9, 30)
    # The override mechanism patches such a year.
    patched = WorkCalendar(extra_holidays={dt.date(2035, 10, 1)})
    assert patched.add_working_time(at(2035, 9, 28, 17), H) == at(2035, 10, 2, 9, 30)  # Fri → Tue


# -- consistency and scale -----------------------------------------------------------------------------------


def test_round_trip_on_random_inputs():
    # Starts anywhere (nights, weekends, holidays) from 2024 into the fallback year 2027; durations up to
    # ~200 working days, to the second.
    rng = random.Random(20251001)
    origin = at(2024, 1, 1)
    for _ in range(300):
        start = origin + dt.timedelta(seconds=rng.randrange(0, 86400 * 365 * 3))
        duration = dt.timedelta(seconds=rng.randrange(0, 3600 * 7 * 200))
        end = CAL.add_working_time(start, duration)
        assert end >= start
        assert CAL.working_time_between(start, end) == duration
        # The deadline is the earliest such moment: a second less of work ends a second (or more) sooner.
        if duration:
            assert CAL.add_working_time(start, duration - dt.timedelta(seconds=1)) < end


def test_reverse_round_trip_on_random_inputs():
    rng = random.Random(7)
    origin = at(2025, 6, 1)
    for _ in range(300):
        a = origin + dt.timedelta(seconds=rng.randrange(0, 86400 * 400))
        b = a + dt.timedelta(seconds=rng.randrange(0, 86400 * 60))
        worked = CAL.working_time_between(a, b)
        reached = CAL.add_working_time(a, worked)
        if not worked:
            # Nothing to count (a and b in the same break): the clock only starts at the next period.
            assert reached == CAL.next_working_moment(a)
            continue
        # Reached no later than b, with no working time left between them (b may sit in a break).
        assert reached <= b and CAL.working_time_between(reached, b) == dt.timedelta()
        if CAL.is_working_time(b):
            assert reached == b


def test_working_time_between_is_zero_for_empty_or_reversed_intervals():
    assert CAL.working_time_between(at(2026, 11, 23, 10), at(2026, 11, 23, 10)) == dt.timedelta()
    assert CAL.working_time_between(at(2026, 11, 23, 11), at(2026, 11, 23, 10)) == dt.timedelta()
    assert CAL.working_time_between(at(2026, 11, 21, 8), at(2026, 11, 22, 20)) == dt.timedelta()  # weekend


def test_long_durations_are_fast_and_exact():
    # 2000 full working days from Mon 2024-01-08 09:00 end at 17:30 on the 2000th working day, counted here
    # one day at a time as an independent check.
    start = at(2024, 1, 8, 9)
    day, counted = start.date(), 0
    while True:
        counted += CAL.is_workday(day)
        if counted == 2000:
            break
        day += dt.timedelta(days=1)
    began = time.perf_counter()
    due = CAL.add_working_time(start, 2000 * 7 * H)
    assert CAL.working_time_between(start, due) == 2000 * 7 * H
    assert time.perf_counter() - began < 1.0
    assert due == dt.datetime.combine(day, dt.time(17, 30), TZ)


def test_absurd_durations_fail_loudly():
    with pytest.raises(ValueError, match="时限超出"):
        CAL.add_working_time(at(2026, 1, 5, 9), (MAX_DAYS + 1) * 7 * H)
    with pytest.raises(ValueError, match="时限不能为负"):
        CAL.add_working_time(at(2026, 1, 5, 9), -H)


def test_time_zones():
    # 01:00 UTC is 09:00 in Shanghai; the result is expressed in the calendar's zone.
    due = CAL.add_working_time(dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC), H)
    assert due == at(2026, 11, 23, 10) and due.tzinfo == TZ
    with pytest.raises(ValueError, match="需要带时区"):
        CAL.add_working_time(dt.datetime(2026, 11, 23, 9), H)  # naive: ambiguous, refused


# -- settings ------------------------------------------------------------------------------------------------


def test_from_settings_reads_dicts_and_settings_objects():
    cal = from_settings(
        {"SLA_WORKING_PERIODS": [("08:30", "12:00"), ("14:00", "18:00")], "SLA_EXTRA_HOLIDAYS": ["2026-12-24"]}
    )
    assert cal.day_length == 7.5 * H and not cal.is_workday(dt.date(2026, 12, 24))
    obj = SimpleNamespace(SLA_EXTRA_WORKDAYS=["2026-11-28"])  # periods missing → defaults
    assert from_settings(obj) == WorkCalendar(extra_workdays={dt.date(2026, 11, 28)})
    assert from_settings({}) == CAL


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"SLA_WORKING_PERIODS": [("9am", "12:00")]}, "无效的时间.*HH:MM"),
        ({"SLA_WORKING_PERIODS": [("09:00", "24:00")]}, "无效的时间.*HH:MM"),
        ({"SLA_WORKING_PERIODS": ["09:00-12:00"]}, "每个时段须为一对"),
        ({"SLA_WORKING_PERIODS": "09:00-12:00"}, "须为时段列表"),
        ({"SLA_WORKING_PERIODS": []}, "至少需要一个工作时段"),
        ({"SLA_WORKING_PERIODS": [("13:00", "17:00"), ("09:00", "12:00")]}, "先后排列且不重叠"),
        ({"SLA_WORKING_PERIODS": [("09:00", "12:00"), ("11:00", "17:00")]}, "先后排列且不重叠"),
        ({"SLA_EXTRA_HOLIDAYS": ["24/12/2026"]}, "SLA_EXTRA_HOLIDAYS.*无效的 ISO 日期"),
        ({"SLA_EXTRA_WORKDAYS": "2026-11-28"}, "SLA_EXTRA_WORKDAYS.*日期（YYYY-MM-DD）列表"),
        ({"SLA_EXTRA_WORKDAYS": [20261128]}, "无效的 ISO 日期"),
    ],
)
def test_from_settings_rejects_malformed_config(config, message):
    with pytest.raises(ValueError, match=message):
        from_settings(config)
