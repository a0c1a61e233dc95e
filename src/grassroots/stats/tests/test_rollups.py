"""The incremental refresh must always agree with a full rebuild, at every level of the tree."""

import datetime as dt

from django.utils import timezone

from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel, Rating
from grassroots.cases.tests.conftest import report
from grassroots.stats import rollups
from grassroots.stats.models import CategoryWeek, DailyStat


def snapshot():
    daily = {
        (r.region_id, r.day): tuple(getattr(r, f) for f in rollups.DAILY_FIELDS)
        for r in DailyStat.objects.all()
        if any(getattr(r, f) for f in rollups.DAILY_FIELDS)
    }
    weekly = {(r.region_id, r.category_id, r.week): r.received for r in CategoryWeek.objects.filter(received__gt=0)}
    return daily, weekly


def close(case, *, days_late=0, outcome="resolved", at=None):
    at = at or timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status="closed", outcome=outcome, closed_at=at, due_at=at - dt.timedelta(days=days_late), updated_at=at
    )


def test_a_rebuild_counts_every_level(case_cast):
    c = case_cast
    cases = [open_case(c.resident, report(), channel=Channel.PORTAL) for _ in range(3)]
    open_case(c.resident, report(lng=116.45, lat=39.85), channel=Channel.PORTAL)  # in G4, street S2
    close(cases[0])
    close(cases[1], days_late=1, outcome="unfixed")
    Rating.objects.create(case=cases[0], user=c.resident, satisfied=True, score=5)
    rollups.rebuild()
    today = timezone.localdate()
    g1 = DailyStat.objects.get(region=c.G1, day=today)
    assert (g1.received, g1.received_closed, g1.closed, g1.closed_on_time, g1.confirmed) == (3, 2, 2, 1, 1)
    assert (g1.rated, g1.satisfied) == (1, 1)
    district = DailyStat.objects.get(region=c.D, day=today)
    assert district.received == 4 and district.parent_id is None
    assert DailyStat.objects.get(region=c.S2, day=today).received == 1
    assert DailyStat.objects.get(region=c.C1, day=today).parent_id == c.S1.pk
    week = rollups.week_of(today)
    assert CategoryWeek.objects.get(region=c.S1, week=week, category=cases[0].category).received == 3


def test_the_incremental_refresh_matches_a_rebuild(case_cast):
    c = case_cast
    first = [open_case(c.resident, report(), channel=Channel.PORTAL) for _ in range(2)]
    rollups.rebuild()
    more = [open_case(c.resident, report(lng=116.45, lat=39.85), channel=Channel.PORTAL) for _ in range(2)]
    close(first[0])
    close(more[0], days_late=2, at=timezone.now() + dt.timedelta(seconds=1))
    Rating.objects.create(case=first[0], user=c.resident, satisfied=False, score=2)
    Case.objects.filter(pk=first[1].pk).update(category=more[1].category, updated_at=timezone.now())  # reclassified
    result = rollups.refresh()
    assert result["rows"] > 0
    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental
    rollups.refresh()  # nothing new: re-reading the overlap changes nothing
    assert snapshot() == incremental
