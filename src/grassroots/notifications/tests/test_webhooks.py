"""The outbox on its own, without the risk app: any app queues a signed delivery; its owner can cancel it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest
from django.db import connection

from grassroots.notifications import webhooks
from grassroots.notifications.models import Delivery


@pytest.fixture
def receiver(settings):
    """A local endpoint recording what it gets (core.outbound refuses 127.0.0.1 unless allowed, as here)."""
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    got = SimpleNamespace(received=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            got.received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    got.url = f"http://127.0.0.1:{server.server_port}/hook"
    yield got
    server.shutdown()
    server.server_close()


def test_a_queued_delivery_goes_out_after_commit_signed_with_its_secret(
    db, receiver, django_capture_on_commit_callbacks
):
    target = webhooks.Target(receiver.url, "s" * 64, "test:1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert webhooks.enqueue("thing.happened", {"thing": {"id": "7"}}, [target]) == 1
    assert receiver.received == [] and len(callbacks) == 1  # queued in the transaction, sent after it
    for callback in callbacks:
        callback()
    ((headers, body),) = receiver.received
    assert webhooks.verify("s" * 64, headers["X-Grassroots-Signature"], body, event="thing.happened")
    item = Delivery.objects.get()
    assert json.loads(body) == {"thing": {"id": "7"}, "delivery": item.pk}
    assert headers["X-Grassroots-Delivery"] == str(item.pk) and item.status == "sent"


def test_the_secret_is_stored_encrypted(db):
    webhooks.enqueue("thing.happened", {}, [webhooks.Target("https://hooks.example.org/", "geheim" * 8)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notifications_delivery")
        (stored,) = cursor.fetchone()
    assert "geheim" not in stored and Delivery.objects.get().secret == "geheim" * 8


def test_cancel_drops_only_what_the_source_still_has_queued(db):
    targets = [webhooks.Target("https://a.example.org/", "k", "risk.subscription:1")] * 2
    webhooks.enqueue("e", {}, targets + [webhooks.Target("https://b.example.org/", "k", "risk.subscription:2")])
    first = Delivery.objects.filter(source="risk.subscription:1").order_by("pk").first()
    Delivery.objects.filter(pk=first.pk).update(status="sent")
    assert webhooks.cancel("risk.subscription:1") == 1
    assert sorted(Delivery.objects.values_list("source", "status")) == [
        ("risk.subscription:1", "sent"), ("risk.subscription:2", "pending")
    ]  # fmt: skip


def test_nothing_to_queue_queues_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert webhooks.enqueue("e", {}, []) == 0
    assert callbacks == [] and not Delivery.objects.exists()
