"""The leaders' cockpit (数字驾驶舱): a full-screen page whose panels poll their partials with htmx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, require_in_scope, widest_path
from grassroots.areas.models import Region
from grassroots.cockpit import panels
from grassroots.core.errors import NotFound
from grassroots.core.pages import int_param

TILE_LABELS = {
    "intake_today": _("今日受理"),
    "closure_rate": _("近 30 日办结率"),
    "on_time_rate": _("近 30 日按期办结率"),
    "satisfaction": _("近 30 日群众满意率"),
    "confirmed": _("近 30 日群众确认解决"),
    "warnings_handled": _("近 30 日预警处置率"),
}
PANELS = {
    "kpis": (panels.kpis, "cockpit/_kpis.html"),
    "map": (panels.map_data, "cockpit/_map.html"),
    "trend": (panels.trend, "cockpit/_trend.html"),
    "ticker": (panels.ticker, "cockpit/_ticker.html"),
    "categories": (panels.categories, "cockpit/_categories.html"),
    "domains": (panels.domains, "cockpit/_domains.html"),
}
POLL_SECONDS = {"kpis": 60, "map": 120, "trend": 300, "ticker": 30, "categories": 120, "domains": 60}


def _region(request) -> Region:
    """The region asked for, else the user's widest cockpit region; 404 outside the user's scope."""
    region_id = int_param(request.GET.get("region"), name="region")
    if region_id is not None:
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise NotFound()
    else:
        home = widest_path(request.user, Perm.VIEW_COCKPIT)
        region = Region.objects.filter(path=home).first() if home else None
        if region is None:
            region = Region.objects.filter(parent=None).order_by("code").first()
    if region is None:
        raise NotFound()
    require_in_scope(request.user, Perm.VIEW_COCKPIT, region.path)
    return region


def _trail(user, region: Region) -> list[Region]:
    ids = [int(p) for p in region.path.strip("/").split("/") if p]
    ancestors = Region.objects.in_bulk(ids)
    return [ancestors[i] for i in ids if i in ancestors and covers(user, Perm.VIEW_COCKPIT, ancestors[i].path)]


@login_required
def cockpit(request):
    region = _region(request)
    context = {"region": region, "trail": _trail(request.user, region), "panels": POLL_SECONDS}
    return render(request, "cockpit/cockpit.html", context)


@login_required
def panel(request, name: str):
    if name not in PANELS:
        raise Http404()
    build, template = PANELS[name]
    region = _region(request)
    context = {"region": region, **build(region), "labels": TILE_LABELS, "poll": POLL_SECONDS[name]}
    return render(request, template, context)
