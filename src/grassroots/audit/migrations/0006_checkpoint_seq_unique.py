from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_backfill_indexes")]

    operations = [
        migrations.AlterField(model_name="checkpoint", name="seq", field=models.BigIntegerField(unique=True)),
    ]
