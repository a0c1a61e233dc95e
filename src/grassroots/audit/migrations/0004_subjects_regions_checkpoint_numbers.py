"""Indexes beside the leaves (subjects, region path, actor) and numbered checkpoints. No hash changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_index_existing_entries")]

    operations = [
        migrations.CreateModel(
            name="AuditSubject",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=60)),
                ("object_id", models.CharField(max_length=64)),
                (
                    "entry",
                    models.ForeignKey(
                        db_column="leaf_index",
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="subjects",
                        to="audit.auditentry",
                        to_field="leaf_index",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="auditsubject",
            index=models.Index(fields=["kind", "object_id", "entry"], name="audit_subject_idx"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="region_path",
            field=models.CharField(blank=True, default="", editable=False, max_length=255, verbose_name="区域路径"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor_label", "leaf_index"], name="audit_actor_idx"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["region_path"], name="audit_region_idx", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddField(model_name="checkpoint", name="seq", field=models.BigIntegerField(null=True)),
        migrations.AddField(model_name="loghead", name="checkpoints", field=models.BigIntegerField(default=0)),
        migrations.AlterModelOptions(name="checkpoint", options={"ordering": ["-seq"]}),
    ]
