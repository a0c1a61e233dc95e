"""notify: the in-app notice for every active person, e-mail after commit one message per recipient, by each
person's choice for the topic; the choices themselves (set_channel_choices) and the topic registry."""

import pytest

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.notifications import services, topics
from grassroots.notifications.models import ChannelChoice, Notification

TOPIC = "cases.progress"  # registered by the cases app's ready()


@pytest.fixture
def people(cast):
    for user, address in ((cast.grid_g1, "grid@example.org"), (cast.worker_c1, "worker@example.org")):
        user.email = address
        user.save()
    return cast


def test_every_active_person_gets_an_in_app_notice_and_each_an_e_mail_of_their_own(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    people.staff_s1.is_active = False
    people.staff_s1.save()
    who = {people.grid_g1, people.worker_c1, people.leader_s1, people.staff_s1, None}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = services.notify(
            who, "新事件 20261203-0001：路灯不亮", topic=TOPIC, link="/cases/7/", ref="20261203-0001"
        )
    assert count == 3 and mailoutbox == []  # nothing leaves before the commit
    rows = Notification.objects.filter(topic=TOPIC, ref="20261203-0001", link="/cases/7/")
    assert set(rows.values_list("user__username", flat=True)) == {"grid_g1", "worker_c1", "leader_s1"}
    for callback in callbacks:
        callback()
    # One message per address (a shared To: would show every address); leader_s1 has none.
    assert sorted(m.to for m in mailoutbox) == [["grid@example.org"], ["worker@example.org"]]
    assert all(m.subject.startswith("[20261203-0001] 新事件") for m in mailoutbox)


def test_a_person_who_turned_e_mail_off_still_gets_the_in_app_notice(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    services.set_channel_choices(people.grid_g1, {TOPIC: False})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify({people.grid_g1, people.worker_c1}, "进展：已到场", topic=TOPIC)
    assert [m.to for m in mailoutbox] == [["worker@example.org"]]
    assert Notification.objects.filter(user=people.grid_g1, topic=TOPIC).count() == 1
    other = "cases.assigned"  # the choice is per topic: another one still mails
    with django_capture_on_commit_callbacks(execute=True):
        services.notify({people.grid_g1}, "新事件", topic=other)
    assert [m.to for m in mailoutbox][-1] == ["grid@example.org"]


def test_a_topic_without_e_mail_by_default_mails_only_those_who_chose_it(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    topics.register_topic("test.quiet", "测试类别", default_email=False)
    try:
        services.set_channel_choices(people.worker_c1, {"test.quiet": True})
        with django_capture_on_commit_callbacks(execute=True):
            services.notify({people.grid_g1, people.worker_c1}, "安静的通知", topic="test.quiet")
        assert [m.to for m in mailoutbox] == [["worker@example.org"]]
        assert Notification.objects.filter(topic="test.quiet").count() == 2
    finally:
        topics._TOPICS.pop("test.quiet")


def test_email_false_sends_no_mail_whatever_the_choice(people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify({people.grid_g1}, "仅站内", topic=TOPIC, email=False)
    assert mailoutbox == [] and Notification.objects.filter(user=people.grid_g1).exists()


def test_a_rolled_back_change_sends_nothing(people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify({people.grid_g1}, "不会发出", topic=TOPIC)
    assert len(callbacks) == 1 and mailoutbox == []  # the mail is only an on-commit callback


def test_an_unregistered_topic_is_a_programming_error(cast):
    with pytest.raises(LookupError):
        services.notify({cast.grid_g1}, "x", topic="nobody.registered.this")
    assert not Notification.objects.exists()


def test_channel_choices_list_every_topic_and_saving_is_audited(people):
    codes = [c["topic"] for c in services.channel_choices(people.grid_g1)]
    assert {"cases.assigned", "cases.progress", "risk.warning", "risk.plan", "sharing.request"} <= set(codes)
    assert all(c["in_app"] and c["default"] for c in services.channel_choices(people.grid_g1))
    saved = services.set_channel_choices(people.grid_g1, {TOPIC: False, "risk.warning": True})
    mine = {c["topic"]: (c["email"], c["default"]) for c in saved}
    assert mine[TOPIC] == (False, False) and mine["risk.warning"] == (True, False) and mine["risk.plan"][1]
    entry = AuditEntry.objects.filter(event=AuditEvent.NOTIFICATION_CHOICES_CHANGED).get()
    assert entry.actor_id == people.grid_g1.pk and entry.extra == {"email": {TOPIC: False, "risk.warning": True}}
    services.set_channel_choices(people.grid_g1, {TOPIC: True})  # saved again: updated, not duplicated
    assert ChannelChoice.objects.get(user=people.grid_g1, topic=TOPIC).email is True


def test_an_unknown_topic_is_refused_and_nothing_is_saved(people):
    with pytest.raises(DomainError) as error:
        services.set_channel_choices(people.grid_g1, {TOPIC: False, "made.up": False})
    assert error.value.code == ErrorCode.INVALID_INPUT and error.value.details == {"unknown": ["made.up"]}
    assert not ChannelChoice.objects.exists()
    assert not AuditEntry.objects.filter(event=AuditEvent.NOTIFICATION_CHOICES_CHANGED).exists()


def test_a_topic_code_is_bounded():
    with pytest.raises(ValueError):
        topics.register_topic("x" * 41, "太长")
    with pytest.raises(ValueError):
        topics.register_topic("", "空")
