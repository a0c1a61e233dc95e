"""Open311 GeoReport v2 at /open311/v2/ — a facade over the cases services (wiki.open311.org/GeoReport_v2).

What the public reads (GET requests, GET requests/{id}) is a case in a public-space category (Category.public_space:
city management, sanitation, municipal facilities, safety) that may be published (Case.public, decided at intake:
a resident's report only if they agreed, a patrol finding or an Open311 request by its channel). Even then no text
the reporter wrote, no address and no exact point: the description is left empty, the address is the grid's name
and the point is rounded to about 100 m (a case located by door number shows its grid's centre). Names and
phones given by clients are sealed like any other personal data and never returned.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from grassroots.cases import intake
from grassroots.cases.models import OPEN_STATUSES, Case, Channel
from grassroots.cases.presenters import public_point
from grassroots.core import idempotency
from grassroots.open311 import formats, queries
from grassroots.open311.forms import RequestsQuery, ServiceRequestForm, find_key, georeport_error
from grassroots.open311.models import Submission


def _fmt(fmt: str):
    return fmt if fmt in ("json", "xml") else None


def _jurisdiction_error(request, fmt):
    jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
        return formats.error(404, f"jurisdiction_id not found: {jurisdiction}", fmt)
    return None


def discovery(request: HttpRequest, fmt: str):
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2026-11-24T00:00:00+08:00",
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-24T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return formats.render(data, fmt, root="discovery")


def services(request: HttpRequest, fmt: str):
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    if (problem := _jurisdiction_error(request, fmt)) is not None:
        return problem
    rows = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": f"{c.parent.name} · {c.name}",
            "metadata": True,
            "type": "realtime",
            "keywords": c.parent.name,
            "group": c.parent.name,
        }
        for c in queries.public_categories().order_by("parent__code", "code")
    ]
    return formats.render(rows, fmt, shape="services")


def service_definition(request: HttpRequest, code: str, fmt: str):
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    if not queries.public_categories().filter(code=code).exists():
        return formats.error(404, f"service_code not found: {code}", fmt)
    data = {
        "service_code": code,
        "attributes": [
            {
                "variable": True,
                "code": "door_number",
                "datatype": "string",
                "required": False,
                "datatype_description": "门牌号，例如 柳荫街3号1号楼2单元501",
                "order": 1,
                "description": "门牌号（可代替经纬度定位） / door number, may replace lat/long",
            },
        ],
    }
    return formats.render(data, fmt, root="service_definition")


def _request_row(case: Case) -> dict:
    """One service request as GeoReport v2 "GET Service Requests" lists it, every element present (the spec's
    response fields), but only what the public may know: `description` ("A full description of the request") is
    the reporter's own text, so it stays empty; `address` ("Human readable address or description of location")
    is the community and grid, never a door; `lat`/`long` (WGS84) are coarsened; `media_url` stays empty."""
    closed = case.status not in OPEN_STATUSES
    lng, lat = public_point(case)
    grid = case.region
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": case.get_outcome_display() if case.outcome else case.get_status_display(),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": "",
        "agency_responsible": case.owner_department.name if case.owner_department_id else case.owner_region.name,
        "service_notice": "",
        "requested_datetime": timezone.localtime(case.created_at).isoformat(),
        "updated_datetime": timezone.localtime(case.updated_at).isoformat(),
        "expected_datetime": timezone.localtime(case.due_at).isoformat(),
        "address": f"{grid.parent.name} {grid.name}" if grid.parent_id else grid.name,
        "address_id": "",
        "zipcode": "",
        "lat": lat,
        "long": lng,
        "media_url": "",
    }


@csrf_exempt
def requests_collection(request: HttpRequest, fmt: str):
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    if (problem := _jurisdiction_error(request, fmt)) is not None:
        return problem
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        return formats.error(405, "method not allowed", fmt)
    query = RequestsQuery(request.GET)
    if not query.is_valid():
        return formats.error(*georeport_error(query), fmt)
    rows = [_request_row(c) for c in queries.requests_matching(query.cleaned_data)]
    return formats.render(rows, fmt, shape="requests")


@formats.domain_errors
def _post_request(request: HttpRequest, fmt: str):
    form = ServiceRequestForm(request.POST, categories=queries.public_categories())
    if not form.is_valid():
        return formats.error(*georeport_error(form), fmt)
    report, key = form.report(), form.cleaned_data["key"]

    def produce():
        with transaction.atomic():  # the case and the record of its filing key, together
            case = intake.open_case(None, report, channel=Channel.OPEN311)
            Submission.objects.create(case=case, key=key)
        due = f"办理时限 {timezone.localtime(case.due_at):%Y-%m-%d %H:%M}"
        # GeoReport v2 POST response: `token` only "if jurisdiction can't return service_request_id immediately"
        # (and then no id). The case exists once this returns, so the id is known: no token.
        return 201, {"service_request_id": case.number, "service_notice": due, "account_id": ""}

    idem = idempotency.key_from(request)
    status, body = idempotency.run_once(request, endpoint="open311.requests", key=idem, produce=produce)
    return formats.render([body], fmt, shape="requests", status=status)


def request_detail(request: HttpRequest, request_id: str, fmt: str):
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    case = queries.published(Case.objects.filter(number=request_id)).first()
    if case is None:
        return formats.error(404, f"service_request_id not found: {request_id}", fmt)
    return formats.render([_request_row(case)], fmt, shape="requests")


def token(request: HttpRequest, token_id: str, fmt: str):
    """GeoReport v2 "GET service_request_id from a token". POST answers synchronously with service_request_id and
    issues no token; a client written for asynchronous jurisdictions, which always redeems a token, may present
    the service_request_id as one and is answered with it. The spec asks no key here; we do, because a token is
    the filer's receipt: only the key that filed the request redeems it (403 without a valid key, 404 for any
    other key's), so it confirms no one else's case."""
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    if (problem := _jurisdiction_error(request, fmt)) is not None:
        return problem
    key = find_key(request.GET.get("api_key", ""))
    if key is None:
        return formats.error(403, "api_key is missing or invalid", fmt)
    filed = Submission.objects.filter(key=key, case__number=token_id).select_related("case").first()
    if filed is None:
        return formats.error(404, f"token not found: {token_id}", fmt)
    return formats.render([{"service_request_id": filed.case.number, "token": token_id}], fmt, shape="requests")
