"""What the risk pages read: the filtered warning list, a warning's evidence, the regions one may subscribe to."""

from __future__ import annotations

from django.db.models import QuerySet

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, scoped
from grassroots.areas.models import Region
from grassroots.core.errors import NotFound
from grassroots.core.time import within_days
from grassroots.risk import services
from grassroots.risk.links import is_safe_link
from grassroots.risk.models import Status, Warning


def filter_warnings(actor, data: dict) -> QuerySet[Warning]:
    """The warnings list for a valid WarningFilter, in the actor's area; a region outside it is not found."""
    qs = services.warnings_for(actor)
    if data["region"]:
        region = Region.objects.filter(pk=data["region"]).first()
        if region is None or not covers(actor, Perm.VIEW_RISK, region.path):
            raise NotFound()  # missing and outside one's area look the same
        qs = qs.filter(region_path__startswith=region.path)
    if data["status"] == "active":  # what the cockpit counts as open: not yet closed, acknowledged or not
        qs = qs.exclude(status=Status.CLOSED)
    elif data["status"]:
        qs = qs.filter(status=data["status"])
    if data["domain"]:
        qs = qs.filter(domain=data["domain"])
    qs = within_days(qs, "first_at", data["first_from"], data["first_to"])
    if data["level"]:
        qs = qs.filter(level__gte=data["level"])
    return qs


def signals_of(item: Warning) -> list:
    """The latest signals; legacy evidence that is not http(s) or a site path is shown as text, never as a link."""
    signals = list(item.signals.all()[:20])
    for s in signals:
        s.links = [(str(link), is_safe_link(link)) for link in s.evidence or ()]
    return signals


def subscribable_regions(actor) -> list[Region]:
    return list(scoped(Region.objects.filter(level__lte=3), actor, Perm.VIEW_RISK, "path").order_by("path"))
