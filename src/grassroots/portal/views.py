"""Residents' mobile pages: report a problem (with 我也遇到), follow my reports, rate the fix.

Elder mode (长者模式) shows fewer steps: just what happened, where, and an optional photo; the category is
recognised automatically and the title is derived from the text.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.cases import intake, residents
from grassroots.cases.access import get_case_for, view_case
from grassroots.cases.forms import ReportForm, photos_from, report_from
from grassroots.cases.models import Case, Channel
from grassroots.cases.presenters import case_detail, case_row
from grassroots.core.pages import form_data, form_status, page_action, run_form
from grassroots.portal import environment_page, queries
from grassroots.portal.forms import OfferForm, RatingForm


@login_required
def home(request):
    mine = Case.objects.filter(Q(reporter=request.user) | Q(followers__user=request.user)).distinct()
    return render(
        request, "portal/home.html", {"count": mine.count(), "awaiting": mine.filter(status="resolved").count()}
    )


@login_required
def report(request):
    form, station = _report_form(request)
    candidates, case = [], None
    if request.method == "POST" and form.is_valid() and not request.POST.get("confirmed"):
        candidates = queries.likely_duplicates(request.user, form.cleaned_data)
    if request.method == "POST" and not candidates:
        case = run_form(form, lambda data: _open(request, form))
    if case is not None:
        messages.success(request, f"已受理，编号 {case.number}。办理进展会通知您。")
        return redirect("portal:case", case.pk)
    context = {"form": form, "candidates": candidates, "station": station, "station_fields": STATION_FIELDS}
    return render(request, "portal/report.html", context, status=_report_status(form))


STATION_FIELDS = ("lng", "lat", "door_number", "address")  # a report about a station is located at the station


def _report_form(request) -> tuple[ReportForm, object]:
    """The report form, filled in with the station when the resident came from the environment page (公众监督)."""
    station = environment_page.station_for_report(request.GET.get("station") or request.POST.get("station"))
    if station is None:
        return ReportForm(request.POST or None, request.FILES or None), None
    if request.method == "POST":
        return ReportForm(environment_page.with_station(request.POST, station), request.FILES or None), station
    return ReportForm(initial=environment_page.report_initial(station)), station


def _open(request, form: ReportForm):
    return intake.open_case(request.user, report_from(form, photos_from(request)), channel=Channel.PORTAL)


def _report_status(form: ReportForm) -> int:
    return 400 if form_status(form) == 400 else 200  # a refused report is the form again with its reason


@login_required
@require_POST
@page_action(fallback=reverse_lazy("portal:report"))
def me_too(request):
    """A POST with its CSRF token and the signed offer, never a GET link: a page cannot make someone follow."""
    follower = residents.follow_offered(request.user, form_data(OfferForm, request.POST)["offer"])
    messages.success(request, _("已关注该事件，办理进展会通知您，无需重复反映。"))
    return redirect("portal:case", follower.case_id)


@login_required
def mine(request):
    rows = Case.objects.filter(Q(reporter=request.user) | Q(followers__user=request.user)).distinct()
    rows = rows.select_related("category", "region", "owner_region", "owner_department").order_by("-created_at")
    return render(request, "portal/mine.html", {"rows": [case_row(request.user, c) for c in rows[:100]]})


@login_required
def case(request, case_id: int):
    if request.method == "POST":
        return _rate(request, get_case_for(request.user, case_id))
    item = view_case(request.user, case_id)
    can_rate = item.status == "resolved" and item.followers.filter(user=request.user).exists()
    return render(request, "portal/case.html", {"row": case_detail(request.user, item), "can_rate": can_rate})


@page_action(success="感谢您的评价", fallback=lambda request, item: reverse("portal:case", args=[item.pk]))
def _rate(request, item) -> None:
    data = form_data(RatingForm, request.POST)
    satisfied, score = bool(data["satisfied"]), data["score"] or 0
    residents.rate_case(request.user, item, satisfied=satisfied, score=score, comment=data["comment"])


def environment(request):
    """公众监督: current air quality and water class per station, open to everyone, signed in or not."""
    return render(request, "portal/environment.html", environment_page.context())


def boundaries(request):
    """Community outlines for the map picker: public geography, no people, cacheable, works offline."""
    import json

    from django.http import HttpResponse

    from grassroots.areas.models import Level, Region

    features = [
        {"type": "Feature", "properties": {"name": r.name, "region_id": r.pk}, "geometry": r.geometry}
        for r in Region.objects.filter(level=Level.COMMUNITY, geometry__isnull=False).order_by("code")
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
