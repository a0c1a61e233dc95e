"""The default category tree and responsibility list. Both are edited afterwards by the district."""

from django.db import migrations

def seed(apps, schema_editor):
    from grassroots.cases.defaults import seed as seed_defaults

    seed_defaults(apps.get_model("cases", "Category"), apps.get_model("cases", "ResponsibilityRule"))


def unseed(apps, schema_editor):
    apps.get_model("cases", "ResponsibilityRule").objects.all().delete()
    apps.get_model("cases", "Category").objects.exclude(parent=None).delete()
    apps.get_model("cases", "Category").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
