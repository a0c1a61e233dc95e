"""Sharing API: the DCAT catalogue, the request workflow, grants and their use, error reports, open-data
releases, and the data itself.

`GET /api/v1/sharing/data` authenticates with the grant key in the `X-Share-Key` header, not a user token:
a key belongs to a department's grant and carries exactly what was granted. `GET /releases` is public.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import APIKeyHeader

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.core import idempotency
from grassroots.core.errors import NotFound
from grassroots.core.request_id import current_request_id
from grassroots.core.schemas import errors
from grassroots.sharing import feedback, grading, grants, reading, workflow
from grassroots.sharing.catalogue import get_dataset_for
from grassroots.sharing.dcat import MEDIA_TYPES, dcat_catalogue
from grassroots.sharing.models import DataErrorReport, OpenRelease, ShareGrant, ShareRequest
from grassroots.sharing.schemas import (
    DecisionIn,
    ErrorAnswerIn,
    ErrorReportIn,
    ErrorReportListOut,
    ErrorReportOut,
    GradesIn,
    GradesOut,
    GrantOut,
    KeyOut,
    ReleaseOut,
    RevokeIn,
    ShareRequestIn,
    ShareRequestOut,
)

router = Router(tags=["sharing"])


class ShareKeyAuth(APIKeyHeader):
    param_name = "X-Share-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        return grants.grant_by_key(key or "")


def request_out(request: ShareRequest) -> dict:
    grant = getattr(request, "grant", None)
    return {
        "id": str(request.pk),
        "dataset": request.dataset.title,
        "consumer": request.consumer.name,
        "status": request.status,
        "status_label": request.get_status_display(),
        "fields": request.fields,
        "region": request.region.name,
        "purpose": request.purpose,
        "step_due_at": request.step_due_at,
        "overdue": bool(request.step_due_at and request.step_due_at < timezone.now()),
        "grant_id": str(grant.pk) if grant else None,
        "steps": list(request.steps.all()),
    }


def grant_out(grant: ShareGrant) -> dict:
    kinds = {f.name: f.pii_kind for f in grant.dataset.fields.all()}
    return {
        "id": str(grant.pk),
        "request_id": str(grant.request_id),
        "dataset": grant.dataset.title,
        "dataset_code": grant.dataset.code,
        "provider": grant.dataset.department.name,
        "consumer": grant.consumer.name,
        "fields": grant.fields,
        "masked": {name: str(pattern) for name, (_, pattern) in reading.plan_for(grant.fields, kinds).items()},
        "region_path": grant.region_path,
        "period_start": grant.period_start,
        "period_end": grant.period_end,
        "state": grants.grant_state(grant),
        "starts_at": grant.starts_at,
        "expires_at": grant.expires_at,
        "rate_per_minute": grant.rate_per_minute,
        "key_prefix": grant.key_prefix,
        "use_count": grant.use_count,
        "uses": grant.recent_uses,
    }


def grades_out(dataset, result: grading.Regrade) -> dict:
    floors = grading.source_grades(dataset)
    fields = [
        {
            **{k: getattr(f, k) for k in ("name", "label", "sensitivity", "pii_kind", "graded_at")},
            "source_graded": f.name in floors,
        }
        for f in dataset.fields.order_by("position")
    ]
    suspended = [str(g.pk) for g in result.suspended]
    return {"dataset_id": dataset.pk, "changed": result.changed, "suspended_grants": suspended, "fields": fields}


def report_out(report: DataErrorReport) -> dict:
    return {
        **{f: getattr(report, f) for f in ("id", "record_ref", "description", "due_at", "answer", "corrected")},
        "answered_at": report.answered_at,
        "grant_id": str(report.grant_id),
        "dataset": report.grant.dataset.title,
        "consumer": report.grant.consumer.name,
        "created_at": report.created_at,
        "overdue": report.answered_at is None and report.due_at < timezone.now(),
        "escalated_at": report.escalated_at,
    }


def release_out(release: OpenRelease) -> dict:
    return {
        **{f: getattr(release, f) for f in ("id", "kind", "period", "threshold", "published_at", "cells")},
        "title": release.display_title,
        "rows": release.row_labels,
        "columns": release.display_columns,
        "row_totals": release.row_totals,
        "column_totals": release.column_totals,
        "grand_total": release.grand_total,
        "downloads": {fmt: reverse("open:download", args=[release.pk, fmt]) for fmt in MEDIA_TYPES},
    }


class Page(Schema):
    offset: int = Field(0, ge=0, le=100_000)
    limit: int = Field(50, ge=1, le=200)


class GrantPage(Page):
    uses: int = Field(20, ge=0, le=100)  # how many of each grant's latest calls


@router.get("/catalogue", url_name="sharing_catalogue")
def catalogue(request: HttpRequest):
    """The catalogue as DCAT JSON-LD."""
    return dcat_catalogue(request.user, request.build_absolute_uri("/").rstrip("/"))


@router.post("/datasets/{dataset_id}/grades", response={200: GradesOut, **errors(400, 403, 404)})
def grade(request: HttpRequest, dataset_id: int, payload: GradesIn):
    """The provider grades fields. Live-source fields may be raised, never lowered (400 `grade_below_source`);
    any change suspends the dataset's grants until the compliance step reviews them again."""
    require_perm(request.user, Perm.MANAGE_DATASETS)
    dataset = get_dataset_for(request.user, dataset_id)
    grades = {name: (g.sensitivity, g.pii_kind) for name, g in payload.fields.items()}
    result = grading.grade_fields(request.user, dataset, grades)
    return grades_out(dataset, result)


@router.get("/requests", response=list[ShareRequestOut])
def list_requests(request: HttpRequest, status: str = ""):
    qs = workflow.requests_for(request.user).prefetch_related("steps")
    if status:
        qs = qs.filter(status=status)
    return [request_out(r) for r in qs[:200]]


@router.post("/requests", response={201: ShareRequestOut})
def submit(request: HttpRequest, payload: ShareRequestIn):
    """Submit a request. Send an `Idempotency-Key` header to make retries safe."""

    def produce():
        item = workflow.submit_request(request.user, workflow.RequestSpec(**payload.dict()))
        return 201, ShareRequestOut(**request_out(item)).model_dump(mode="json")

    key = idempotency.key_from(request, None)
    return Status(*idempotency.run_once(request, endpoint="sharing.request", key=key, produce=produce))


@router.post("/requests/{request_id}/compliance", response={200: ShareRequestOut, **errors(400, 403, 404, 409)})
def compliance(request: HttpRequest, request_id: int, payload: DecisionIn):
    """The compliance check of a new request, or the review again of a grant suspended by a change of grades
    (approve: it resumes under the current grades; refuse: it is revoked)."""
    item = workflow.get_request_for(request.user, request_id)
    return request_out(workflow.decide_compliance(request.user, item, approve=payload.approve, reasons=payload.reasons))


@router.post("/requests/{request_id}/decision", response=ShareRequestOut)
def decision(request: HttpRequest, request_id: int, payload: DecisionIn):
    item = workflow.get_request_for(request.user, request_id)
    decided = workflow.decide_provider(
        request.user, item, approve=payload.approve, reasons=payload.reasons, rate_per_minute=payload.rate_per_minute
    )
    return request_out(decided)


@router.post("/requests/{request_id}/withdraw", response=ShareRequestOut)
def withdraw(request: HttpRequest, request_id: int):
    item = workflow.get_request_for(request.user, request_id)
    return request_out(workflow.withdraw_request(request.user, item))


@router.post("/grants/{grant_id}/key", response=KeyOut)
def issue_key(request: HttpRequest, grant_id: int):
    grant = grants.get_grant_for(request.user, grant_id)
    return {"grant_id": str(grant.pk), "key": grants.issue_key(request.user, grant)}


@router.post("/grants/{grant_id}/revoke")
def revoke(request: HttpRequest, grant_id: int, payload: RevokeIn):
    grant = grants.revoke_grant(request.user, grants.get_grant_for(request.user, grant_id), reason=payload.reason)
    return {"grant_id": str(grant.pk), "revoked_at": grant.revoked_at}


@router.post("/grants/{grant_id}/errors", response={201: ErrorReportOut})
def report_error(request: HttpRequest, grant_id: int, payload: ErrorReportIn):
    grant = grants.get_grant_for(request.user, grant_id)
    return Status(201, feedback.report_data_error(request.user, grant, **payload.dict()))


@router.post("/errors/{report_id}/answer", response=ErrorReportOut)
def answer_error(request: HttpRequest, report_id: int, payload: ErrorAnswerIn):
    report = DataErrorReport.objects.filter(pk=report_id, grant__in=grants.grants_for(request.user)).first()
    if report is None:
        raise NotFound()
    return feedback.answer_data_error(request.user, report, **payload.dict())


@router.get("/grants", response=list[GrantOut])
def list_grants(request: HttpRequest, page: Query[GrantPage]):
    """Grants of my departments (as consumer or provider, or under my review), each with its last calls."""
    qs = grants.grant_list(request.user, uses=page.uses)
    return [grant_out(g) for g in qs[page.offset : page.offset + page.limit]]


@router.get("/errors", response=list[ErrorReportListOut])
def list_errors(request: HttpRequest, page: Query[Page], open: bool = False):
    """Data-error reports on the grants I may see; `open=true` for those still unanswered."""
    qs = grants.reports_for(request.user)
    if open:
        qs = qs.filter(answered_at=None)
    return [report_out(r) for r in qs[page.offset : page.offset + page.limit]]


@router.get("/releases", auth=None, response=list[ReleaseOut], url_name="sharing_releases")
def list_releases(request: HttpRequest, page: Query[Page]):
    """Published open-data releases, newest first, as published (suppressed): no login needed."""
    return [release_out(r) for r in OpenRelease.objects.all()[page.offset : page.offset + page.limit]]


@router.get(
    "/data", auth=ShareKeyAuth(), url_name="sharing_data", response={200: dict, **errors(400, 401, 403, 404, 409, 429)}
)
def data(request: HttpRequest, resource: int | None = None, offset: int = 0, limit: int = 100):
    """Rows of the granted dataset: only the granted fields, region and period; personal fields masked.
    403 `suspended` while the grant awaits its review after a change of grades."""
    return grants.fetch(
        request.auth,
        resource_id=resource,
        offset=offset,
        limit=limit,
        request_id=current_request_id(),
    )
