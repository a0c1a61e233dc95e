"""Making one request of the access matrix: fill the path from the world, send it as a column, name the outcome."""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from grassroots.access.rules import Column, Outcome
from grassroots.conftest import valid_id, valid_uscc


def _pair(inside, outside):
    return lambda w, variant, column: inside(w) if variant != "out" else outside(w)


def _own(attr: str):
    def value(w, variant, column):
        mine = column.name if column.role is not None else "admin"
        other = "other" if attr == "notes" else ("resident" if mine != "resident" else "admin")
        if attr == "notes":
            return w.cases.notes[mine if variant != "out" else other].pk
        return w.tokens[mine if variant != "out" else other][0].pk

    return value


# Path parameter → the value for a variant: "in" an object in G1 / S1 (or the user's own), "out" one in G4 / S2
# (or another user's). Parameters that name no record (a kind, a verb, a format) have one value.
PARAMS = {
    "person_id": _pair(lambda w: w.p1.pk, lambda w: w.p4.pk),
    "house_id": _pair(lambda w: w.h1.pk, lambda w: w.h4.pk),
    "household_id": _pair(lambda w: w.rec.household_in.pk, lambda w: w.rec.household_out.pk),
    "entity_id": _pair(lambda w: w.firm.pk, lambda w: w.rec.firm4.pk),
    "region_id": _pair(lambda w: w.G1.pk, lambda w: w.G4.pk),
    "case_id": _pair(lambda w: w.cases.inside.pk, lambda w: w.cases.outside.pk),
    "evidence_id": _pair(lambda w: w.cases.photo_in.pk, lambda w: w.cases.photo_out.pk),
    "case_number": _pair(lambda w: w.cases.inside.number, lambda w: w.cases.outside.number),
    "warning_id": _pair(lambda w: w.rec.warning_in.pk, lambda w: w.rec.warning_out.pk),
    "dataset_id": _pair(lambda w: w.share.dataset_in.pk, lambda w: w.share.dataset_out.pk),
    "request_id": _pair(lambda w: w.share.request_in.pk, lambda w: w.share.request_out.pk),
    "grant_id": _pair(lambda w: w.share.grant_in.pk, lambda w: w.share.grant_out.pk),
    "report_id": _pair(lambda w: w.share.report_in.pk, lambda w: w.share.report_out.pk),
    "leaf_index": _pair(lambda w: w.rec.entry_in.leaf_index, lambda w: w.rec.entry_out.leaf_index),
    "station_id": _pair(lambda w: w.env.station_in.pk, lambda w: w.env.station_out.pk),
    "alert_id": _pair(lambda w: w.env.alert_in.pk, lambda w: w.env.alert_out.pk),
    "task_id": _pair(lambda w: w.env.task_in.pk, lambda w: w.env.task_out.pk),
    "rule_id": lambda w, variant, column: w.env.rule.pk,
    "ingest_token_id": _pair(lambda w: w.env.ingest_token_in.pk, lambda w: w.env.ingest_token_out.pk),
    "station_code": _pair(lambda w: w.env.station_in.code, lambda w: w.env.station_out.code),
    "notification_id": _own("notes"),
    "token_id": _own("tokens"),
    "release_id": lambda w, variant, column: w.rec.release.pk,
    "size": lambda w, variant, column: w.rec.checkpoint.size,
    "code": lambda w, variant, column: w.person_tag.code,
    "service_code": lambda w, variant, column: "street_vending",
    "second_case": _pair(lambda w: w.cases.inside2.pk, lambda w: w.cases.outside.pk),
    "kind": lambda w, variant, column: "persons",
    "verb": lambda w, variant, column: "accept",
    "step": lambda w, variant, column: "compliance",
    "name": lambda w, variant, column: "kpis",
    "fmt": lambda w, variant, column: "json",
    "id_number": lambda w, variant, column: valid_id(seq="446"),
    "uscc": lambda w, variant, column: valid_uscc("91110101MA01FGHJ2"),
    "my_department": lambda w, variant, column: _department(w, column),
    "s1": lambda w, variant, column: w.S1.pk,
    "dataset_in": lambda w, variant, column: w.share.dataset_in.pk,
    "csv": lambda w, variant, column: "csv",
}


def _department(w, column: Column) -> int:
    codes = {"cgw": w.cgw, "s1-cgk": w.cgk}
    return codes[column.department].pk if column.department else 0


def values_for(names, world, variant: str | None, column: Column, sources: dict[str, str]) -> dict:
    return {name: PARAMS[sources.get(name, name)](world, variant, column) for name in names}


def subst(template, values: dict):
    """Fill "{param}" placeholders in a path, or in the strings of a query or body."""
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {k: subst(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [subst(v, values) for v in template]
    return template


def placeholders(*templates) -> list[str]:
    return sorted({name for t in templates for name in re.findall(r"{(\w+)}", json.dumps(t))})


UPLOAD_CSV = "工单编号,诉求内容,来电人,联系电话,门牌号\n".encode()  # a header and no rows


def outcome(response) -> Outcome:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location == "/portal/":
            return "portal"
        if location.startswith("/accounts/login/"):
            return "login"
        return "redirect"
    return response.status_code


def clients(world, columns) -> dict[str, Client]:
    """One signed-in page client per column (the anonymous one signed in as nobody)."""
    made = {}
    for column in columns:
        client = Client(raise_request_exception=False)
        if column.role is not None:
            client.force_login(getattr(world, column.name))
        client.session_cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        made[column.name] = client
    return made


def _fresh_cookies(client: Client) -> None:
    """Only the session cookie: no messages left over, and a sign-out undone with the database."""
    client.cookies = SimpleCookie()
    if client.session_cookie is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = client.session_cookie.value


def send(kind: str, method: str, url: str, *, column: Column, world, page_client: Client, body, query) -> Outcome:
    """One request, undone afterwards: every request sees the same world."""
    cache.clear()  # throttles count in the cache
    with transaction.atomic():
        if kind == "page":
            _fresh_cookies(page_client)
            send_page = page_client.get if method == "GET" else page_client.post
            response = send_page(url, (query if method == "GET" else body) or {})
        else:
            headers = {}
            if column.role is not None:
                headers["Authorization"] = f"Bearer {world.tokens[column.name][1]}"
            api = Client(raise_request_exception=False)
            if method == "GET":
                response = api.get(url, query or {}, headers=headers)
            elif body and "@upload" in body.values():
                files = {k: SimpleUploadedFile("matrix.csv", UPLOAD_CSV, "text/csv") for k, v in body.items()}
                response = api.post(url, files, headers=headers)
            else:
                response = api.generic(
                    method, url, json.dumps(body or {}), content_type="application/json", headers=headers
                )
        transaction.set_rollback(True)
    return outcome(response)
