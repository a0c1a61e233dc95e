"""The auditors' page: search entries by person record, actor or time; prove inclusion; get checkpoints.

Scoping and auditing of these reads live in audit/access.py; the views parse, call it and render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.audit import access, log
from grassroots.audit.events import label
from grassroots.audit.models import Checkpoint
from grassroots.core.pages import json_errors


@login_required
def search(request: HttpRequest) -> HttpResponse:
    filters = access.Filters.parse(request.GET)
    page = access.search_entries(request.user, filters)
    params = request.GET.copy()
    params.pop("before", None)
    context = {
        "rows": [(e, label(e.event)) for e in page.entries],
        "next_before": page.next_before,
        "query": params.urlencode(),
        "checkpoint": log.latest_checkpoint(),
    }
    return render(request, "audit/search.html", context)


@login_required
@json_errors
def proof(request: HttpRequest, leaf_index: int) -> JsonResponse:
    """Inclusion proof of one entry against the latest signed checkpoint, as JSON (errors too)."""
    body = access.prove_entry_for(request.user, leaf_index)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})


@login_required
def checkpoints(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.AUDIT_LOG)
    page = Paginator(Checkpoint.objects.order_by("-seq"), 50).get_page(request.GET.get("page"))
    return render(request, "audit/checkpoints.html", {"page": page, "query": ""})


def _download(cp: Checkpoint) -> HttpResponse:
    response = HttpResponse(cp.note + log.public_key_line(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoint-{cp.size}.txt"'
    return response


@login_required
def checkpoint(request: HttpRequest) -> HttpResponse:
    """Sign the current tree head (if it changed) and download it."""
    return _download(access.checkpoint_for(request.user, None))


@login_required
def checkpoint_download(request: HttpRequest, size: int) -> HttpResponse:
    return _download(access.checkpoint_for(request.user, size))
