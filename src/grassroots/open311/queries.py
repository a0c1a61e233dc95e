"""What the GeoReport v2 facade may publish: public-space categories and the cases in them that may be shown."""

from __future__ import annotations

from django.db.models import QuerySet

from grassroots.cases.models import OPEN_STATUSES, Case, Category

MAX_RESULTS = 1000


def public_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True, public_space=True, parent__public_space=True).select_related(
        "parent"
    )


def published(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.filter(public=True, category__in=public_categories()).select_related(
        "category", "region__parent", "owner_region", "owner_department"
    )


def requests_matching(query: dict) -> QuerySet[Case]:
    """The published cases a valid RequestsQuery asks for: the listed ids, else the filtered date range."""
    qs = published(Case.objects.all())
    if query["ids"]:
        return qs.filter(number__in=query["ids"][:MAX_RESULTS])
    qs = qs.filter(created_at__gte=query["start"], created_at__lte=query["end"])
    if query["codes"]:
        qs = qs.filter(category__code__in=query["codes"])
    if query["statuses"] == {"open"}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif query["statuses"] == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    return qs.order_by("-created_at")[:MAX_RESULTS]
