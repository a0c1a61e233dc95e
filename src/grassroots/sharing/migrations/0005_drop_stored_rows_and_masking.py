# Separate from 0004: on PostgreSQL a table cannot be altered in the transaction that just wrote rows
# referencing it (pending deferred-constraint triggers).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('sharing', '0004_rows_table_graded_fields_use_time_masking'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='resource',
            name='rows',
        ),
        migrations.RemoveField(
            model_name='sharegrant',
            name='masking',
        ),
    ]
