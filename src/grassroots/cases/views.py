"""Staff workbench (htmx): my queue, case detail with timeline and actions, patrol and assisted entry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from grassroots.accounts.models import Department
from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm, require_perm
from grassroots.areas.services import get_region_for
from grassroots.cases import duplicates, handling, intake, queries, residents
from grassroots.cases.access import can, can_handle, get_case_for, view_case
from grassroots.cases.forms import (
    CaseActionForm,
    ReportForm,
    RuleForm,
    StaffEntryQuery,
    WorkbenchFilter,
    category_choices,
    photos_from,
    report_from,
)
from grassroots.cases.handling import UNFIXED_REASONS
from grassroots.cases.models import Channel, Status
from grassroots.cases.presenters import case_detail, case_row
from grassroots.core import uploads
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.core.pages import REFUSED, form_data, form_status, page_action, run_form

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
    mine = "1" if has_perm(request.user, Perm.HANDLE_CASES) else "0"
    data = form_data(WorkbenchFilter, {"status": "open", "mine": mine, **request.GET.dict()})
    region = get_region_for(request.user, data["region"]) if data["region"] else None
    page = Paginator(queries.workbench_cases(request.user, data, region=region), 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [case_row(request.user, c) for c in page],
        "mine": bool(data["mine"]),
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
        "departments": Department.objects.filter(region__path__in=queries.paths_above(case)),
        "categories": category_choices(),
        "candidates": queries.merge_candidates(request.user, case),
    }
    return render(request, "cases/detail.html", context)


# Each verb: (request, case, typed input from CaseActionForm) -> the service call. Rules are the services'.
ACTIONS = {
    "accept": lambda r, c, d: handling.accept_case(r.user, c),
    "return": lambda r, c, d: handling.return_case(r.user, c, reason=d["reason"], likely_owner=d["likely_owner"]),
    "progress": lambda r, c, d: handling.add_progress(
        r.user, c, note=d["note"], percent=d["percent"], photos=photos_from(r)
    ),
    "resolve": lambda r, c, d: handling.resolve_case(r.user, c, note=d["note"], photos=photos_from(r)),
    "close_unfixed": lambda r, c, d: handling.close_unfixed(
        r.user, c, reason=d["reason"], note=d["note"], planned_date=d["planned_date"]
    ),
    "refer": lambda r, c, d: handling.refer_case(r.user, c, body=d["body"], note=d["note"]),
    "reroute": lambda r, c, d: handling.reroute_case(r.user, c, **_owner(r, c, d), note=d["note"]),
    "arbitrate": lambda r, c, d: handling.arbitrate_case(r.user, c, **_owner(r, c, d), decision=d["note"]),
    "supervise": lambda r, c, d: handling.supervise_case(r.user, c, deadline=_deadline(d), note=d["note"]),
    "reclassify": lambda r, c, d: handling.reclassify_case(r.user, c, category_code=d["category"]),
    "merge": lambda r, c, d: duplicates.merge_case(r.user, c, get_case_for(r.user, d["primary"]), note=d["note"]),
    "rate": lambda r, c, d: residents.rate_case(
        r.user, c, satisfied=bool(d["satisfied"]), score=d["score"] or 0, comment=d["comment"]
    ),
}


def _owner(request, case, data: dict) -> dict:
    department_id, region_id = data["department"], data["region"]
    department = Department.objects.filter(pk=department_id).select_related("region").first() if department_id else None
    region = get_region_for(request.user, region_id) if region_id else (None if department else case.owner_region)
    return {"department": department, "region": region}


def _deadline(data: dict) -> dt.datetime:
    if data["deadline"] is None:
        raise DomainError(ErrorCode.INVALID_INPUT, _("请填写督办期限"))
    return data["deadline"]


@login_required
@require_POST
@page_action(refused=REFUSED, success=_("操作成功"), fallback=lambda request, case_id, verb: f"/cases/{case_id}/")
def act(request, case_id: int, verb: str):
    case = get_case_for(request.user, case_id)
    if verb not in ACTIONS:
        raise DomainError(ErrorCode.NOT_FOUND, f"未知操作：{verb}")
    ACTIONS[verb](request, case, form_data(CaseActionForm, request.POST))


@login_required
def new_case(request):
    """Grid patrol (巡查上报) and assisted entry (代办) by staff."""
    require_perm(request.user, Perm.REPORT_CASES)
    form = ReportForm(request.POST or None, request.FILES or None, staff=True)
    # The page offers two staff modes only; the service checks that the user holds a staff role for either.
    channel = form_data(StaffEntryQuery, {"channel": "patrol", **request.GET.dict(), **request.POST.dict()})["channel"]
    case = run_form(form, lambda data: _open(request, form, channel)) if request.method == "POST" else None
    if case is not None:
        messages.success(request, f"已受理，编号 {case.number}")
        return redirect("cases:detail", case.pk)
    status = 400 if form_status(form) == 400 else 200  # a refused entry is the form again with its reason
    return render(request, "cases/new.html", {"form": form, "channel": channel}, status=status)


def _open(request, form: ReportForm, channel: str):
    return intake.open_case(request.user, report_from(form, photos_from(request)), channel=Channel(channel))


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
    from grassroots.cases.models import Category

    can_edit = has_perm(request.user, Perm.MANAGE_ROUTING)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied()
        return _import_rules(request) if "file" in request.FILES else _save_rule(request)
    context = {
        "rules": queries.routing_rules(),
        "categories": Category.objects.filter(is_active=True).order_by("code"),
        "departments": Department.objects.order_by("name"),
        "can_edit": can_edit,
        "levels": [(2, "街道"), (3, "社区"), (4, "网格"), (1, "区县")],
    }
    return render(request, "cases/routing.html", context)


def _import_rules(request):
    """A bad file is refused with its own 4xx page (the middleware's), not a flash."""
    from grassroots.cases import rules

    upload = request.FILES["file"]
    content = uploads.read_bounded(upload, settings.IMPORT_MAX_FILE_BYTES)
    count = rules.import_rules(request.user, upload.name, content)
    messages.success(request, f"已导入 {count} 条责任清单")
    return redirect("cases:routing")


@page_action(fallback="/cases/routing/")
def _save_rule(request):
    from grassroots.cases import rules
    from grassroots.cases.models import Category

    data = form_data(RuleForm, request.POST)
    if data["delete"]:
        return rules.delete_rule(request.user, data["delete"])
    category = Category.objects.filter(code=data["category"]).first()
    if category is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择类别")
    department = Department.objects.filter(pk=data["department"]).first() if data["department"] else None
    within = get_region_for(request.user, data["within"]) if data["within"] else None
    levels = {k: data[k] or 0 for k in ("level", "sla_hours", "warn_hours")}
    rules.save_rule(request.user, category=category, department=department, within=within, **levels)
    messages.success(request, "已保存")
