"""Residents' mobile pages: report a problem (with 我也遇到), follow my reports, rate the fix.

Elder mode (长者模式) shows fewer steps: just what happened, where, and an optional photo; the category is
recognised automatically and the title is derived from the text.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.cases import duplicates, intake, residents
from grassroots.cases.access import get_case_for, view_case
from grassroots.cases.forms import ReportForm, photos_from, report_from
from grassroots.cases.intake import Report
from grassroots.cases.models import Case, Category, Channel
from grassroots.cases.presenters import case_detail, case_row
from grassroots.core.errors import DomainError


@login_required
def home(request):
    mine = Case.objects.filter(Q(reporter=request.user) | Q(followers__user=request.user)).distinct()
    return render(
        request, "portal/home.html", {"count": mine.count(), "awaiting": mine.filter(status="resolved").count()}
    )


@login_required
def report(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not request.POST.get("confirmed"):
            candidates = _likely_duplicates(request, data)
        if not candidates:
            try:
                case = intake.open_case(request.user, report_from(form, photos_from(request)), channel=Channel.PORTAL)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"已受理，编号 {case.number}。办理进展会通知您。")
                return redirect("portal:case", case.pk)
    return render(request, "portal/report.html", {"form": form, "candidates": candidates})


def _likely_duplicates(request, data) -> list[dict]:
    """Offer 我也遇到 before creating a case that probably exists already (title, status, distance: no details)."""
    text = f"{data.get('title') or ''}。{data['description']}"
    code = data.get("category")
    if not code:
        from grassroots.cases.classify import predict

        code, _confidence = predict(text)
    category = Category.objects.filter(code=code).first()
    lng, lat = data.get("lng"), data.get("lat")
    if (lng is None or lat is None) and data.get("door_number"):
        try:
            _grid, house = intake.locate(Report(title="-", description="-", door_number=data["door_number"]))
            lng, lat = (house.lng, house.lat) if house else (None, None)
        except DomainError:
            return []
    if category is None or lng is None or lat is None:
        return []
    return duplicates.offers(request.user, category, lng, lat, text)


@login_required
@require_POST
def me_too(request):
    """A POST with its CSRF token and the signed offer, never a GET link: a page cannot make someone follow."""
    try:
        follower = residents.follow_offered(request.user, request.POST.get("offer", ""))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("portal:report")
    messages.success(request, _("已关注该事件，办理进展会通知您，无需重复反映。"))
    return redirect("portal:case", follower.case_id)


@login_required
def mine(request):
    rows = Case.objects.filter(Q(reporter=request.user) | Q(followers__user=request.user)).distinct()
    rows = rows.select_related("category", "region", "owner_region", "owner_department").order_by("-created_at")
    return render(request, "portal/mine.html", {"rows": [case_row(request.user, c) for c in rows[:100]]})


@login_required
def case(request, case_id: int):
    item = view_case(request.user, case_id) if request.method == "GET" else get_case_for(request.user, case_id)
    if request.method == "POST":
        try:
            residents.rate_case(
                request.user,
                item,
                satisfied=request.POST.get("satisfied") == "1",
                score=int(request.POST.get("score") or 0),
                comment=request.POST.get("comment", ""),
            )
        except (DomainError, ValueError) as error:
            messages.error(request, getattr(error, "message", "评分无效"))
        else:
            messages.success(request, "感谢您的评价")
        return redirect("portal:case", item.pk)
    can_rate = item.status == "resolved" and item.followers.filter(user=request.user).exists()
    return render(request, "portal/case.html", {"row": case_detail(request.user, item), "can_rate": can_rate})


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
