"""Risk API: raise a signal from another system; warnings: list (scoped), acknowledge, close."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.core import idempotency
from grassroots.risk import services
from grassroots.risk.models import Warning
from grassroots.risk.schemas import CloseIn, SignalIn, SignalOut, WarningNoteIn, WarningOut

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
    require_perm(request.auth, Perm.VIEW_RISK)
    qs = services.warnings_for(request.auth)
    if status:
        qs = qs.filter(status=status)
    if domain:
        qs = qs.filter(domain=domain)
    return [_out(w) for w in qs[: max(1, min(limit, 500))]]


@router.post("/warnings/{warning_id}/acknowledge", response=WarningOut)
def acknowledge(request: HttpRequest, warning_id: int, payload: WarningNoteIn):
    warning = services.get_warning_for(request.auth, warning_id)
    return _out(services.acknowledge_warning(request.auth, warning, note=payload.note))


@router.post("/warnings/{warning_id}/close", response=WarningOut)
def close(request: HttpRequest, warning_id: int, payload: CloseIn):
    warning = services.get_warning_for(request.auth, warning_id)
    return _out(services.close_warning(request.auth, warning, disposition=payload.disposition, note=payload.note))


@router.post("/signals", response={201: SignalOut})
def raise_signal(request: HttpRequest, payload: SignalIn):
    """Raise a signal (DESIGN.md §5) as the token's user, who must handle warnings in the region."""

    def produce():
        raised = services.submit_signal(request.auth, **payload.dict(exclude={"idempotency_key"}))
        signal = raised.signal
        body = {
            "id": str(signal.pk), "domain": signal.domain, "kind": signal.kind, "region_code": signal.region.code,
            "value": signal.value, "severity": signal.severity, "occurred_at": signal.occurred_at,
            "level": raised.level, "score": raised.score,
            "warning_id": str(raised.warning.pk) if raised.warning else None,
        }  # fmt: skip
        return 201, SignalOut(**body).model_dump(mode="json")

    key = idempotency.key_from(request, payload.idempotency_key)
    return Status(*idempotency.run_once(request, endpoint="risk.signals", key=key, produce=produce))
