"""Webhook delivery: the HMAC signature over time, event and body, claims, retries with backoff, giving up;
the receiver's check; e-mail after commit; refusal of internal addresses at saving and at sending; one
receiver that hangs does not hold up the others.

The receivers listen on 127.0.0.1, which core.outbound refuses unless allowed: the `local` fixture allows it
explicitly (OUTBOUND_ALLOW_HOSTS), as an operator would an internal host."""

import datetime as dt
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from grassroots.core import outbound
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.notifications import tasks, webhooks
from grassroots.notifications.models import Delivery
from grassroots.risk import delivery, services


class Receiver:
    """A local HTTP endpoint that records what it gets and answers with a chosen status (and headers), once
    `hold` is set if one is given."""

    def __init__(self, status=204, headers=(), hold: threading.Event | None = None):
        self.status, self.received, self.arrived = status, [], threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                outer.arrived.set()
                if hold is not None:
                    hold.wait(10)
                self.send_response(outer.status)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/grassroots"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def local(settings):
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    return settings


@pytest.fixture
def receiver(local):
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def no_dial(monkeypatch):
    monkeypatch.setattr(outbound, "_dial", lambda *a: pytest.fail("no connection may be opened"))


def resolve_to(monkeypatch, table):
    """Fake name resolution for these names; any other name does not resolve (no real DNS in tests)."""

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (table[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_warning_is_posted_signed_to_the_webhook(cast, receiver, django_capture_on_commit_callbacks):
    subscription, secret = delivery.subscribe(
        cast.leader_s1, region=cast.S1, domains=["environment"], in_app=False, webhook_url=receiver.url
    )
    assert len(secret) == 64 and subscription.webhook_secret == secret
    with django_capture_on_commit_callbacks(execute=True):
        warning = services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3).warning
    ((headers, body),) = receiver.received
    signature, event = headers["X-Grassroots-Signature"], headers["X-Grassroots-Event"]
    assert webhooks.verify(secret, signature, body, event=event)
    assert not webhooks.verify(secret, signature, body.replace(b"AQI", b"PM10"), event=event)
    assert not webhooks.verify("0" * 64, signature, body, event=event)
    assert not webhooks.verify(secret, signature, body, event=event, now=time.time() + 600)
    assert not webhooks.verify(secret, signature, body, event="warning.escalated")  # the event is signed too
    sent = json.loads(body)
    assert sent["event"] == "warning.opened" and sent["warning"]["id"] == str(warning.pk)
    assert sent["warning"]["level_name"] == "橙色" and headers["X-Grassroots-Event"] == "warning.opened"
    assert Delivery.objects.get().status == "sent"


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(cast, local, django_capture_on_commit_callbacks):
    failing = Receiver(status=500)
    try:
        delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], webhook_url=failing.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.raise_signal(domain="finance", region=cast.G1, kind="非法集资线索", value=1, severity=2)
        item = Delivery.objects.get()
        assert (item.status, item.attempts, item.response_status) == ("pending", 1, 500)
        waits = []
        for _ in range(4):
            waits.append(round((item.next_attempt_at - timezone.now()).total_seconds() / 60))
            webhooks.send_pending(now=item.next_attempt_at + dt.timedelta(seconds=1))
            item.refresh_from_db()
        assert waits == [1, 2, 4, 8]
        assert (item.status, item.attempts) == ("failed", 5) and len(failing.received) == 5
    finally:
        failing.close()


def test_it_refuses_bad_subscriptions(cast):
    for kwargs in (
        {"domains": ["weather"]},
        {"domains": [], "webhook_url": "ftp://example.org/x"},
        {"domains": [], "webhook_url": "file:///etc/passwd"},
        {"domains": [], "webhook_url": "javascript:alert(1)"},
        {"domains": [], "webhook_url": "https:///no-host"},
        {"domains": [], "min_level": 0},
        {"domains": [], "in_app": False},
        {"domains": [], "email": True},  # leader_s1 has no e-mail address
    ):
        with pytest.raises(DomainError) as error:
            delivery.subscribe(cast.leader_s1, region=cast.S1, **kwargs)
        assert error.value.code == ErrorCode.INVALID_INPUT, kwargs
    assert not delivery.Subscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_delivery_claimed_by_one_sender_is_not_posted_by_another(cast, local, monkeypatch):
    """The on-commit task is waiting on the receiver when the 60 s beat task starts: it finds nothing to send.

    The data is committed (another thread sends), so the on-commit trigger is held back: the test plays both."""
    monkeypatch.setattr(tasks.send_pending_webhooks, "delay", lambda: None)
    hold = threading.Event()
    slow = Receiver(hold=hold)
    try:
        delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url=slow.url)
        services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
        first = []

        def on_commit_task():
            try:
                first.append(webhooks.send_pending())
            finally:
                connection.close()

        sender = threading.Thread(target=on_commit_task)
        sender.start()
        assert slow.arrived.wait(10)
        assert webhooks.send_pending() == {"sent": 0, "failed": 0}  # the beat task, while the POST is open
        hold.set()
        sender.join(10)
        assert first == [{"sent": 1, "failed": 0}] and len(slow.received) == 1
        assert Delivery.objects.get().status == "sent"
    finally:
        hold.set()
        slow.close()


def test_a_claim_whose_sender_died_is_taken_up_after_its_lease(cast, receiver):
    delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url=receiver.url)
    services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
    (claimed,) = webhooks.claim()  # and then the sender crashed before posting
    item = Delivery.objects.get(pk=claimed)
    assert item.status == "sending" and webhooks.claim() == []
    assert webhooks.send_pending() == {"sent": 0, "failed": 0} and not receiver.received
    assert webhooks.send_pending(now=item.next_attempt_at + dt.timedelta(seconds=1)) == {"sent": 1, "failed": 0}
    assert len(receiver.received) == 1


def test_a_stored_url_that_is_not_http_is_given_up_without_a_request(cast, monkeypatch, no_dial):
    resolve_to(monkeypatch, {"hooks.example.org": "93.184.215.14"})
    subscription, _secret = delivery.subscribe(
        cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url="https://hooks.example.org/hook"
    )
    delivery.Subscription.objects.filter(pk=subscription.pk).update(webhook_url="file:///etc/passwd")  # legacy row
    services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
    assert webhooks.send_pending() == {"sent": 0, "failed": 1}
    item = Delivery.objects.get()
    assert (item.status, item.attempts) == ("failed", 1) and item.last_error.startswith("outbound.scheme")


def test_internal_addresses_are_refused_when_the_webhook_is_saved(cast, monkeypatch, no_dial):
    table = {"localhost": "127.0.0.1", "intranet.example.org": "10.0.0.7", "later.example.org": "93.184.215.14"}
    resolve_to(monkeypatch, table)
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "https://intranet.example.org/hook",  # a name that resolves inside
        "https://user:password@later.example.org/hook",
    ):
        with pytest.raises(DomainError) as error:
            delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], webhook_url=url)
        assert error.value.code == ErrorCode.INVALID_INPUT and error.value.status == 400, url
        assert "Webhook 地址不可用" in error.value.message, url
    assert error.value.details == {"reason": "outbound.url"}
    assert not delivery.Subscription.objects.exists()


def test_a_name_that_turns_internal_after_saving_is_refused_at_sending(cast, monkeypatch, no_dial):
    table = {"hooks.example.org": "93.184.215.14"}
    resolve_to(monkeypatch, table)
    delivery.subscribe(
        cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url="https://hooks.example.org/"
    )
    services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
    table["hooks.example.org"] = "10.0.0.7"  # DNS changed (or was made to) since the check at saving
    assert webhooks.send_pending() == {"sent": 0, "failed": 1}
    item = Delivery.objects.get()
    assert item.status == "failed" and item.last_error.startswith("outbound.private_address")


def test_a_redirect_answer_is_not_followed_and_is_retried(cast, local, receiver):
    redirecting = Receiver(status=307, headers=[("Location", receiver.url)])
    try:
        delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url=redirecting.url)
        services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
        assert webhooks.send_pending() == {"sent": 0, "failed": 1}
        item = Delivery.objects.get()
        assert (item.status, item.response_status, item.attempts) == ("pending", 307, 1)
        assert item.last_error.startswith("outbound.redirect") and len(redirecting.received) == 1
        assert not receiver.received
    finally:
        redirecting.close()


def test_a_receiver_that_hangs_does_not_hold_up_the_others(cast, local, receiver):
    """Three deliveries, due in this order: to a receiver that never answers, to a patient one that answers
    only once the third has arrived, and to a prompt one. Sent one after another (or two at a time), the
    patient one would time out waiting for the third; only when no receiver waits behind another are two sent."""
    local.OUTBOUND_READ_TIMEOUT = 3

    class Hang(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.rfile.read(1)  # never answers; returns when the sender gives up and closes the connection

        def log_message(self, *args):
            pass

    hanging = ThreadingHTTPServer(("127.0.0.1", 0), Hang)
    hanging.daemon_threads = True
    threading.Thread(target=hanging.serve_forever, daemon=True).start()
    patient = Receiver(hold=receiver.arrived)
    try:
        urls = [f"http://127.0.0.1:{hanging.server_port}/hook", patient.url, receiver.url]
        for url in urls:
            delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url=url)
        services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
        for position, url in enumerate(urls):
            Delivery.objects.filter(url=url).update(
                next_attempt_at=timezone.now() - dt.timedelta(minutes=3 - position)
            )
        assert webhooks.send_pending() == {"sent": 2, "failed": 1}
        stuck, waited, prompt = (Delivery.objects.get(url=url) for url in urls)
        assert stuck.status == "pending" and stuck.last_error.startswith("outbound.timeout")
        assert (waited.status, prompt.status) == ("sent", "sent")
    finally:
        hanging.shutdown()
        hanging.server_close()
        patient.close()


def test_a_delivery_is_signed_when_it_leaves_not_when_it_was_queued(cast, local, monkeypatch):
    """One worker, two deliveries, ten minutes pass during the first: the second is still fresh."""
    local.WEBHOOK_MAX_WORKERS = 1
    clock = [1_800_000_000]
    monkeypatch.setattr(webhooks, "time", SimpleNamespace(time=lambda: clock[0]))
    real_post = outbound.post

    def post_then_ten_minutes_pass(*args, **kwargs):
        try:
            return real_post(*args, **kwargs)
        finally:
            clock[0] += 600

    monkeypatch.setattr(outbound, "post", post_then_ten_minutes_pass)
    first, second = Receiver(), Receiver()
    try:
        for r in (first, second):
            delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url=r.url)
        services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
        assert webhooks.send_pending() == {"sent": 2, "failed": 0}
        stamps = sorted(
            int(r.received[0][0]["X-Grassroots-Signature"].split(",")[0].removeprefix("t=")) for r in (first, second)
        )
        assert stamps == [1_800_000_000, 1_800_000_600]
    finally:
        first.close()
        second.close()


def test_an_email_subscription_sends_mail_after_the_commit(cast, mailoutbox, django_capture_on_commit_callbacks):
    cast.leader_s1.email = "leader@example.org"
    cast.leader_s1.save()
    delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
    assert mailoutbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    (mail,) = mailoutbox
    assert mail.to == ["leader@example.org"] and "橙色预警" in mail.subject and "AQI" in mail.body


def test_a_subscription_without_in_app_leaves_the_inbox_alone(cast, mailoutbox, django_capture_on_commit_callbacks):
    from grassroots.notifications.models import Notification

    cast.leader_s1.email = "leader@example.org"
    cast.leader_s1.save()
    delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, email=True)
    delivery.subscribe(cast.staff_s1, region=cast.S1, domains=[], in_app=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
    assert not Notification.objects.filter(user=cast.leader_s1).exists()  # mail only, as subscribed
    assert Notification.objects.filter(user=cast.staff_s1, topic="risk.warning").count() == 1
    assert [m.to for m in mailoutbox] == [["leader@example.org"]]
