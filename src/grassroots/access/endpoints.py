"""Every endpoint the site answers: page URL patterns from the resolver, API operations from the OpenAPI schema.

A page is named by its URL name ("registry:person") or, unnamed, by its path ("/open311/v2/discovery.{fmt}");
an API operation by method and path ("api GET /api/v1/cases/{case_id}"). Paths carry {param} placeholders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Not endpoints of ours: Django's admin and language switch, files, and the API (enumerated from its schema).
SKIPPED_PREFIXES = ("admin/", "i18n/", "api/", "static/", "media/", "^media/", "^static/")


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # "/registry/persons/{person_id}/"
    namespace: str

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)


def _template(pattern) -> str:
    text = str(pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)  # re_path("(?P<fmt>[a-z]+)")
    text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)  # path("<int:case_id>/")
    return text.replace("^", "").replace("$", "").replace("\\", "")


def pages() -> list[Page]:
    from django.urls import URLResolver, get_resolver

    found: list[Page] = []

    def walk(resolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            here = prefix + _template(entry.pattern)
            if here.startswith(SKIPPED_PREFIXES) or str(entry.pattern).startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                walk(entry, here, entry.namespace or namespace)
                continue
            path = "/" + here
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or path
            found.append(Page(name, path, namespace))

    walk(get_resolver(), "", "")
    return found


def operations() -> list[str]:
    """ "api METHOD /api/v1/path" for every operation of the ninja API."""
    from grassroots.api import api

    schema = api.get_openapi_schema()
    return sorted(
        f"api {method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    )


def params_of(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)
