"""raise_signal: folding, de-duplication of storms, actions by level, the warning's lifecycle, scope."""

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.cases.models import Case
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.notifications.models import Notification
from grassroots.risk import delivery, services
from grassroots.risk.levels import Level
from grassroots.risk.models import RiskScore, Status, Warning


def signal(region, *, kind="PM2.5超标", severity=2, at=None, value=120.0, domain="environment"):
    return services.raise_signal(
        domain=domain, region=region, kind=kind, value=value, severity=severity,
        evidence=["/environment/stations/7/"], occurred_at=at, source="test",
    )  # fmt: skip


def test_a_signal_opens_a_warning_at_its_level(cast):
    raised = signal(cast.G1, severity=2)
    assert raised.level == Level.YELLOW and raised.score == pytest.approx(3.0)
    warning = raised.warning
    assert (warning.level, warning.count, warning.status) == (Level.YELLOW, 1, Status.OPEN)
    assert [e.kind for e in warning.events.all()] == ["opened"]
    assert AuditEntry.objects.filter(event=AuditEvent.WARNING_OPENED, target_id=str(warning.pk)).exists()


def test_a_storm_of_the_same_kind_becomes_one_warning_with_a_count(cast):
    start = timezone.now() - dt.timedelta(minutes=30)
    for minute in range(10):
        signal(cast.G1, severity=1, at=start + dt.timedelta(minutes=minute))
    (warning,) = Warning.objects.all()
    assert warning.count == 10
    # Ten blue points within minutes make about 10: orange, reached through yellow.
    assert warning.level == Level.ORANGE and warning.peak_level == Level.ORANGE
    assert [e.kind for e in warning.events.all()] == ["opened", "escalated", "escalated"]


def test_another_kind_or_a_later_window_opens_a_new_warning(cast):
    first = signal(cast.G1, at=timezone.now() - dt.timedelta(hours=3)).warning
    other_kind = signal(cast.G1, kind="噪声超标").warning
    later = signal(cast.G1).warning  # the default 60-minute window has passed since the first
    assert len({first.pk, other_kind.pk, later.pk}) == 3


def test_scores_decay_between_signals(cast):
    signal(cast.G1, severity=3, at=timezone.now() - dt.timedelta(hours=48))  # 9 points two half-lives ago
    raised = signal(cast.G1, severity=1)
    assert raised.score == pytest.approx(9 / 4 + 1)
    assert RiskScore.objects.get(region=cast.G1, domain="environment").level == Level.YELLOW


def test_it_refuses_bad_signals_and_stores_nothing(cast):
    bad = [
        {"domain": "weather"},
        {"severity": 5},
        {"value": float("nan")},
        {"kind": ""},
        {"occurred_at": timezone.now() + dt.timedelta(hours=1)},
        {"occurred_at": dt.datetime(1, 1, 1, tzinfo=dt.UTC)},
        {"evidence": ["x"] * 21},
    ]
    base = {"domain": "environment", "region": cast.G1, "kind": "AQI", "value": 1.0, "severity": 1}
    for change in bad:
        with pytest.raises(DomainError) as error:
            services.raise_signal(**{**base, **change})
        expected = ErrorCode.UNKNOWN_DOMAIN if "domain" in change else ErrorCode.INVALID_INPUT
        assert error.value.code == expected, change
    assert not Warning.objects.exists() and not RiskScore.objects.exists()


def test_rules_open_a_case_and_propose_a_plan_at_their_levels(cast):
    services.save_rule(
        cast.admin, domain="emergency", kind="内涝", open_case_level=Level.ORANGE, case_category="road_damage",
        plan_level=Level.RED, plan_name="东城区防汛应急预案",
    )  # fmt: skip
    warning = signal(cast.G1, domain="emergency", kind="内涝", severity=2).warning
    assert not warning.case_id and not warning.plan_proposed
    warning = signal(cast.G1, domain="emergency", kind="内涝", severity=3).warning
    case = Case.objects.get(pk=warning.case_id)
    assert case.channel == "machine" and case.category.code == "road_damage" and case.source_ref == f"risk:{warning.pk}"
    warning = signal(cast.G1, domain="emergency", kind="内涝", severity=4).warning
    assert warning.plan_proposed == "东城区防汛应急预案"
    assert Case.objects.count() == 1  # a case once, however high it climbs
    kinds = [e.kind for e in warning.events.all()]
    assert "case_opened" in kinds and "plan_proposed" in kinds


def test_rules_are_checked_and_only_admins_change_them(cast):
    with pytest.raises(PermissionDenied):
        services.save_rule(cast.leader_s1, domain="opinion", yellow=5)
    for values in ({"yellow": 0.5}, {"hysteresis": 1.0}, {"open_case_level": 3}, {"colour": "red"}):
        with pytest.raises(DomainError):
            services.save_rule(cast.admin, domain="opinion", **values)
    rule = services.save_rule(cast.admin, domain="opinion", blue=2, yellow=4, orange=8, red=16)
    assert rule.thresholds == (2, 4, 8, 16)
    assert signal(cast.G1, domain="opinion", severity=1).warning is None  # 1 point is below blue now


def test_staff_acknowledge_and_close_with_a_disposition(cast):
    warning = signal(cast.G1).warning
    with pytest.raises(NotFound):
        services.acknowledge_warning(cast.outsider, warning)
    with pytest.raises(PermissionDenied):
        services.acknowledge_warning(cast.resident, warning)
    services.acknowledge_warning(cast.worker_c1, warning, note="已安排人员核查")
    with pytest.raises(DomainError):
        services.close_warning(cast.worker_c1, warning, disposition="handled", note="")
    with pytest.raises(DomainError):
        services.close_warning(cast.worker_c1, warning, disposition="vanished", note="已处置完毕")
    services.close_warning(cast.worker_c1, warning, disposition="handled", note="工地已洒水降尘")
    warning.refresh_from_db()
    assert warning.status == Status.CLOSED and warning.disposition == "handled"
    assert [e.kind for e in warning.events.all()] == ["opened", "acknowledged", "closed"]
    assert signal(cast.G1).warning.pk != warning.pk  # a closed warning is never reopened


def test_warnings_are_seen_only_within_scope(cast):
    inside, outside = signal(cast.G1).warning, signal(cast.G4).warning
    assert set(services.warnings_for(cast.worker_c1)) == {inside}
    assert set(services.warnings_for(cast.admin)) == {inside, outside}
    assert not services.warnings_for(cast.resident).exists()
    with pytest.raises(NotFound):
        services.get_warning_for(cast.worker_c1, outside.pk)


def test_subscribers_in_scope_are_notified_at_their_level(cast):
    delivery.subscribe(cast.worker_c1, region=cast.C1, domains=["environment"], min_level=Level.YELLOW)
    delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], min_level=Level.BLUE)
    delivery.subscribe(cast.outsider, region=cast.C3, domains=[], min_level=Level.BLUE)
    with pytest.raises(NotFound):
        delivery.subscribe(cast.outsider, region=cast.C1, domains=[])
    signal(cast.G1, severity=1)  # blue: only the leader's subscription matches
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"leader_s1"}
    signal(cast.G1, severity=2)  # escalates to orange (1 + 3 = 4 → yellow) and notifies both
    assert Notification.objects.filter(user=cast.worker_c1, link__startswith="/risk/warnings/").count() == 1
    assert not Notification.objects.filter(user=cast.outsider).exists()


def test_only_http_links_and_site_paths_are_accepted_as_evidence(cast):
    base = {"domain": "environment", "region": cast.G1, "kind": "AQI", "value": 1.0, "severity": 1}
    for link in (
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
        "/\\evil.example/x",
        "ftp://example.org/file",
        "https://",
        "relative/path",
        "/a b",
        "/" + "x" * 500,
        17,
    ):
        with pytest.raises(DomainError) as error:
            services.raise_signal(**base, evidence=[link])
        assert error.value.code == ErrorCode.INVALID_INPUT, link
    assert not Warning.objects.exists() and not RiskScore.objects.exists()
    fine = ["https://example.org/readings?id=7", "http://10.0.0.5/x", "/environment/stations/7/"]
    assert services.raise_signal(**base, evidence=fine).signal.evidence == fine


def test_rules_name_roles_to_notify_and_refuse_others(cast):
    for roles in (["resident"], ["department"], ["data_officer"], ["chief"], "street_leader", [1]):
        with pytest.raises(DomainError) as error:
            services.save_rule(cast.admin, domain="environment", notify_roles=roles)
        assert error.value.code == ErrorCode.INVALID_INPUT, roles
    with pytest.raises(PermissionDenied):
        services.save_rule(cast.leader_s1, domain="environment", notify_roles=["street_leader"])
    rule = services.save_rule(
        cast.admin, domain="environment", notify_roles=["street_leader", "community_staff", "street_leader"]
    )
    assert rule.notify_roles == ["street_leader", "community_staff"]  # once each, in the roles' order


def test_the_rules_roles_in_scope_are_notified_once_beside_subscribers(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    services.save_rule(
        cast.admin, domain="environment", notify_level=Level.YELLOW, notify_roles=["street_leader", "community_staff"]
    )
    for user, address in ((cast.leader_s1, "leader@example.org"), (cast.outsider, "outsider@example.org")):
        user.email = address
        user.save()
    delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], email=True)  # also in a notified role
    with django_capture_on_commit_callbacks(execute=True):
        warning = signal(cast.G1, severity=2).warning  # yellow in 一社区
    notified = sorted(Notification.objects.values_list("user__username", flat=True))
    # The community staff of C3 (outsider) and the street staff hold no scope or no named role here.
    assert notified == ["leader_s1", "worker_c1"]
    assert [m.to for m in mailoutbox] == [["leader@example.org"]]  # one mail, though subscribed and in a role
    (event,) = warning.events.filter(kind="notified")
    assert event.note == "订阅 1 个，按角色 1 人"


def test_a_blue_warning_below_the_rules_level_notifies_no_role(cast):
    services.save_rule(cast.admin, domain="environment", notify_level=Level.YELLOW, notify_roles=["street_leader"])
    warning = signal(cast.G1, severity=1).warning
    assert warning.level == Level.BLUE and not Notification.objects.exists()
    assert not warning.events.filter(kind="notified").exists()
