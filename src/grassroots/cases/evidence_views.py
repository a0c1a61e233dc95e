"""Case photos, streamed only to those who may see them (cases/evidence_access.py). The media root is never
served directly: a photo's storage path would let anyone with the link see a resident's picture."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.views.decorators.http import require_GET

from grassroots.cases.evidence_access import evidence_for, open_evidence

# Kept by the viewer's browser only (private), and briefly: a revoked role should stop seeing photos soon.
MAX_AGE = 600


@login_required
@require_GET
def evidence(request, evidence_id: int):
    item = evidence_for(request.user, evidence_id)
    response = FileResponse(open_evidence(item), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"  # no file name: it carries the case number
    response["Cache-Control"] = f"private, max-age={MAX_AGE}"
    return response
