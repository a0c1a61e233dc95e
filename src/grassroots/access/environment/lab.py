"""Access-matrix entries of the lab-result import (environment/lab_views.py, environment/lab_api.py).

Managing stations (MANAGE_ENVIRONMENT) anywhere opens the page and the API; which stations a file may write is
decided per row (a station outside the caller's area is unknown to it), so there is no inside/outside variant.
The matrix's upload is a CSV with another import's header: refused as 400, after the access check.
"""

from __future__ import annotations

from grassroots.access.entry import UPLOAD, Entry, page
from grassroots.access.rules import FORM, WRITE, by_perm
from grassroots.accounts.roles import Perm

ENTRIES: dict[str, Entry] = {
    "page GET environment:lab_import": page(by_perm(Perm.MANAGE_ENVIRONMENT)),
    "page POST environment:lab_import": page(by_perm(Perm.MANAGE_ENVIRONMENT, FORM), body=UPLOAD),
    "api POST /api/v1/environment/lab-imports": Entry(by_perm(Perm.MANAGE_ENVIRONMENT, WRITE), body=UPLOAD),
}
