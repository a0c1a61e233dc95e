"""The inbox moved from cases and the webhook outbox from risk: an existing database keeps its rows through the
move and back. A case notice gets its case page as link and its number as reference; ids are kept (clients mark
a notice read by id, receivers dedupe a delivery by id); a delivery's secret is sealed again for its new row.

Runs on SQLite here; with DATABASE_URL set it runs the same way on PostgreSQL.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grassroots.notifications import tasks
from grassroots.notifications.models import Delivery, Notification

BEFORE = [
    ("cases", "0006_public_feed"),
    ("risk", "0003_rule_notify_roles_plan_proposals_event_kinds"),
    ("notifications", None),
]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def old_apps():
    return migrate(BEFORE).loader.project_state(BEFORE[:2]).apps


def tables() -> set[str]:
    names = set(connection.introspection.table_names())
    wanted = {"cases_notification", "risk_delivery", "notifications_notification", "notifications_delivery"}
    return names & wanted


def seed(cast, monkeypatch):
    """A case (its owners notified), a webhook subscription and a warning (one delivery queued)."""
    from grassroots.cases import intake
    from grassroots.cases.models import Category, Channel, ResponsibilityRule
    from grassroots.risk import delivery, services

    if not Category.objects.exists():  # a browser test's flush may have removed the seeded categories
        from grassroots.cases.defaults import seed as seed_categories

        seed_categories(Category, ResponsibilityRule)
    monkeypatch.setattr(tasks.send_pending_webhooks, "delay", lambda: None)  # stays queued
    report = intake.Report(
        title="路灯不亮", description="银杏胡同口路灯连续三晚不亮", category="streetlight", lng=116.32, lat=39.85
    )
    case = intake.open_case(cast.resident, report, channel=Channel.PORTAL)
    subscription, secret = delivery.subscribe(
        cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url="http://127.0.0.1:9/hook"
    )
    services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
    return case, subscription, secret


# No serialized_rollback: restoring the serialized database after an earlier transactional test's flush
# collides with the content types that flush recreated. What the test needs it seeds itself.
@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_its_notices_and_deliveries_through_the_move_and_back(cast, settings, monkeypatch):
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    case, subscription, secret = seed(cast, monkeypatch)
    case_notices = set(Notification.objects.filter(ref=case.number).values_list("id", "user_id"))
    assert case_notices and Delivery.objects.count() == 1
    try:
        old = old_apps()  # back: the rows return to cases and risk
        assert tables() == {"cases_notification", "risk_delivery"}
        old_notice = old.get_model("cases", "Notification")
        assert set(old_notice.objects.filter(case_id=case.pk).values_list("id", "user_id")) == case_notices
        risk_note = old_notice.objects.create(
            user_id=cast.worker_c1.pk, message="【橙色预警】", link="/risk/warnings/5/"
        )
        (old_delivery,) = old.get_model("risk", "Delivery").objects.all()
        assert (old_delivery.subscription_id, old_delivery.status) == (subscription.pk, "pending")

        migrate()  # forward again: the move as an existing database sees it
        assert tables() == {"notifications_notification", "notifications_delivery"}
        for pk, _user in case_notices:
            notice = Notification.objects.get(pk=pk)
            assert (notice.link, notice.ref, notice.topic) == (f"/cases/{case.pk}/", case.number, "cases.progress")
        moved = Notification.objects.get(pk=risk_note.pk)
        assert (moved.link, moved.ref, moved.topic) == ("/risk/warnings/5/", "", "risk.warning")
        fresh = Notification.objects.create(user=cast.grid_g1, message="新")
        assert fresh.pk > max(pk for pk, _ in case_notices | {(risk_note.pk, 0)})  # the id sequence moved on
        item = Delivery.objects.get()
        assert item.source == f"risk.subscription:{subscription.pk}" and item.url == "http://127.0.0.1:9/hook"
        assert item.secret == secret and item.status == "pending" and item.event == "warning.opened"
        assert item.pk == old_delivery.pk and item.payload["warning"]["kind"] == "AQI"  # the id receivers saw
    finally:
        migrate()
    assert tables() == {"notifications_notification", "notifications_delivery"}


@pytest.mark.django_db
def test_a_fresh_database_has_only_the_notifications_tables():
    assert tables() == {"notifications_notification", "notifications_delivery"}
