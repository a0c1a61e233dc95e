"""Typed input of the GeoReport v2 facade. Each refusal carries its HTTP status as the error's code, so the view
answers with the spec's error list under that status (403 bad key, 404 unknown service, 400 bad input)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.cases import intake
from grassroots.open311.models import ApiKey

MAX_RANGE = dt.timedelta(days=90)


def georeport_error(form: forms.Form) -> tuple[int, str]:
    """The status and description of a form's first problem."""
    error = next(e for errors in form.errors.as_data().values() for e in errors)
    return int(error.code or 400), error.messages[0]


def find_key(value: str) -> ApiKey | None:
    return ApiKey.objects.filter(key_hash=ApiKey.hash_key(value or ""), is_active=True).first() if value else None


def _number(text: str, message: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        raise ValidationError(message, code="400") from None


def _w3c(text: str) -> dt.datetime | None:
    if not text:
        return None
    message = "start_date and end_date must be W3C datetimes, e.g. 2026-11-01T00:00:00Z"
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(message, code="400") from None
    if value.tzinfo is None:
        raise ValidationError(message, code="400")
    return value


class RequestsQuery(forms.Form):
    """GET Service Requests: by ids, or by a date range of at most 90 days, service codes and open/closed."""

    service_request_id = forms.CharField(required=False)
    start_date = forms.CharField(required=False)
    end_date = forms.CharField(required=False)
    service_code = forms.CharField(required=False)
    status = forms.CharField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        ids = [i for i in data.get("service_request_id", "").split(",") if i]
        if ids:  # the listed requests, whatever the other filters say
            return {"ids": ids}
        start, end = _w3c(data.get("start_date", "")), _w3c(data.get("end_date", ""))
        end = end or timezone.now()
        start = start or end - MAX_RANGE
        if end - start > MAX_RANGE:
            raise ValidationError("the date range may not span more than 90 days", code="400")
        statuses = {s for s in data.get("status", "").split(",") if s}
        if statuses - {"open", "closed"}:
            raise ValidationError("status must be open or closed", code="400")
        codes = [c for c in data.get("service_code", "").split(",") if c]
        return {"ids": ids, "start": start, "end": end, "codes": codes, "statuses": statuses}


class ServiceRequestForm(forms.Form):
    """POST Service Request. Checked in the spec's order: the key, the service, then the location."""

    api_key = forms.CharField(required=False)
    service_code = forms.CharField(required=False)
    lat = forms.CharField(required=False)
    long = forms.CharField(required=False)
    address_string = forms.CharField(required=False, strip=False)
    first_name = forms.CharField(required=False)
    last_name = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    device_id = forms.CharField(required=False)
    description = forms.CharField(required=False)

    def __init__(self, data, *, categories):
        super().__init__(data)
        self.fields["attribute[door_number]"] = forms.CharField(required=False)
        self.categories = categories

    def clean(self) -> dict:
        data = super().clean()
        data["key"] = find_key(data.get("api_key", ""))
        if data["key"] is None:
            raise ValidationError("api_key is missing or invalid", code="403")
        code = data.get("service_code", "")
        if not code:
            raise ValidationError("service_code is required", code="400")
        if not self.categories.filter(code=code).exists():
            raise ValidationError(f"service_code not found: {code}", code="404")
        data["lat"] = _number(data.get("lat", ""), "lat and long must be numbers")
        data["long"] = _number(data.get("long", ""), "lat and long must be numbers")
        located = data["lat"] is not None and data["long"] is not None
        if not (located or data.get("attribute[door_number]") or data.get("address_string")):
            raise ValidationError("lat and long, address_string or attribute[door_number] is required", code="400")
        return data

    def report(self) -> intake.Report:
        data = self.cleaned_data
        name = " ".join(p for p in (data["last_name"], data["first_name"]) if p).strip()
        description, code = data["description"], data["service_code"]
        return intake.Report(
            title=(description or code)[:24] or code,
            description=description or data["address_string"],
            category=code,
            lng=data["long"],
            lat=data["lat"],
            door_number=data["attribute[door_number]"],
            address=data["address_string"][:200],
            reporter_name=name[:40],
            reporter_phone=data["phone"],
            anonymous=not name,
            source_ref=f"open311:{data['key'].name}:{data['device_id']}"[:80],
        )
