"""`core.workcalendar.calendar()` follows the SLA_* settings, the one calendar cases and sharing count on."""

import datetime as dt
from zoneinfo import ZoneInfo

from grassroots.core.workcalendar import calendar

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)


def test_it_is_built_from_the_settings_and_follows_an_override(settings):
    assert calendar().is_workday(MONDAY)
    settings.SLA_EXTRA_HOLIDAYS = [MONDAY.isoformat()]
    settings.SLA_WORKING_PERIODS = [("08:00", "12:00")]
    cal = calendar()
    assert not cal.is_workday(MONDAY) and cal.day_length == dt.timedelta(hours=4)
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=TZ)  # Friday noon, after the only period
    assert cal.add_working_time(start, dt.timedelta(hours=1)) == dt.datetime(2026, 11, 24, 9, 0, tzinfo=TZ)


def test_the_same_settings_give_the_same_instance(settings):
    settings.SLA_EXTRA_WORKDAYS = ["2026-11-28"]
    assert calendar() is calendar() and calendar().is_workday(dt.date(2026, 11, 28))
