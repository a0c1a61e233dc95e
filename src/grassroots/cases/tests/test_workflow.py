import datetime as dt

import pytest

from grassroots.cases import handling, residents, sla
from grassroots.cases.duplicates import find_duplicates, merge_case
from grassroots.cases.intake import open_case
from grassroots.cases.models import Channel, Outcome, Status
from grassroots.cases.tests.conftest import report
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.core.time import now
from grassroots.notifications.models import Notification


@pytest.fixture
def vending(case_cast):
    """A city-management case owned by 甲街道城管科, reported by `resident`."""
    return open_case(
        case_cast.resident,
        report(title="门口占道经营", description="小区门口每天早上有人摆摊卖菜，占了人行道", category="street_vending"),
        channel=Channel.PORTAL,
    )


def test_the_full_loop_ends_only_when_the_reporter_confirms(case_cast, vending):
    c = case_cast
    with pytest.raises(PermissionDenied):
        handling.accept_case(c.grid_g1, vending)  # not the owner
    handling.accept_case(c.officer, vending)
    handling.add_progress(c.officer, vending, note="已约谈摊主", percent=60)
    assert Notification.objects.filter(user=c.resident, message__contains="60%").exists()
    handling.resolve_case(c.officer, vending, note="摊点已清理，已安排每日巡查")
    vending.refresh_from_db()
    assert vending.status == Status.RESOLVED and vending.outcome == ""  # not resolved until confirmed
    residents.rate_case(c.resident, vending, satisfied=True, score=5, comment="很快")
    vending.refresh_from_db()
    assert (vending.status, vending.outcome) == (Status.CLOSED, Outcome.RESOLVED)
    assert [e.kind for e in vending.events.all()] == ["open", "accept", "start", "progress", "resolve", "confirm"]


def test_not_satisfied_reopens_with_a_new_deadline(case_cast, vending):
    c = case_cast
    handling.accept_case(c.officer, vending)
    handling.resolve_case(c.officer, vending, note="摊点已清理完毕")
    residents.rate_case(c.resident, vending, satisfied=False, score=1, comment="第二天又来了")
    vending.refresh_from_db()
    assert (vending.status, vending.reopen_count) == (Status.IN_PROGRESS, 1)
    with pytest.raises(DomainError) as err:
        residents.rate_case(c.resident, vending, satisfied=True, score=5)
    assert err.value.code == ErrorCode.RATING_WINDOW_CLOSED and err.value.status == 409


def test_any_follower_can_reject_a_resolution(case_cast, vending):
    c = case_cast
    residents.follow_case(c.resident2, vending)
    handling.accept_case(c.officer, vending)
    handling.resolve_case(c.officer, vending, note="摊点已清理完毕")
    residents.rate_case(c.resident2, vending, satisfied=False, score=2)
    vending.refresh_from_db()
    assert vending.status == Status.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        residents.rate_case(c.outsider, vending, satisfied=True, score=5)


def test_returns_need_a_reason_and_a_likely_owner_and_the_second_goes_to_an_arbiter(case_cast, vending):
    c = case_cast
    with pytest.raises(DomainError):
        handling.return_case(c.officer, vending, reason="", likely_owner="")
    handling.return_case(c.officer, vending, reason="属于市场监管", likely_owner="市场监管所")
    vending.refresh_from_db()
    assert (vending.status, vending.owner_region, vending.owner_department) == (Status.RETURNED, c.S1, None)
    handling.reroute_case(c.staff_s1, vending, department=c.cgk, note="仍属城管职责")
    handling.return_case(c.officer, vending, reason="不属于城管", likely_owner="市场监管所")
    vending.refresh_from_db()
    assert vending.needs_arbitration and vending.return_count == 2
    with pytest.raises(DomainError) as err:
        handling.reroute_case(c.staff_s1, vending, department=c.cgk)
    assert err.value.code == ErrorCode.NEEDS_ARBITRATION and err.value.status == 409
    with pytest.raises(PermissionDenied):
        handling.arbitrate_case(c.staff_s1, vending, department=c.cgk, decision="城管")
    handling.arbitrate_case(c.leader_s1, vending, department=c.cgk, decision="占道经营属城管执法，由城管科办理")
    vending.refresh_from_db()
    assert (vending.status, vending.owner_department, vending.needs_arbitration) == (Status.DISPATCHED, c.cgk, False)
    assert vending.events.filter(kind="arbitrate", note__contains="城管执法").exists()


def test_the_sla_clock_runs_from_intake_not_acceptance(case_cast, vending):
    due = vending.due_at
    handling.return_case(case_cast.officer, vending, reason="不属于本科", likely_owner="市场监管所")
    handling.reroute_case(case_cast.staff_s1, vending, department=case_cast.cgk)
    handling.accept_case(case_cast.officer, vending)
    vending.refresh_from_db()
    assert vending.due_at == due


def test_honest_closure_outcomes(case_cast, vending):
    c = case_cast
    handling.accept_case(c.officer, vending)
    with pytest.raises(DomainError):
        handling.close_unfixed(c.officer, vending, reason="已列入计划", note="明年改造")  # needs a planned date
    handling.close_unfixed(
        c.officer, vending, reason="已列入计划", note="纳入明年市场改造", planned_date=dt.date(2027, 6, 30)
    )
    vending.refresh_from_db()
    assert (vending.status, vending.outcome, str(vending.planned_date)) == (
        Status.CLOSED,
        Outcome.UNFIXED,
        "2027-06-30",
    )


def test_referral_names_the_other_body(case_cast):
    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    handling.refer_case(case_cast.staff_s1, case, body="市燃气集团", note="燃气管道属燃气集团维护")
    case.refresh_from_db()
    assert (case.outcome, case.referred_to) == (Outcome.REFERRED, "市燃气集团")


def test_breach_escalates_one_level_and_warnings_come_first(case_cast):
    c = case_cast
    case = open_case(
        c.resident,
        report(title="垃圾没人收", description="胡同口的垃圾桶三天没人清运，味道很大", category="garbage"),
        channel=Channel.PORTAL,
    )
    assert case.owner_region == c.C1  # sanitation is a community matter by default
    assert sla.warn_due(case.warn_at + dt.timedelta(minutes=1)) == 1
    assert sla.warn_due(case.warn_at + dt.timedelta(minutes=2)) == 0  # warned once
    assert sla.escalate_breached(case.due_at + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert (case.owner_region, case.breached, case.escalation_level) == (c.S1, True, 1)
    assert case.events.filter(kind="escalate").exists()


def test_an_ownerless_case_is_escalated(case_cast, settings):
    c = case_cast
    case = open_case(
        c.resident,
        report(
            lng=116.45, lat=39.85, title="垃圾没人收", description="垃圾桶三天没人清运，味道很大", category="garbage"
        ),
        channel=Channel.PORTAL,
    )
    assert case.owner_region == c.C3
    settings.CASE_OWNERLESS_MINUTES = 30
    later = now() + dt.timedelta(minutes=31)
    # C3 has community staff (outsider), so the case has an owner; remove them to make it ownerless.
    c.outsider.memberships.all().delete()
    assert [x.pk for x in sla.ownerless(later)] == [case.pk]
    sla.escalate_ownerless(later)
    case.refresh_from_db()
    assert case.owner_region == c.S2


def test_duplicates_are_found_and_merged_with_followers_told(case_cast):
    c = case_cast
    first = open_case(c.resident, report(), channel=Channel.PORTAL)
    text = "3号楼楼道堆满纸箱杂物，堵住消防通道"
    found = find_duplicates(first.category, 116.3201, 39.8501, text)
    assert [f.case for f in found] == [first] and found[0].distance_m < 20
    assert find_duplicates(first.category, 116.34, 39.85, text) == []  # 1.7 km away
    second = open_case(c.resident2, report(description=text), channel=Channel.PORTAL)
    merge_case(c.staff_s1, second, first, note="同一楼道")
    second.refresh_from_db()
    assert (second.status, second.outcome, second.primary) == (Status.MERGED, Outcome.DUPLICATE, first)
    assert first.followers.filter(user=c.resident2).exists()
    assert Notification.objects.filter(user=c.resident2, message__contains=first.number).exists()


def test_supervision_by_a_leader(case_cast, vending):
    with pytest.raises(PermissionDenied):
        handling.supervise_case(case_cast.staff_s1, vending, deadline=now() + dt.timedelta(days=1), note="尽快")
    handling.supervise_case(case_cast.leader_s1, vending, deadline=now() + dt.timedelta(days=1), note="尽快办理")
    vending.refresh_from_db()
    assert vending.supervised and Notification.objects.filter(user=case_cast.officer, message__contains="督办").exists()


def test_reclassification_is_kept_as_training_data_and_reroutes(case_cast):
    from grassroots.cases.models import TrainingExample

    case = open_case(case_cast.resident, report(category="garbage"), channel=Channel.PORTAL)
    handling.reclassify_case(case_cast.staff_s1, case, category_code="street_vending")
    case.refresh_from_db()
    assert case.category.code == "street_vending" and case.owner_department == case_cast.cgk
    assert TrainingExample.objects.get().category.code == "street_vending"


def test_wrong_state_transitions_conflict(case_cast, vending):
    with pytest.raises(DomainError) as err:
        handling.resolve_case(case_cast.officer, vending, note="处理完毕了")
    assert err.value.code == ErrorCode.INVALID_TRANSITION and err.value.status == 409
