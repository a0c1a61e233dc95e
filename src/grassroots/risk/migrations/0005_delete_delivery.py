"""Webhook deliveries live in the notifications outbox now (copied there by 0004): drop the risk table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0004_copy_deliveries"),
    ]

    operations = [
        migrations.DeleteModel(name="Delivery"),
    ]
