"""Which case photos a viewer may fetch: exactly those the case's presenter shows them (cases/presenters.py).

The case must be visible through cases.access (a role without any case permission: 403; a case outside the
viewer's scope: 404, as a missing photo). A viewer who sees the case only as a follower gets its rectification
photos, never the report's: the others answer 404, so a follower cannot tell a report photo exists.
"""

from __future__ import annotations

from django.core.files import File

from grassroots.cases.access import get_case_for, require_case_role
from grassroots.cases.models import Evidence
from grassroots.cases.presenters import sees_case
from grassroots.core.errors import NotFound

FOLLOWER_STAGES = frozenset({"rectify"})


def evidence_for(actor, evidence_id: int) -> Evidence:
    require_case_role(actor)  # refused before anything is looked up, like every case record
    item = Evidence.objects.filter(pk=evidence_id).first()
    if item is None:
        raise NotFound()
    item.case = get_case_for(actor, item.case_id)
    if item.stage not in FOLLOWER_STAGES and not sees_case(actor, item.case):
        raise NotFound()
    return item


def open_evidence(item: Evidence) -> File:
    """The stored bytes; a row whose file is gone (restored database, pruned disk) is a 404, not a 500."""
    if not item.file.name:
        raise NotFound()
    try:
        return item.file.storage.open(item.file.name, "rb")
    except FileNotFoundError:
        raise NotFound() from None
