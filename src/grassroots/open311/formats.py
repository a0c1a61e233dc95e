"""GeoReport v2 output: JSON or XML with the spec's element names, UTF-8, and the standard error list."""

from __future__ import annotations

import functools
import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

from grassroots.core.errors import DomainError

# Root element and per-item element for each resource, as in the GeoReport v2 examples.
XML_SHAPES = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def _fill(parent: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(parent, key), item)
    elif isinstance(value, list):
        singular = {
            "attributes": "attribute",
            "values": "value",
            "endpoints": "endpoint",
            "formats": "format",
            "keywords": "keyword",
        }.get(parent.tag, "item")
        for item in value:
            _fill(ET.SubElement(parent, singular), item)
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif value is not None:
        parent.text = str(value)


def render(data, fmt: str, *, shape: str | None = None, root: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
        )
    if shape:
        root_tag, item_tag = XML_SHAPES[shape]
        element = ET.Element(root_tag)
        for item in data:
            _fill(ET.SubElement(element, item_tag), item)
    else:
        element = ET.Element(root)
        _fill(element, data)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def error(status: int, description: str, fmt: str) -> HttpResponse:
    """GeoReport v2 errors: a list of {code, description} with the HTTP status as the code."""
    return render(
        [{"code": status, "description": description}],
        fmt if fmt in ("json", "xml") else "xml",
        shape="errors",
        status=status,
    )


def domain_errors(view):
    """A DomainError from the services, as the spec's error list (a too-large body is a plain 400 here)."""

    @functools.wraps(view)
    def wrapped(request, fmt: str, *args, **kwargs):
        try:
            return view(request, fmt, *args, **kwargs)
        except DomainError as exc:
            return error(exc.status if exc.status != 413 else 400, exc.message, fmt)

    return wrapped
