"""Uploaded table rows are encrypted at rest: the JSON of each row moves into an encrypted column.

The rows keep their ids (the id is part of each ciphertext's associated data); new rows get application
ids (core.ids.new_id), like every other table with encrypted fields. Reversible: going back decrypts.
"""

import json

from django.db import migrations, models

import grassroots.core.fields
import grassroots.core.ids

BATCH = 1000


def _batches(model, column: str):
    """(pk, value) in pk order, a batch at a time: no cursor stays open over the table being updated."""
    last = None
    while True:
        rows = model.objects.order_by("pk")
        rows = list((rows.filter(pk__gt=last) if last is not None else rows).values_list("pk", column)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def seal_rows(apps, schema_editor):
    from grassroots.core import crypto

    ResourceRow = apps.get_model("sharing", "ResourceRow")
    table = ResourceRow._meta.db_table
    update = f"UPDATE {schema_editor.connection.ops.quote_name(table)} SET content = %s WHERE id = %s"
    with schema_editor.connection.cursor() as cursor:
        for rows in _batches(ResourceRow, "data"):
            sealed = [
                (crypto.encrypt(json.dumps(data, ensure_ascii=False), table=table, column="content", row_id=pk), pk)
                for pk, data in rows
            ]
            cursor.executemany(update, sealed)


def unseal_rows(apps, schema_editor):
    from grassroots.core import crypto

    ResourceRow = apps.get_model("sharing", "ResourceRow")
    table = ResourceRow._meta.db_table
    for rows in _batches(ResourceRow, "content"):
        for pk, token in rows:
            plain = crypto.decrypt(token, table=table, column="content", row_id=pk)
            ResourceRow.objects.filter(pk=pk).update(data=json.loads(plain))


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0006_grant_suspension"),
    ]

    operations = [
        migrations.AlterField(
            model_name="resourcerow",
            name="id",
            field=models.BigIntegerField(
                default=grassroots.core.ids.new_id, editable=False, primary_key=True, serialize=False
            ),
        ),
        # Nullable while the rows move over, so the step can also be taken back.
        migrations.AlterField(model_name="resourcerow", name="data", field=models.JSONField(null=True)),
        migrations.AddField(
            model_name="resourcerow",
            name="content",
            field=grassroots.core.fields.EncryptedTextField(default=""),
            preserve_default=False,
        ),
        migrations.RunPython(seal_rows, unseal_rows),
        migrations.RemoveField(model_name="resourcerow", name="data"),
    ]
