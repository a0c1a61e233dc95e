"""Open311 GeoReport v2 at /open311/v2/ — a facade over the cases services (wiki.open311.org/GeoReport_v2).

Published are the public-space categories only (those that also accept anonymous reports: city management,
sanitation, municipal facilities, safety). Disputes and livelihood requests are personal and never listed.
Names and phones given by clients are sealed like any other personal data and never returned.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from grassroots.cases import intake
from grassroots.cases.models import OPEN_STATUSES, Case, Category, Channel
from grassroots.core import idempotency
from grassroots.core.errors import DomainError
from grassroots.open311 import formats
from grassroots.open311.models import ApiKey

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
    return Category.objects.filter(is_active=True, allow_anonymous=True, parent__allow_anonymous=True).select_related(
        "parent"
    )


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
    closed = case.status not in OPEN_STATUSES
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": case.get_outcome_display() if case.outcome else case.get_status_display(),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": case.owner_department.name if case.owner_department_id else case.owner_region.name,
        "service_notice": "",
        "requested_datetime": timezone.localtime(case.created_at).isoformat(),
        "updated_datetime": timezone.localtime(case.updated_at).isoformat(),
        "expected_datetime": timezone.localtime(case.due_at).isoformat(),
        "address": f"{case.region.name} {case.address}".strip(),
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lng,
        "media_url": "",
    }


def _published(qs):
    return qs.filter(category__in=public_categories()).select_related(
        "category", "region", "owner_region", "owner_department"
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
    key = ApiKey.objects.filter(key_hash=ApiKey.hash_key(data.get("api_key", "")), is_active=True).first()
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
        case = intake.open_case(None, report, channel=Channel.OPEN311)
        return 201, {
            "service_request_id": case.number,
            "token": case.number,
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
    """Requests are created in real time, so a token is simply the request id (GeoReport v2 GET token)."""
    if not _fmt(fmt):
        return formats.error(404, "format not supported", "xml")
    case = Case.objects.filter(number=token_id).first()
    if case is None:
        return formats.error(404, f"token not found: {token_id}", fmt)
    return formats.render([{"service_request_id": case.number, "token": token_id}], fmt, shape="requests")
