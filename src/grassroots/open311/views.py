"""Open311 GeoReport v2 at /open311/v2/ — a facade over the cases services (wiki.open311.org/GeoReport_v2).

What the public reads (GET requests, GET requests/{id}) is a case in a public-space category (Category.public_space:
city management, sanitation, municipal facilities, safety) that may be published (Case.public, decided at intake:
a resident's report only if they agreed, a patrol finding or an Open311 request by its channel). Even then no text
the reporter wrote, no address and no exact point: the description is left empty, the address is the grid's name
and the point is rounded to about 100 m (a case located by door number shows its grid's centre). Names and
phones given by clients are sealed like any other personal data and never returned.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from grassroots.cases import intake
from grassroots.cases.models import OPEN_STATUSES, Case, Category, Channel
from grassroots.cases.presenters import public_point
from grassroots.core import idempotency
from grassroots.core.errors import DomainError
from grassroots.open311 import formats
from grassroots.open311.models import ApiKey, Submission

MAX_RANGE = dt.timedelta(days=90)
MAX_RESULTS = 1000


def _fmt(fmt: str):
    return fmt if fmt in ("json", "xml") else None


def _jurisdiction_error(request, fmt):
    jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
        return formats.error(404, f"jurisdiction_id not found: {jurisdiction}", fmt)
    return None


def public_categories():
    return Category.objects.filter(is_active=True, public_space=True, parent__public_space=True).select_related(
        "parent"
    )


def _key(value: str) -> ApiKey | None:
    return ApiKey.objects.filter(key_hash=ApiKey.hash_key(value or ""), is_active=True).first() if value else None


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
        for c in public_categories().order_by("parent__code", "code")
    ]
    return formats.render(rows, fmt, shape="services")


def service_definition(request: HttpRequest, code: str, fmt: str):
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    if not public_categories().filter(code=code).exists():
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


def _published(qs):
    return qs.filter(public=True, category__in=public_categories()).select_related(
        "category", "region__parent", "owner_region", "owner_department"
    )


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
    qs = _published(Case.objects.all())
    ids = [i for i in request.GET.get("service_request_id", "").split(",") if i]
    if ids:
        return formats.render([_request_row(c) for c in qs.filter(number__in=ids[:MAX_RESULTS])], fmt, shape="requests")
    try:
        start, end = _date(request.GET.get("start_date")), _date(request.GET.get("end_date"))
    except ValueError:
        return formats.error(400, "start_date and end_date must be W3C datetimes, e.g. 2026-11-01T00:00:00Z", fmt)
    end = end or timezone.now()
    start = start or end - MAX_RANGE
    if end - start > MAX_RANGE:
        return formats.error(400, "the date range may not span more than 90 days", fmt)
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if codes := [c for c in request.GET.get("service_code", "").split(",") if c]:
        qs = qs.filter(category__code__in=codes)
    statuses = {s for s in request.GET.get("status", "").split(",") if s}
    if statuses - {"open", "closed"}:
        return formats.error(400, "status must be open or closed", fmt)
    if statuses == {"open"}:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=OPEN_STATUSES)
    rows = [_request_row(c) for c in qs.order_by("-created_at")[:MAX_RESULTS]]
    return formats.render(rows, fmt, shape="requests")


def _date(text: str | None):
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("timezone required")
    return value


def _post_request(request: HttpRequest, fmt: str):
    data = request.POST
    key = _key(data.get("api_key", ""))
    if key is None:
        return formats.error(403, "api_key is missing or invalid", fmt)
    code = data.get("service_code", "")
    if not code:
        return formats.error(400, "service_code is required", fmt)
    if not public_categories().filter(code=code).exists():
        return formats.error(404, f"service_code not found: {code}", fmt)
    door = data.get("attribute[door_number]", "")
    try:
        lat = float(data["lat"]) if data.get("lat") else None
        lng = float(data["long"]) if data.get("long") else None
    except ValueError:
        return formats.error(400, "lat and long must be numbers", fmt)
    if (lat is None or lng is None) and not door and not data.get("address_string"):
        return formats.error(400, "lat and long, address_string or attribute[door_number] is required", fmt)
    name = " ".join(p for p in (data.get("last_name", ""), data.get("first_name", "")) if p).strip()
    description = data.get("description", "").strip()
    report = intake.Report(
        title=(description or code)[:24] or code,
        description=description or data.get("address_string", ""),
        category=code,
        lng=lng,
        lat=lat,
        door_number=door,
        address=data.get("address_string", "")[:200],
        reporter_name=name[:40],
        reporter_phone=data.get("phone", ""),
        anonymous=not name,
        source_ref=f"open311:{key.name}:{data.get('device_id', '')}"[:80],
    )

    def produce():
        with transaction.atomic():  # the case and the record of its filing key, together
            case = intake.open_case(None, report, channel=Channel.OPEN311)
            Submission.objects.create(case=case, key=key)
        # GeoReport v2, POST Service Request response: `token` is "returned instead of service_request_id if
        # jurisdiction can't return service_request_id immediately", and service_request_id "should not be
        # returned if token is returned". The case exists once this returns, so the id is known: no token.
        return 201, {
            "service_request_id": case.number,
            "service_notice": f"办理时限 {timezone.localtime(case.due_at):%Y-%m-%d %H:%M}",
            "account_id": "",
        }

    try:
        status, body = idempotency.run_once(
            request, endpoint="open311.requests", key=idempotency.key_from(request), produce=produce
        )
    except DomainError as exc:
        return formats.error(exc.status if exc.status != 413 else 400, exc.message, fmt)
    return formats.render([body], fmt, shape="requests", status=status)


def request_detail(request: HttpRequest, request_id: str, fmt: str):
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    case = _published(Case.objects.filter(number=request_id)).first()
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
    key = _key(request.GET.get("api_key", ""))
    if key is None:
        return formats.error(403, "api_key is missing or invalid", fmt)
    filed = Submission.objects.filter(key=key, case__number=token_id).select_related("case").first()
    if filed is None:
        return formats.error(404, f"token not found: {token_id}", fmt)
    return formats.render([{"service_request_id": filed.case.number, "token": token_id}], fmt, shape="requests")
