"""Webhook delivery: the HMAC signature over time, event and body, claims, retries with backoff, giving up;
the receiver's check; e-mail after commit."""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from grassroots.core.errors import DomainError, ErrorCode
from grassroots.risk import delivery, services
from grassroots.risk.models import Delivery


class Receiver:
    """A local HTTP endpoint that records what it gets and answers with a chosen status."""

    def __init__(self, status=204):
        self.status, self.received = status, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/grassroots"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_a_warning_is_posted_signed_to_the_webhook(cast, receiver, django_capture_on_commit_callbacks):
    subscription, secret = delivery.subscribe(
        cast.leader_s1, region=cast.S1, domains=["environment"], in_app=False, webhook_url=receiver.url
    )
    assert len(secret) == 64 and subscription.webhook_secret == secret
    with django_capture_on_commit_callbacks(execute=True):
        warning = services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3).warning
    ((headers, body),) = receiver.received
    signature, event = headers["X-Grassroots-Signature"], headers["X-Grassroots-Event"]
    assert delivery.verify(secret, signature, body, event=event)
    assert not delivery.verify(secret, signature, body.replace(b"AQI", b"PM10"), event=event)
    assert not delivery.verify("0" * 64, signature, body, event=event)
    assert not delivery.verify(secret, signature, body, event=event, now=time.time() + 600)
    assert not delivery.verify(secret, signature, body, event="warning.escalated")  # the event is signed too
    sent = json.loads(body)
    assert sent["event"] == "warning.opened" and sent["warning"]["id"] == str(warning.pk)
    assert sent["warning"]["level_name"] == "橙色" and headers["X-Grassroots-Event"] == "warning.opened"
    assert Delivery.objects.get().status == "sent"


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(cast, django_capture_on_commit_callbacks):
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
            delivery.send_pending(now=item.next_attempt_at + dt.timedelta(seconds=1))
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


def test_a_delivery_claimed_by_one_sender_is_not_posted_by_another(cast, receiver, monkeypatch):
    delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url=receiver.url)
    services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)  # not committed
    real_urlopen, nested = delivery.urllib.request.urlopen, []

    def urlopen_while_the_beat_task_runs(request, timeout):
        # The 60 s beat task starts while the on-commit task is still waiting on the receiver.
        nested.append(delivery.send_pending())
        return real_urlopen(request, timeout=timeout)

    monkeypatch.setattr(delivery.urllib.request, "urlopen", urlopen_while_the_beat_task_runs)
    assert delivery.send_pending() == {"sent": 1, "failed": 0}
    assert nested == [{"sent": 0, "failed": 0}] and len(receiver.received) == 1
    assert Delivery.objects.get().status == "sent"


def test_a_claim_whose_sender_died_is_taken_up_after_its_lease(cast, receiver):
    delivery.subscribe(cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url=receiver.url)
    services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
    (claimed,) = delivery.claim()  # and then the sender crashed before posting
    item = Delivery.objects.get(pk=claimed)
    assert item.status == "sending" and delivery.claim() == []
    assert delivery.send_pending() == {"sent": 0, "failed": 0} and not receiver.received
    assert delivery.send_pending(now=item.next_attempt_at + dt.timedelta(seconds=1)) == {"sent": 1, "failed": 0}
    assert len(receiver.received) == 1


def test_a_stored_url_that_is_not_http_is_given_up_without_a_request(cast, monkeypatch):
    subscription, _secret = delivery.subscribe(
        cast.leader_s1, region=cast.S1, domains=[], in_app=False, webhook_url="https://example.org/hook"
    )
    delivery.Subscription.objects.filter(pk=subscription.pk).update(webhook_url="file:///etc/passwd")  # legacy row
    services.raise_signal(domain="environment", region=cast.G1, kind="AQI", value=210, severity=3)
    monkeypatch.setattr(delivery.urllib.request, "urlopen", lambda *a, **k: pytest.fail("must not open"))
    assert delivery.send_pending() == {"sent": 0, "failed": 1}
    item = Delivery.objects.get()
    assert (item.status, item.last_error) == ("failed", "not an http(s) URL")


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
