"""Webhook delivery: the HMAC signature, retries with backoff, giving up; and the receiver's check."""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from grassroots.core.errors import DomainError
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
    assert delivery.verify(secret, headers["X-Grassroots-Signature"], body)
    assert not delivery.verify(secret, headers["X-Grassroots-Signature"], body.replace(b"AQI", b"PM10"))
    assert not delivery.verify("0" * 64, headers["X-Grassroots-Signature"], body)
    assert not delivery.verify(secret, headers["X-Grassroots-Signature"], body, now=time.time() + 600)
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
        {"domains": [], "min_level": 0},
        {"domains": [], "in_app": False},
        {"domains": [], "email": True},  # leader_s1 has no e-mail address
    ):
        with pytest.raises(DomainError):
            delivery.subscribe(cast.leader_s1, region=cast.S1, **kwargs)
