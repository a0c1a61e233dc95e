"""The rollups live in the stats app now (copied there by 0003): drop the cockpit's tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cockpit", "0003_copy_rollups_to_stats"),
    ]

    operations = [
        migrations.DeleteModel(name="CategoryWeek"),
        migrations.DeleteModel(name="DailyStat"),
        migrations.DeleteModel(name="DomainStat"),
        migrations.DeleteModel(name="RollupState"),
    ]
