"""Staff pages of the stations: the map and list, one station's page, and creating and editing a station."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm, require_perm
from grassroots.core.pages import form_data, form_status, run_form
from grassroots.environment import current, station_export, station_queries, stations
from grassroots.environment.models import StationKind
from grassroots.environment.station_forms import DatastreamForm, StationFilter, StationForm


@login_required
def station_list(request):
    require_perm(request.user, Perm.VIEW_ENVIRONMENT)  # an empty map would hide that the role never sees stations
    data = form_data(StationFilter, request.GET)
    region = station_queries.home_region(request.user, data["region"])
    standing = station_queries.rows(station_queries.filtered(request.user, region, kind=data["kind"], q=data["q"]))
    if data["format"]:
        return _export(request, standing, data, region)
    context = {
        "region": region, "rows": standing, "kinds": StationKind.choices, "filters": data,
        "regions": station_queries.filter_regions(region), "payload": station_queries.map_payload(region, standing),
        "can_manage": has_perm(request.user, Perm.MANAGE_ENVIRONMENT), "query": request.GET.urlencode(),
    }  # fmt: skip
    return render(request, "environment/stations.html", context)


def _export(request, standing, data, region) -> HttpResponse:
    filters = {"region": region.code, "kind": data["kind"], "q": data["q"]}
    body, content_type, name = station_export.export(request.user, standing, fmt=data["format"], filters=filters)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def station(request, station_id: int):
    item = stations.get_station_for(request.user, station_id)
    context = {
        "item": item, "now": current.assess([item])[item.pk], "health": station_queries.health(item),
        "alerts": station_queries.open_alerts(item), "charts": station_queries.charts(item),
        "can_manage": has_perm(request.user, Perm.MANAGE_ENVIRONMENT),
    }  # fmt: skip
    return render(request, "environment/station.html", context)


@login_required
def station_new(request):
    require_perm(request.user, Perm.MANAGE_ENVIRONMENT)
    form = StationForm(request.POST or None, initial={"active": True})
    if request.method == "POST":
        create = lambda d: stations.create_station(request.user, code=d["code"], fields=form.station_fields())  # noqa: E731
        created = run_form(form, create)
        if created is not None:
            messages.success(request, _("站点已登记"))
            return redirect("environment:station", created.pk)
    return render(request, "environment/station_form.html", {"form": form, "item": None}, status=form_status(form))


@login_required
def station_edit(request, station_id: int):
    item = stations.get_station_for(request.user, station_id, Perm.MANAGE_ENVIRONMENT)
    form = StationForm(request.POST or None, initial=_initial(item))
    if request.method == "POST":
        edit = lambda d: stations.update_station(  # noqa: E731
            request.user, item, version=d["version"] or 0, fields=form.station_fields()
        )
        saved = run_form(form, edit)
        if saved is not None:
            messages.success(request, _("站点已保存"))
            return redirect("environment:station", saved.pk)
    return render(request, "environment/station_form.html", {"form": form, "item": item}, status=form_status(form))


@login_required
def station_streams(request, station_id: int):
    item = stations.get_station_for(request.user, station_id, Perm.MANAGE_ENVIRONMENT)
    form = DatastreamForm(request.POST or None)
    if request.method == "POST":
        added = run_form(form, lambda d: stations.add_datastream(request.user, item, **d))
        if added is not None:
            messages.success(request, _("数据流已添加"))
            return redirect("environment:station", item.pk)
    context = {"form": form, "item": item, "streams": item.datastreams.select_related("property")}
    return render(request, "environment/datastream_form.html", context, status=form_status(form))


def _initial(item) -> dict:
    values = {name: getattr(item, name) for name in StationForm.base_fields if hasattr(item, name)}
    return {**values, "operator_uscc": item.operator.uscc if item.operator_id else "", "version": item.version}
