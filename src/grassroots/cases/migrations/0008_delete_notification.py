"""Notifications live in the notifications app now (copied there by 0007): drop the cases table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_copy_notifications"),
    ]

    operations = [
        migrations.DeleteModel(name="Notification"),
    ]
