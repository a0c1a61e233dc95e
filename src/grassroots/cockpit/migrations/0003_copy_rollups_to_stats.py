"""The rollups moved to the stats app: copy their rows into its tables (cockpit 0004 then drops these).

Kept apart from the drop so the copy commits on its own (PostgreSQL refuses to alter a table with pending
trigger events in the same transaction). Ids are not copied: nothing refers to a rollup row by id, and a
copied id would leave PostgreSQL's identity sequence behind the table. One INSERT … SELECT per table keeps
a large rollup (millions of daily rows) inside the database.
"""

from django.db import migrations, models

MODELS = ("RollupState", "DailyStat", "CategoryWeek", "DomainStat")


def _copy(apps, schema_editor, source_app: str, target_app: str) -> None:
    quote = schema_editor.quote_name
    for name in MODELS:
        source = apps.get_model(source_app, name)
        target = apps.get_model(target_app, name)
        columns = ", ".join(
            quote(f.column)
            for f in target._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        )
        schema_editor.execute(f"DELETE FROM {quote(target._meta.db_table)}")
        schema_editor.execute(
            f"INSERT INTO {quote(target._meta.db_table)} ({columns}) "
            f"SELECT {columns} FROM {quote(source._meta.db_table)}"
        )


def forwards(apps, schema_editor):
    _copy(apps, schema_editor, "cockpit", "stats")


def backwards(apps, schema_editor):
    _copy(apps, schema_editor, "stats", "cockpit")


class Migration(migrations.Migration):

    dependencies = [
        ("cockpit", "0002_domainstat"),
        ("stats", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
