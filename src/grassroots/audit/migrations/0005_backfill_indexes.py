"""Fill the new indexes for entries written before them: subjects, region paths, checkpoint numbers.

None of these is part of a leaf, so no hash changes. Region paths come from the target's region as it is
now (or, failing that, from the actor's grants); entries with neither stay district-wide.
"""

from django.db import migrations

CHUNK = 5000


def number_checkpoints(apps):
    Checkpoint = apps.get_model("audit", "Checkpoint")
    Head = apps.get_model("audit", "LogHead")
    count = 0
    for count, cp in enumerate(Checkpoint.objects.order_by("size"), start=1):
        Checkpoint.objects.filter(pk=cp.pk).update(seq=count)
    if count:
        Head.objects.update_or_create(pk=1, defaults={"checkpoints": count})


def fill_subjects(apps):
    from grassroots.audit.subjects import subjects_of

    Entry = apps.get_model("audit", "AuditEntry")
    Subject = apps.get_model("audit", "AuditSubject")
    if Subject.objects.exists():
        return
    batch = []
    rows = Entry.objects.exclude(leaf_index=None).values_list(
        "leaf_index", "event", "target_type", "target_id", "extra"
    )
    for leaf_index, event, target_type, target_id, extra in rows.iterator(chunk_size=CHUNK):
        batch += [
            Subject(entry_id=leaf_index, kind=k, object_id=o)
            for k, o in subjects_of(event, target_type, target_id, extra)
        ]
        if len(batch) >= CHUNK:
            Subject.objects.bulk_create(batch)
            batch = []
    Subject.objects.bulk_create(batch)


def _paths_of(apps, label: str) -> dict[str, str]:
    try:
        model = apps.get_model(*label.split(".", 1))
    except (LookupError, ValueError):
        return {}
    names = {f.name for f in model._meta.get_fields()}
    if label == "areas.region":
        pairs = model.objects.values_list("pk", "path")
    elif "region_path" in names:
        pairs = model.objects.values_list("pk", "region_path")
    elif "region" in names and getattr(model._meta.get_field("region"), "related_model", None) is not None:
        pairs = model.objects.values_list("pk", "region__path")
    else:
        return {}
    return {str(pk): path for pk, path in pairs.iterator(chunk_size=CHUNK) if path}


def fill_regions(apps):
    from grassroots.audit.subjects import common_ancestor

    Entry = apps.get_model("audit", "AuditEntry")
    for label in Entry.objects.exclude(target_type="").values_list("target_type", flat=True).distinct():
        by_path: dict[str, list[str]] = {}
        for object_id, path in _paths_of(apps, label).items():
            by_path.setdefault(path, []).append(object_id)
        for path, ids in by_path.items():
            for i in range(0, len(ids), 500):
                Entry.objects.filter(target_type=label, target_id__in=ids[i : i + 500], region_path="").update(
                    region_path=path
                )
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    actors = Entry.objects.filter(region_path="").exclude(actor=None).values_list("actor_id", flat=True).distinct()
    for actor_id in actors:
        if User.objects.filter(pk=actor_id, is_superuser=True).exists():
            continue
        paths = list(Membership.objects.filter(user_id=actor_id).values_list("region__path", flat=True))
        if path := common_ancestor(paths):
            Entry.objects.filter(actor_id=actor_id, region_path="").update(region_path=path)


def backfill(apps, schema_editor):
    number_checkpoints(apps)
    fill_subjects(apps)
    fill_regions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_subjects_regions_checkpoint_numbers"),
        ("accounts", "0003_alter_membership_role"),
        ("areas", "0001_initial"),
        ("registry", "0003_person_account"),
        ("cases", "0005_refresh_indexes"),
    ]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
