"""Staff pages for the sharing catalogue, requests and grants (server-rendered, thin over the services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import grants_with, require_perm
from grassroots.areas.models import Region
from grassroots.core import uploads
from grassroots.core.errors import NotFound, PermissionDenied
from grassroots.core.pages import REFUSED, InvalidForm, form_data, form_status, page_action, run_form
from grassroots.sharing import catalogue, feedback, grading, grants, queries, reading, workflow
from grassroots.sharing.forms import (
    CatalogueQuery,
    DatasetForm,
    DecisionForm,
    GradesForm,
    GrantActionForm,
    RequestForm,
    RequestListQuery,
)
from grassroots.sharing.models import DataErrorReport, Frequency, RequestStatus, SharingClass
from grassroots.sharing.sources import SOURCES


@login_required
def catalogue_page(request):
    data = form_data(CatalogueQuery, request.GET)
    query = data["q"].strip()[:50]
    context = {
        "datasets": queries.catalogue_for(request.user, query, data["class"])[:200],
        "classes": SharingClass.choices,
        "query": query,
        "can_provide": bool(catalogue.departments_for(request.user, Perm.MANAGE_DATASETS)),
    }
    return render(request, "sharing/catalogue.html", context)


@login_required
def new_dataset(request):
    require_perm(request.user, Perm.MANAGE_DATASETS)  # the form too: a role that can never catalogue gets 403
    departments = catalogue.departments_for(request.user, Perm.MANAGE_DATASETS)
    if request.method != "POST":
        return _dataset_form(request, departments, None)
    if not departments:  # 403 before the body is parsed
        raise PermissionDenied()
    form = DatasetForm(request.POST)
    dataset = run_form(form, lambda data: _create_dataset(request, form))
    if dataset is None:  # the form again, with the reason, under a 4xx
        return _dataset_form(request, departments, form)
    messages.success(request, _("数据资源已编目"))
    return redirect("sharing:dataset", dataset.pk)


def _dataset_form(request, departments, form):
    for error in form.non_field_errors() if form is not None else ():
        messages.error(request, error)
    context = {
        "departments": departments,
        "sources": SOURCES.values(),
        "frequencies": Frequency.choices,
        "classes": SharingClass.choices,
        "form": request.POST,
    }
    return render(request, "sharing/dataset_new.html", context, status=form_status(form))


def _create_dataset(request, form: DatasetForm):
    data = form.cleaned_data
    department_id = data["department"] or 0
    if not department_id:  # no choice made is bad input, not a refusal (one not the user's is refused below)
        raise InvalidForm(_("请选择提供部门"))
    upload = request.FILES.get("file")
    if upload is None:
        return catalogue.create_dataset_from_source(
            request.user, department_id=department_id, spec=form.spec(), source=data["source"]
        )
    # The department is checked before a byte of the file is read, then the file is read bounded.
    catalogue.require_department(request.user, Perm.MANAGE_DATASETS, department_id)
    content = uploads.read_bounded(upload, catalogue.MAX_FILE_BYTES)
    columns = {"region_column": data["region_column"], "date_column": data["date_column"]}
    return catalogue.create_dataset_from_file(
        request.user, department_id=department_id, spec=form.spec(), filename=upload.name, content=content, **columns
    )


@login_required
def dataset_page(request, dataset_id: int):
    dataset = catalogue.get_dataset_for(request.user, dataset_id)
    provider = any(g.department_id == dataset.department_id for g in grants_with(request.user, Perm.MANAGE_DATASETS))
    if request.method == "POST":
        if not provider:  # only the providing department grades its fields
            raise PermissionDenied()
        return _grade(request, dataset)
    region_path = dataset.department.region.path
    context = {
        "dataset": dataset,
        "provider": provider,
        "consumers": [
            d for d in catalogue.departments_for(request.user, Perm.REQUEST_DATA) if d.pk != dataset.department_id
        ],
        "regions": Region.objects.filter(path__startswith=region_path, level__lte=3).order_by("path"),
        "choices": grading.field_choices(dataset),
        "pii_kinds": list(catalogue.PII_LABELS.items()),
        "ungraded": catalogue.ungraded_fields(dataset),
    }
    return render(request, "sharing/dataset.html", context)


@page_action(fallback=lambda request, dataset: reverse("sharing:dataset", args=[dataset.pk]))
def _grade(request, dataset) -> None:
    form = GradesForm(request.POST, dataset=dataset)
    if not form.is_valid():
        raise InvalidForm.of(form)
    result = grading.grade_fields(request.user, dataset, form.grades())
    messages.success(request, _("字段分级已保存") if result.changed else _("字段分级没有变化"))
    if result.suspended:
        messages.warning(request, _("%(n)s 项共享授权已暂停，待重新合规审查") % {"n": len(result.suspended)})


@login_required
@require_POST
def submit_request(request, dataset_id: int):
    require_perm(request.user, Perm.REQUEST_DATA)  # 403 page; a permitted user's refusals are flashed
    return _submit(request, dataset_id)


@page_action(fallback=lambda request, dataset_id: reverse("sharing:dataset", args=[dataset_id]))
def _submit(request, dataset_id: int):
    form = RequestForm(request.POST)
    if not form.is_valid():
        raise InvalidForm.of(form)
    item = workflow.submit_request(request.user, form.spec(dataset_id))
    messages.success(request, _("申请已提交，等待合规审查"))
    return redirect("sharing:request", item.pk)


@login_required
def request_list(request):
    data = form_data(RequestListQuery, request.GET)
    qs = queries.requests_for(request.user, data["status"], bool(data["overdue"]))
    context = {"rows": qs[:200], "statuses": RequestStatus.choices, "status": data["status"], "now": timezone.now()}
    return render(request, "sharing/requests.html", context)


@login_required
def request_page(request, request_id: int):
    item = workflow.get_request_for(request.user, request_id)
    user = request.user
    context = {
        "item": item,
        "steps": item.steps.select_related("actor"),
        "findings": workflow.compliance_findings(item),
        "now": timezone.now(),
        "can_review": item.status in (RequestStatus.COMPLIANCE, RequestStatus.SUSPENDED)
        and bool(grants_with(user, Perm.REVIEW_SHARING)),
        "can_decide": item.status == RequestStatus.PROVIDER
        and any(g.department_id == item.dataset.department_id for g in grants_with(user, Perm.MANAGE_DATASETS)),
        "can_withdraw": item.status in (RequestStatus.COMPLIANCE, RequestStatus.PROVIDER)
        and any(g.department_id == item.consumer_id for g in grants_with(user, Perm.REQUEST_DATA)),
        "grant": getattr(item, "grant", None),
    }
    return render(request, "sharing/request.html", context)


@login_required
@require_POST
@page_action(refused=REFUSED, fallback=lambda request, request_id, step: reverse("sharing:request", args=[request_id]))
def decide(request, request_id: int, step: str):
    item = workflow.get_request_for(request.user, request_id)
    data = form_data(DecisionForm, request.POST)
    approve, reasons = bool(data["approve"]), data["reasons"]
    if step == "compliance":
        workflow.decide_compliance(request.user, item, approve=approve, reasons=reasons)
    elif step == "provider":
        rate = data["rate_per_minute"]
        workflow.decide_provider(request.user, item, approve=approve, reasons=reasons, rate_per_minute=rate)
    elif step == "withdraw":
        workflow.withdraw_request(request.user, item)
    else:
        raise NotFound()


@login_required
def grant_page(request, grant_id: int):
    grant = grants.get_grant_for(request.user, grant_id)
    if request.method == "POST":
        return _act_on_grant(request, grant)
    return _grant_view(request, grant, key=None)


def _grant_view(request, grant, key):
    user = request.user
    provider = any(g.department_id == grant.dataset.department_id for g in grants_with(user, Perm.MANAGE_DATASETS))
    context = {
        "grant": grant,
        "state": grants.grant_state(grant),
        "key": key,  # shown once, in this response only
        "consumer": any(g.department_id == grant.consumer_id for g in grants_with(user, Perm.REQUEST_DATA)),
        "provider": provider,
        "can_revoke": (provider or bool(grants_with(user, Perm.REVIEW_SHARING))) and not grant.revoked_at,
        "masking": {name: pattern for name, (_kind, pattern) in reading.masking_plan(grant).items()},
        "uses": grant.uses.select_related("resource")[:50],
        "reports": grant.error_reports.all(),
        "now": timezone.now(),
    }
    return render(request, "sharing/grant.html", context)


@page_action(refused=REFUSED, fallback=lambda request, grant: reverse("sharing:grant", args=[grant.pk]))
def _act_on_grant(request, grant):
    data, user = form_data(GrantActionForm, request.POST), request.user
    action = data["action"]
    if action == "key":
        key = grants.issue_key(user, grant)
        grant.refresh_from_db()
        return _grant_view(request, grant, key=key)
    if action == "revoke":
        grants.revoke_grant(user, grant, reason=data["reason"])
    elif action == "report":
        feedback.report_data_error(user, grant, record_ref=data["record_ref"], description=data["description"])
    elif action == "answer":
        report = DataErrorReport.objects.filter(grant=grant, pk=data["report"]).first() if data["report"] else None
        if report is None:
            raise NotFound()
        feedback.answer_data_error(user, report, answer=data["answer"], corrected=bool(data["corrected"]))
