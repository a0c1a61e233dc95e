"""Warnings API: list (scoped), acknowledge, close with a disposition."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from grassroots.risk import services
from grassroots.risk.models import Warning
from grassroots.risk.schemas import CloseIn, NoteIn, WarningOut

router = Router(tags=["risk"])


def _out(w: Warning) -> dict:
    return {
        "id": str(w.pk), "domain": w.domain, "kind": w.kind, "region_code": w.region.code, "level": w.level,
        "peak_level": w.peak_level, "status": w.status, "count": w.count, "summary": w.summary,
        "first_at": w.first_at, "last_at": w.last_at, "case_number": w.case_number,
        "plan_proposed": w.plan_proposed, "disposition": w.disposition,
    }  # fmt: skip


@router.get("/warnings", response=list[WarningOut])
def list_warnings(request: HttpRequest, status: str = "", domain: str = "", limit: int = 100):
    qs = services.warnings_for(request.auth)
    if status:
        qs = qs.filter(status=status)
    if domain:
        qs = qs.filter(domain=domain)
    return [_out(w) for w in qs[: max(1, min(limit, 500))]]


@router.post("/warnings/{warning_id}/acknowledge", response=WarningOut)
def acknowledge(request: HttpRequest, warning_id: int, payload: NoteIn):
    warning = services.get_warning_for(request.auth, warning_id)
    return _out(services.acknowledge_warning(request.auth, warning, note=payload.note))


@router.post("/warnings/{warning_id}/close", response=WarningOut)
def close(request: HttpRequest, warning_id: int, payload: CloseIn):
    warning = services.get_warning_for(request.auth, warning_id)
    return _out(services.close_warning(request.auth, warning, disposition=payload.disposition, note=payload.note))
