"""Staff workbench (htmx): my queue, case detail with timeline and actions, patrol and assisted entry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from grassroots.accounts.models import Department
from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm, require_perm
from grassroots.areas.services import get_region_for
from grassroots.cases import duplicates, handling, intake, queries, residents
from grassroots.cases.access import can, can_handle, cases_for, get_case_for, view_case
from grassroots.cases.forms import ReportForm, category_choices, photos_from, report_from
from grassroots.cases.handling import UNFIXED_REASONS
from grassroots.cases.models import Channel, Status
from grassroots.cases.presenters import case_detail, case_row
from grassroots.core import uploads
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.core.pages import safe_next
from grassroots.core.time import parse_day


def _int(value):
    try:
        return int(value) if value else None
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"不是有效的数字：{value}") from None


STAFF_ENTRY = (Channel.PATROL, Channel.ASSISTED)

DATE_KEYS = {
    "received_from": _("受理自"),
    "received_to": _("受理至"),
    "closed_from": _("办结自"),
    "closed_to": _("办结至"),
    "outcome": _("办结方式"),
    "on_time": _("按期"),
    "rated": _("已评价"),
}


@login_required
def workbench(request):
    if not (has_perm(request.user, Perm.VIEW_CASES) or has_perm(request.user, Perm.HANDLE_CASES)):
        raise PermissionDenied()  # an empty queue would hide that the role never works cases
    region_id = _int(request.GET.get("region"))
    mine = request.GET.get("mine", "1" if has_perm(request.user, Perm.HANDLE_CASES) else "") == "1"
    qs = queries.filter_cases(
        cases_for(request.user),
        actor=request.user,
        status=request.GET.get("status", "open"),
        category=request.GET.get("category", ""),
        region=get_region_for(request.user, region_id) if region_id else None,
        overdue=request.GET.get("overdue") == "1",
        mine=mine,
        received=(parse_day(request.GET.get("received_from")), parse_day(request.GET.get("received_to"))),
        closed=(parse_day(request.GET.get("closed_from")), parse_day(request.GET.get("closed_to"))),
        outcome=request.GET.get("outcome", ""),
        on_time={"1": True, "0": False}.get(request.GET.get("on_time", "")),
        rated=request.GET.get("rated") == "1",
    )
    page = Paginator(qs.prefetch_related("evidence"), 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [case_row(request.user, c) for c in page],
        "mine": mine,
        "can_report": has_perm(request.user, Perm.REPORT_CASES),  # patrol, assisted entry, hotline import
        "statuses": Status.choices,
        "categories": category_choices(),
        "query": request.GET.urlencode(),
        "date_keys": [(k, request.GET.get(k, "")) for k in DATE_KEYS],
        "date_note": "；".join(f"{label} {request.GET[k]}" for k, label in DATE_KEYS.items() if request.GET.get(k)),
    }
    template = "cases/_rows.html" if request.htmx and request.htmx.target == "results" else "cases/workbench.html"
    return render(request, template, context)


@login_required
def detail(request, case_id: int):
    case = view_case(request.user, case_id)
    context = {
        "case": case,
        "row": case_detail(request.user, case),
        "can_handle": can_handle(request.user, case),
        "can_route": can(request.user, Perm.ARBITRATE_CASES, case),
        "can_supervise": can(request.user, Perm.SUPERVISE_CASES, case),
        "reasons": UNFIXED_REASONS,
        "departments": Department.objects.filter(region__path__in=_paths_above(case)),
        "categories": category_choices(),
        "candidates": duplicates.find_duplicates(
            case.category,
            case.lng,
            case.lat,
            f"{case.title}。{case.description}",
            exclude=case.pk,
            among=cases_for(request.user),  # merge candidates from the viewer's own scope only
        )
        if case.is_open
        else [],
    }
    return render(request, "cases/detail.html", context)


def _paths_above(case) -> list[str]:
    parts = case.region_path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


ACTIONS = {
    "accept": lambda r, c: handling.accept_case(r.user, c),
    "return": lambda r, c: handling.return_case(
        r.user, c, reason=r.POST.get("reason", ""), likely_owner=r.POST.get("likely_owner", "")
    ),
    "progress": lambda r, c: handling.add_progress(
        r.user, c, note=r.POST.get("note", ""), percent=_int(r.POST.get("percent")), photos=photos_from(r)
    ),
    "resolve": lambda r, c: handling.resolve_case(r.user, c, note=r.POST.get("note", ""), photos=photos_from(r)),
    "close_unfixed": lambda r, c: handling.close_unfixed(
        r.user,
        c,
        reason=r.POST.get("reason", ""),
        note=r.POST.get("note", ""),
        planned_date=dt.date.fromisoformat(r.POST["planned_date"]) if r.POST.get("planned_date") else None,
    ),
    "refer": lambda r, c: handling.refer_case(r.user, c, body=r.POST.get("body", ""), note=r.POST.get("note", "")),
    "reroute": lambda r, c: handling.reroute_case(r.user, c, **_owner(r, c), note=r.POST.get("note", "")),
    "arbitrate": lambda r, c: handling.arbitrate_case(r.user, c, **_owner(r, c), decision=r.POST.get("note", "")),
    "supervise": lambda r, c: handling.supervise_case(
        r.user, c, deadline=_deadline(r.POST.get("deadline", "")), note=r.POST.get("note", "")
    ),
    "reclassify": lambda r, c: handling.reclassify_case(r.user, c, category_code=r.POST.get("category", "")),
    "merge": lambda r, c: duplicates.merge_case(
        r.user, c, get_case_for(r.user, _int(r.POST.get("primary"))), note=r.POST.get("note", "")
    ),
    "rate": lambda r, c: residents.rate_case(
        r.user,
        c,
        satisfied=r.POST.get("satisfied") == "1",
        score=_int(r.POST.get("score")) or 0,
        comment=r.POST.get("comment", ""),
    ),
}


def _owner(request, case) -> dict:
    department_id, region_id = _int(request.POST.get("department")), _int(request.POST.get("region"))
    department = Department.objects.filter(pk=department_id).select_related("region").first() if department_id else None
    region = get_region_for(request.user, region_id) if region_id else (None if department else case.owner_region)
    return {"department": department, "region": region}


def _deadline(text: str) -> dt.datetime:
    try:
        return timezone.make_aware(dt.datetime.fromisoformat(text))
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "请填写督办期限 / give a deadline") from None


@login_required
@require_POST
def act(request, case_id: int, verb: str):
    case = get_case_for(request.user, case_id)
    if verb not in ACTIONS:
        raise DomainError(ErrorCode.NOT_FOUND, f"未知操作：{verb}")
    try:
        ACTIONS[verb](request, case)
    except DomainError as error:
        if error.status in (403, 404):  # a refusal of access is a 403 page, not a flash next to the case
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, "操作成功")
    return redirect(safe_next(request, f"/cases/{case.pk}/"))


@login_required
def new_case(request):
    """Grid patrol (巡查上报) and assisted entry (代办) by staff."""
    require_perm(request.user, Perm.REPORT_CASES)
    form = ReportForm(request.POST or None, request.FILES or None, staff=True)
    # The page offers two staff modes only; the service checks that the user holds a staff role for either.
    channel = request.POST.get("channel", request.GET.get("channel", "patrol"))
    if channel not in STAFF_ENTRY:
        raise DomainError(ErrorCode.INVALID_INPUT, _("未知的录入方式"))
    if request.method == "POST" and form.is_valid():
        try:
            case = intake.open_case(request.user, report_from(form, photos_from(request)), channel=Channel(channel))
        except (DomainError, ValueError) as error:
            form.add_error(None, getattr(error, "message", str(error)))
        else:
            messages.success(request, f"已受理，编号 {case.number}")
            return redirect("cases:detail", case.pk)
    return render(request, "cases/new.html", {"form": form, "channel": channel})


@login_required
def hotline_import(request):
    """12345 hotline work orders from CSV or Excel; a bad file is refused with its rows' errors."""
    from grassroots.cases.hotline import import_upload, require_importer

    require_perm(request.user, Perm.REPORT_CASES)
    report = None
    if request.method == "POST":
        require_importer(request.user)  # before the body is parsed or the file read
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError(ErrorCode.INVALID_INPUT, _("请选择文件"))
        report = import_upload(request.user, upload)
        messages.success(request, f"已导入 {len(report['created'])} 件，跳过已导入 {len(report['skipped'])} 行")
    return render(request, "cases/hotline.html", {"report": report})


@login_required
def routing(request):
    """责任清单: who handles what, where, in how many working hours."""
    from grassroots.cases import rules
    from grassroots.cases.models import Category, ResponsibilityRule

    require_routing = has_perm(request.user, Perm.MANAGE_ROUTING)
    if request.method == "POST":
        if not require_routing:
            raise DomainError(ErrorCode.PERMISSION_DENIED)
        try:
            if request.FILES.get("file"):
                upload = request.FILES["file"]
                content = uploads.read_bounded(upload, settings.IMPORT_MAX_FILE_BYTES)
                count = rules.import_rules(request.user, upload.name, content)
                messages.success(request, f"已导入 {count} 条责任清单")
            elif request.POST.get("delete"):
                rules.delete_rule(request.user, _int(request.POST["delete"]))
            else:
                category = Category.objects.filter(code=request.POST.get("category", "")).first()
                if category is None:
                    raise DomainError(ErrorCode.INVALID_INPUT, "请选择类别")
                within_id = _int(request.POST.get("within"))
                department_id = _int(request.POST.get("department"))
                rules.save_rule(
                    request.user,
                    category=category,
                    level=_int(request.POST.get("level")) or 0,
                    department=Department.objects.filter(pk=department_id).first() if department_id else None,
                    within=get_region_for(request.user, within_id) if within_id else None,
                    sla_hours=_int(request.POST.get("sla_hours")) or 0,
                    warn_hours=_int(request.POST.get("warn_hours")) or 0,
                )
                messages.success(request, "已保存")
        except DomainError as error:
            if error.code == ErrorCode.IMPORT_FAILED or "file" in request.FILES:  # a bad file: its 4xx page
                raise
            messages.error(request, error.message)
        return redirect("cases:routing")
    context = {
        "rules": ResponsibilityRule.objects.select_related("category", "department", "within").order_by(
            "category__code"
        ),
        "categories": Category.objects.filter(is_active=True).order_by("code"),
        "departments": Department.objects.order_by("name"),
        "can_edit": require_routing,
        "levels": [(2, "街道"), (3, "社区"), (4, "网格"), (1, "区县")],
    }
    return render(request, "cases/routing.html", context)
