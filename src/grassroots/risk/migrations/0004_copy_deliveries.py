"""Webhook deliveries moved to the notifications app's outbox: copy them there (risk 0005 drops this table).

A delivery now carries its URL and signing secret itself, so the copy goes through the models: the secret is
read from the subscription (decrypted with its own row's associated data) and sealed again for the delivery's
row. Deliveries are an outbox, a few rows per warning, so doing it in Python is cheap. Ids are kept: they are
the X-Grassroots-Delivery header receivers dedupe by. Kept apart from the drop, as cockpit 0003 is.
"""

from django.db import migrations

BATCH = 500


def forwards(apps, schema_editor):
    old = apps.get_model("risk", "Delivery")
    new = apps.get_model("notifications", "Delivery")
    rows = []
    for item in old.objects.select_related("subscription").order_by("pk").iterator(chunk_size=BATCH):
        rows.append(
            new(
                id=item.pk,
                source=f"risk.subscription:{item.subscription_id}",
                url=item.subscription.webhook_url,
                secret=item.subscription.webhook_secret,
                event=item.event,
                payload=item.payload,
                status=item.status,
                attempts=item.attempts,
                next_attempt_at=item.next_attempt_at,
                response_status=item.response_status,
                last_error=item.last_error,
                sent_at=item.sent_at,
            )
        )
    new.objects.bulk_create(rows, batch_size=BATCH)


def backwards(apps, schema_editor):
    """Back into risk: the deliveries of risk subscriptions whose subscription and warning still exist."""
    old = apps.get_model("risk", "Delivery")
    new = apps.get_model("notifications", "Delivery")
    subscriptions = set(apps.get_model("risk", "Subscription").objects.values_list("pk", flat=True))
    warnings = {str(pk) for pk in apps.get_model("risk", "Warning").objects.values_list("pk", flat=True)}
    rows = []
    for item in new.objects.filter(source__startswith="risk.subscription:").order_by("pk"):
        subscription = int(item.source.rsplit(":", 1)[1])
        warning = str(item.payload.get("warning", {}).get("id", ""))
        if subscription in subscriptions and warning in warnings:
            rows.append(
                old(
                    subscription_id=subscription, warning_id=int(warning), event=item.event,
                    payload=item.payload, status=item.status, attempts=item.attempts,
                    next_attempt_at=item.next_attempt_at, response_status=item.response_status,
                    last_error=item.last_error, sent_at=item.sent_at,
                )
            )  # fmt: skip
    old.objects.bulk_create(rows, batch_size=BATCH)
    new.objects.filter(source__startswith="risk.subscription:").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0003_rule_notify_roles_plan_proposals_event_kinds"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
