"""Staff pages for the sharing catalogue, requests and grants (server-rendered, thin over the services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import grants_with, require_perm
from grassroots.areas.models import Region
from grassroots.core import uploads
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.core.time import parse_day
from grassroots.sharing import catalogue, feedback, grading, grants, reading, workflow
from grassroots.sharing.models import DataErrorReport, Frequency, RequestStatus, SharingClass
from grassroots.sharing.models.exchange import DUE_STATUSES
from grassroots.sharing.sources import SOURCES

# Not a business-rule refusal to flash: the record is not the caller's to see, or not the caller's to act on.
REFUSED = (ErrorCode.NOT_FOUND, ErrorCode.PERMISSION_DENIED)


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_INPUT, f"不是有效的数字 / not a number: {value}") from None


@login_required
def catalogue_page(request):
    qs = catalogue.visible_datasets(request.user)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        qs = qs.filter(title__icontains=query)
    if request.GET.get("class") in SharingClass.values:
        qs = qs.filter(sharing_class=request.GET["class"])
    context = {
        "datasets": qs[:200],
        "classes": SharingClass.choices,
        "query": query,
        "can_provide": bool(catalogue.departments_for(request.user, Perm.MANAGE_DATASETS)),
    }
    return render(request, "sharing/catalogue.html", context)


def _spec(post) -> catalogue.DatasetSpec:
    return catalogue.DatasetSpec(
        code=post.get("code", "").strip(),
        title=post.get("title", ""),
        description=post.get("description", ""),
        frequency=post.get("frequency", ""),
        sharing_class=post.get("sharing_class", ""),
        conditions=post.get("conditions", ""),
        legal_basis=post.get("legal_basis", ""),
    )


@login_required
def new_dataset(request):
    require_perm(request.user, Perm.MANAGE_DATASETS)  # the form too: a role that can never catalogue gets 403
    departments = catalogue.departments_for(request.user, Perm.MANAGE_DATASETS)
    status = 200
    if request.method == "POST":
        if not departments:  # 403 before the body is parsed
            raise PermissionDenied()
        department_id = _int(request.POST.get("department")) or 0
        if not department_id:  # no choice made is bad input, not a refusal (one not the user's is refused below)
            raise DomainError(ErrorCode.INVALID_INPUT, "请选择提供部门 / choose the providing department")
        upload = request.FILES.get("file")
        if upload is not None:  # the department is checked before a byte of the file is read, then read bounded
            catalogue.require_department(request.user, Perm.MANAGE_DATASETS, department_id)
            content = uploads.read_bounded(upload, catalogue.MAX_FILE_BYTES)
        try:
            if upload is not None:
                dataset = catalogue.create_dataset_from_file(
                    request.user,
                    department_id=department_id,
                    spec=_spec(request.POST),
                    filename=upload.name,
                    content=content,
                    region_column=request.POST.get("region_column", "").strip(),
                    date_column=request.POST.get("date_column", "").strip(),
                )
            else:
                dataset = catalogue.create_dataset_from_source(
                    request.user,
                    department_id=department_id,
                    spec=_spec(request.POST),
                    source=request.POST.get("source", ""),
                )
        except DomainError as error:
            messages.error(request, error.message)
            status = error.status  # the form again, with the reason, under a 4xx
        else:
            messages.success(request, _("数据资源已编目"))
            return redirect("sharing:dataset", dataset.pk)
    context = {
        "departments": departments,
        "sources": SOURCES.values(),
        "frequencies": Frequency.choices,
        "classes": SharingClass.choices,
        "form": request.POST,
    }
    return render(request, "sharing/dataset_new.html", context, status=status)


@login_required
def dataset_page(request, dataset_id: int):
    dataset = catalogue.get_dataset_for(request.user, dataset_id)
    provider = any(g.department_id == dataset.department_id for g in grants_with(request.user, Perm.MANAGE_DATASETS))
    if request.method == "POST":
        if not provider:  # only the providing department grades its fields
            raise PermissionDenied()
        grades = {
            f.name: (request.POST.get(f"s_{f.name}", f.sensitivity), request.POST.get(f"p_{f.name}", f.pii_kind))
            for f in dataset.fields.all()
        }
        try:
            result = grading.grade_fields(request.user, dataset, grades)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("字段分级已保存") if result.changed else _("字段分级没有变化"))
            if result.suspended:
                messages.warning(request, _("%(n)s 项共享授权已暂停，待重新合规审查") % {"n": len(result.suspended)})
        return redirect("sharing:dataset", dataset.pk)
    context = {
        "dataset": dataset,
        "provider": provider,
        "consumers": [
            d for d in catalogue.departments_for(request.user, Perm.REQUEST_DATA) if d.pk != dataset.department_id
        ],
        "regions": Region.objects.filter(path__startswith=dataset.department.region.path, level__lte=3).order_by(
            "path"
        ),
        "choices": grading.field_choices(dataset),
        "pii_kinds": list(catalogue.PII_LABELS.items()),
        "ungraded": catalogue.ungraded_fields(dataset),
    }
    return render(request, "sharing/dataset.html", context)


@login_required
@require_POST
def submit_request(request, dataset_id: int):
    require_perm(request.user, Perm.REQUEST_DATA)  # 403 page; a permitted user's refusals are flashed below
    spec = workflow.RequestSpec(
        dataset_id=dataset_id,
        consumer_id=_int(request.POST.get("consumer")) or 0,
        purpose=request.POST.get("purpose", ""),
        legal_basis=request.POST.get("legal_basis", ""),
        fields=request.POST.getlist("fields"),
        region_id=_int(request.POST.get("region")) or 0,
        duration_days=_int(request.POST.get("duration_days")) or 0,
        period_start=parse_day(request.POST.get("period_start")),
        period_end=parse_day(request.POST.get("period_end")),
    )
    try:
        item = workflow.submit_request(request.user, spec)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("sharing:dataset", dataset_id)
    messages.success(request, _("申请已提交，等待合规审查"))
    return redirect("sharing:request", item.pk)


@login_required
def request_list(request):
    qs = workflow.requests_for(request.user)
    status = request.GET.get("status", "")
    if status == "open":
        qs = qs.filter(status__in=DUE_STATUSES)  # waiting for someone, suspended grants' reviews included
    elif status in RequestStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(step_due_at__lt=timezone.now())
    context = {"rows": qs[:200], "statuses": RequestStatus.choices, "status": status, "now": timezone.now()}
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
def decide(request, request_id: int, step: str):
    item = workflow.get_request_for(request.user, request_id)
    approve = request.POST.get("approve") == "1"
    reasons = request.POST.get("reasons", "")
    try:
        if step == "compliance":
            workflow.decide_compliance(request.user, item, approve=approve, reasons=reasons)
        elif step == "provider":
            rate = _int(request.POST.get("rate_per_minute"))
            workflow.decide_provider(request.user, item, approve=approve, reasons=reasons, rate_per_minute=rate)
        elif step == "withdraw":
            workflow.withdraw_request(request.user, item)
        else:
            raise NotFound()
    except DomainError as error:
        if error.code in REFUSED:
            raise
        messages.error(request, error.message)
    return redirect("sharing:request", item.pk)


@login_required
def grant_page(request, grant_id: int):
    grant = grants.get_grant_for(request.user, grant_id)
    user = request.user
    key = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "key":
                key = grants.issue_key(user, grant)
            elif action == "revoke":
                grants.revoke_grant(user, grant, reason=request.POST.get("reason", ""))
            elif action == "report":
                feedback.report_data_error(
                    user,
                    grant,
                    record_ref=request.POST.get("record_ref", ""),
                    description=request.POST.get("description", ""),
                )
            elif action == "answer":
                report = DataErrorReport.objects.filter(grant=grant, pk=_int(request.POST.get("report"))).first()
                if report is None:
                    raise NotFound()
                feedback.answer_data_error(
                    user, report, answer=request.POST.get("answer", ""), corrected=request.POST.get("corrected") == "1"
                )
        except DomainError as error:
            if error.code in REFUSED:
                raise
            messages.error(request, error.message)
        if key is None:
            return redirect("sharing:grant", grant.pk)
        grant.refresh_from_db()
    consumer = any(g.department_id == grant.consumer_id for g in grants_with(user, Perm.REQUEST_DATA))
    provider = any(g.department_id == grant.dataset.department_id for g in grants_with(user, Perm.MANAGE_DATASETS))
    context = {
        "grant": grant,
        "state": grants.grant_state(grant),
        "key": key,  # shown once, in this response only
        "consumer": consumer,
        "provider": provider,
        "can_revoke": (provider or bool(grants_with(user, Perm.REVIEW_SHARING))) and not grant.revoked_at,
        "masking": {name: pattern for name, (_kind, pattern) in reading.masking_plan(grant).items()},
        "uses": grant.uses.select_related("resource")[:50],
        "reports": grant.error_reports.all(),
        "now": timezone.now(),
    }
    return render(request, "sharing/grant.html", context)
