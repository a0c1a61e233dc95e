"""What the sharing pages list: the catalogue one may see and the requests one takes part in, filtered."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from grassroots.sharing import catalogue, workflow
from grassroots.sharing.models import RequestStatus, SharingClass
from grassroots.sharing.models.exchange import DUE_STATUSES


def catalogue_for(actor, query: str, sharing_class: str) -> QuerySet:
    qs = catalogue.visible_datasets(actor)
    if query:
        qs = qs.filter(title__icontains=query)
    if sharing_class in SharingClass.values:
        qs = qs.filter(sharing_class=sharing_class)
    return qs


def requests_for(actor, status: str, overdue: bool) -> QuerySet:
    qs = workflow.requests_for(actor)
    if status == "open":
        qs = qs.filter(status__in=DUE_STATUSES)  # waiting for someone, suspended grants' reviews included
    elif status in RequestStatus.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(step_due_at__lt=timezone.now())
    return qs
