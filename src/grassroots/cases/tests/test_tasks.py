"""Background work: Celery beat tasks run eagerly in tests; notifications reach e-mail after commit."""

import datetime as dt

from grassroots.cases import handling, residents, tasks
from grassroots.cases.intake import open_case
from grassroots.cases.models import Channel, Outcome, Status
from grassroots.cases.tests.conftest import report
from grassroots.core.time import now


def test_the_beat_tasks_run_eagerly(case_cast):
    open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    assert tasks.check_sla.delay().get() == {"warned": 0, "escalated": 0}
    assert tasks.check_ownerless.delay().get() == 0
    assert tasks.auto_confirm.delay().get() == 0


def test_no_answer_closes_as_a_separate_outcome_after_the_configured_days(case_cast, settings):
    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    handling.accept_case(case_cast.staff_s1, case)
    handling.resolve_case(case_cast.staff_s1, case, note="杂物已清理，通道已畅通")
    assert residents.auto_confirm(now() + dt.timedelta(days=settings.CASE_AUTO_CONFIRM_DAYS - 1)) == 0
    assert residents.auto_confirm(now() + dt.timedelta(days=settings.CASE_AUTO_CONFIRM_DAYS, minutes=1)) == 1
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, Outcome.RESOLVED_NO_ANSWER)


def test_owners_get_an_email_after_the_intake_commits(case_cast, mailoutbox, django_capture_on_commit_callbacks):
    case_cast.staff_s1.email = "staff@example.org"
    case_cast.staff_s1.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    assert [m.to for m in mailoutbox] == [["staff@example.org"]]
    assert case.number in mailoutbox[0].subject
