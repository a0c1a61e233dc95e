"""The indexes beside the leaves: who an entry is about, where it belongs, and the event names."""

import importlib

from django.apps import apps
from django.db.models import F

from grassroots.audit.events import LABELS, AuditEvent, label
from grassroots.audit.models import AuditEntry, AuditSubject, Checkpoint, LogHead
from grassroots.audit.subjects import PERSON, common_ancestor
from grassroots.registry import places
from grassroots.registry import services as registry


def people_in(entry: AuditEntry) -> set[str]:
    return set(AuditSubject.objects.filter(entry=entry.leaf_index, kind=PERSON).values_list("object_id", flat=True))


def test_reads_of_many_people_index_each_person_shown(cast):
    registry.find_persons(cast.staff_s1, phone="13812345678")
    search = AuditEntry.objects.filter(event=AuditEvent.PERSON_SEARCHED).get()
    assert people_in(search) == {str(cast.p1.pk)}
    places.get_house_for(cast.grid_g1, cast.h1.pk)
    house = AuditEntry.objects.filter(event=AuditEvent.HOUSE_VIEWED).get()
    assert people_in(house) == {str(cast.p1.pk)}
    house_itself = AuditSubject.objects.filter(entry=house.leaf_index, kind="registry.house")
    assert list(house_itself.values_list("object_id", flat=True)) == [str(cast.h1.pk)]
    registry.record_listing(cast.grid_g1, [cast.p1, cast.p3], filters={})
    listing = AuditEntry.objects.filter(event=AuditEvent.PERSON_LISTED).get()
    assert people_in(listing) == {str(cast.p1.pk), str(cast.p3.pk)}


def test_entries_take_the_region_of_their_target(cast):
    registry.get_person_for(cast.admin, cast.p4.pk)
    viewed = AuditEntry.objects.filter(event=AuditEvent.PERSON_VIEWED).get()
    assert viewed.region_path == cast.G4.path  # the person's grid, though the actor is district-wide


def test_common_ancestor_of_region_paths():
    assert common_ancestor(["/1/7/", "/1/8/42/"]) == "/1/"
    assert common_ancestor(["/1/7/42/"]) == "/1/7/42/"
    assert common_ancestor(["/1/", "/2/"]) == "" and common_ancestor([]) == ""


def test_every_event_has_a_name():
    assert set(LABELS) == set(AuditEvent)
    assert label(AuditEvent.PERSON_LISTED) == "浏览人员列表" and label(12345) == "12345"


def test_the_migration_backfills_entries_written_before_the_indexes(cast):
    from grassroots.audit import log

    log.reset_cache()
    registry.get_person_for(cast.grid_g1, cast.p1.pk)
    registry.record_listing(cast.grid_g1, [cast.p1], filters={})
    first = log.make_checkpoint()
    registry.get_person_for(cast.staff_s1, cast.p3.pk)
    second = log.make_checkpoint()
    subjects = set(AuditSubject.objects.values_list("entry", "kind", "object_id"))
    regions = dict(AuditEntry.objects.values_list("leaf_index", "region_path"))
    AuditSubject.objects.all().delete()
    AuditEntry.objects.update(region_path="")
    Checkpoint.objects.update(seq=-F("seq"))  # as the migration finds them: unnumbered
    LogHead.objects.update(checkpoints=0)
    backfill = importlib.import_module("grassroots.audit.migrations.0005_backfill_indexes").backfill
    backfill(apps, None)
    assert set(AuditSubject.objects.values_list("entry", "kind", "object_id")) == subjects
    assert dict(AuditEntry.objects.values_list("leaf_index", "region_path")) == regions
    assert list(Checkpoint.objects.order_by("size").values_list("seq", flat=True)) == [first.seq, second.seq]
    assert LogHead.objects.get().checkpoints == 2
    log.reset_cache()
