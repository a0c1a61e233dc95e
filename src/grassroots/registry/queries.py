"""Filters for registry lists and the per-region counts shown beside them."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from grassroots.areas.models import Level, Region
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.registry.models import House, LegalPerson, Person, PersonStatus, Tagging
from grassroots.registry.places import houses_for, legal_persons_for
from grassroots.registry.services import age_cutoff, persons_for

MAX_AGE = 150
PERSON_FILTERS = ("region", "tag", "residence", "sex", "min_age", "max_age")
HOUSE_FILTERS = ("region", "tag", "house_type", "is_rental")
LEGAL_FILTERS = ("region", "tag", "industry")


def _in_region(qs: QuerySet, region: Region | None) -> QuerySet:
    return qs.filter(region__path__startswith=region.path) if region else qs


def filter_persons(
    qs: QuerySet[Person],
    *,
    region: Region | None = None,
    tag: str = "",
    residence: str = "",
    sex: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
) -> QuerySet[Person]:
    for age in (min_age, max_age):
        if age is not None and not 0 <= age <= MAX_AGE:
            raise DomainError(ErrorCode.OUT_OF_RANGE, _("年龄应在 0–%(max)s 之间") % {"max": MAX_AGE})
    qs = _in_region(qs, region)
    if tag:
        qs = qs.filter(taggings__tag__code=tag)
    if residence:
        qs = qs.filter(residence=residence)
    if sex:
        qs = qs.filter(sex=sex)
    if min_age is not None:
        qs = qs.filter(birth_date__lte=age_cutoff(min_age))
    if max_age is not None:
        qs = qs.filter(birth_date__gt=age_cutoff(max_age + 1))
    return qs


def filter_houses(
    qs: QuerySet[House],
    *,
    region: Region | None = None,
    tag: str = "",
    house_type: str = "",
    is_rental: bool | None = None,
) -> QuerySet[House]:
    qs = _in_region(qs, region)
    if tag:
        qs = qs.filter(taggings__tag__code=tag)
    if house_type:
        qs = qs.filter(house_type=house_type)
    if is_rental is not None:
        qs = qs.filter(is_rental=is_rental)
    return qs


def filter_legal_persons(
    qs: QuerySet[LegalPerson], *, region: Region | None = None, tag: str = "", industry: str = ""
) -> QuerySet[LegalPerson]:
    qs = _in_region(qs, region)
    if tag:
        qs = qs.filter(taggings__tag__code=tag)
    if industry:
        qs = qs.filter(industry=industry)
    return qs


def counts_for(user, parent: Region) -> list[dict]:
    """The region page's table (registered with areas.summaries): counts over what `user` may see."""
    return counts_by_child(parent, persons_for(user), houses_for(user), legal_persons_for(user))


def counts_by_child(parent: Region, persons: QuerySet, houses: QuerySet, legal: QuerySet) -> list[dict]:
    """Counts per child region of `parent` (per grid when `parent` is a grid), from per-grid aggregates.

    The querysets are already scoped to the viewer, so a community worker's street view counts only
    their own community, never the neighbours'.
    """
    depth = parent.level  # a child's id sits at this index of a grid's path segments
    grid_paths = dict(Region.objects.filter(level=Level.GRID, path__startswith=parent.path).values_list("pk", "path"))

    def child_of(grid_id: int) -> int:
        segments = grid_paths[grid_id].strip("/").split("/")
        return int(segments[depth]) if len(segments) > depth else int(segments[-1])

    def rollup(qs: QuerySet) -> Counter:
        totals: Counter = Counter()
        rows = qs.filter(region__path__startswith=parent.path).order_by().values_list("region_id")
        for grid_id, n in rows.annotate(n=Count("id")):
            totals[child_of(grid_id)] += n
        return totals

    # Resident population: people who moved out of the area or died stay on record but are no longer counted.
    persons = persons.filter(status=PersonStatus.ACTIVE)
    people, homes = rollup(persons), rollup(houses)
    rentals, firms = rollup(houses.filter(is_rental=True)), rollup(legal)
    tagged: Counter = Counter()
    tag_rows = (
        Tagging.objects.filter(person__in=persons.filter(region__path__startswith=parent.path))
        .order_by()
        .values_list("person__region_id")
        .annotate(n=Count("id"))
    )
    for grid_id, n in tag_rows:
        tagged[child_of(grid_id)] += n
    children = list(Region.objects.filter(parent=parent).order_by("code")) or [parent]
    return [
        {
            "region": child,
            "persons": people[child.pk],
            "houses": homes[child.pk],
            "rentals": rentals[child.pk],
            "legal_persons": firms[child.pk],
            "tagged_persons": tagged[child.pk],
        }
        for child in children
    ]
