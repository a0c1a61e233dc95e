"""The auditors' page: search entries by person record, actor or time; prove inclusion; get checkpoints."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.audit import log
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry, Checkpoint
from grassroots.core.errors import DomainError, ErrorCode, NotFound

EVENT_NAMES = {int(e): e.name for e in AuditEvent}


def _day(text: str, *, end: bool = False):
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"日期格式应为 YYYY-MM-DD：{text}") from None
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time()))


@login_required
def search(request):
    require_perm(request.user, Perm.AUDIT_LOG)
    qs = AuditEntry.objects.exclude(leaf_index=None).order_by("-leaf_index")
    person = request.GET.get("person", "").strip()
    if person:
        # The record itself, and lists or searches whose hits included it.
        # Ids are stored as quoted strings in those lists, so the quoted form cannot match part of a number.
        qs = qs.annotate(extra_text=Cast("extra", TextField())).filter(
            Q(target_type="registry.person", target_id=person) | Q(extra_text__contains=f'"{person}"')
        )
    if actor := request.GET.get("actor", "").strip():
        qs = qs.filter(actor_label=actor)
    if since := _day(request.GET.get("since", "")):
        qs = qs.filter(at__gte=since)
    if until := _day(request.GET.get("until", ""), end=True):
        qs = qs.filter(at__lt=until)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "events": EVENT_NAMES,
        "checkpoint": Checkpoint.objects.first(),
        "query": request.GET.urlencode(),
    }
    return render(request, "audit/search.html", context)


@login_required
def proof(request, leaf_index: int):
    """Inclusion proof of one entry against the latest signed checkpoint that covers it."""
    require_perm(request.user, Perm.AUDIT_LOG)
    entry = AuditEntry.objects.filter(leaf_index=leaf_index).first()
    checkpoint = Checkpoint.objects.filter(size__gt=leaf_index).order_by("-size").first()
    if entry is None:
        raise NotFound()
    if checkpoint is None:
        checkpoint = log.make_checkpoint()
    body = {
        **log.inclusion(entry, checkpoint.size),
        "checkpoint": checkpoint.note,
        "entry": json.loads(log.canonical(entry)),
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})


@login_required
def checkpoint(request):
    require_perm(request.user, Perm.AUDIT_LOG)
    cp = log.make_checkpoint()
    key = log.base64.b64encode(log.public_key()).decode()
    response = HttpResponse(
        cp.note + f"# Ed25519 public key of {log.settings.AUDIT_KEY_NAME}: {key}\n",
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoint-{cp.size}.txt"'
    return response
