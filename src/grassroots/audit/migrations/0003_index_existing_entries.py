"""Entries written before the Merkle log existed become its first leaves, in the order they were written."""

from django.db import migrations


def index_existing(apps, schema_editor):
    from grassroots.audit.log import canonical
    from grassroots.audit.merkle import leaf_hash

    Entry = apps.get_model("audit", "AuditEntry")
    Head = apps.get_model("audit", "LogHead")
    size = 0
    for entry in Entry.objects.filter(leaf_index=None).order_by("id").iterator(chunk_size=5000):
        entry.leaf_index = size
        entry.leaf_hash = leaf_hash(canonical(entry)).hex()
        Entry.objects.filter(pk=entry.pk).update(leaf_index=entry.leaf_index, leaf_hash=entry.leaf_hash)
        size += 1
    Head.objects.update_or_create(pk=1, defaults={"size": size})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_merkle_log")]
    operations = [migrations.RunPython(index_existing, migrations.RunPython.noop)]
