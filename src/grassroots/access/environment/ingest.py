"""Access-matrix entries of environment ingestion: the batch endpoint and the ingest tokens (API and page)."""

from __future__ import annotations

from grassroots.access.entry import Entry, page
from grassroots.access.rules import CREATED, FORM, REDIRECT, UNAUTHENTICATED, by_perm, everyone, record
from grassroots.accounts.roles import Perm

M = Perm.MANAGE_ENVIRONMENT
READING = {"station": "aq-g1", "property": "pm25", "time": "2026-03-01T08:00:00+08:00", "value": 35.0}
NEW_TOKEN = {"name": "矩阵", "station_ids": ["{station_id}"]}

ENTRIES: dict[str, Entry] = {
    # A device credential, not a role: only an ingest token (envt_…, scoped to stations) is accepted, so every
    # column, sending its session user's API token, gets 401 like the anonymous visitor (test_ingest_api.py
    # covers the token's own outcomes: 200 with per-item errors, station_not_allowed, revoked → 401).
    "api POST /api/v1/environment/observations": Entry(everyone(UNAUTHENTICATED), body={"observations": [READING]}),
    "api GET /api/v1/environment/tokens": Entry(by_perm(M)),
    # Naming a station outside one's area answers 404, as a missing one does.
    "api POST /api/v1/environment/tokens": Entry(by_perm(M, inside=CREATED), body=NEW_TOKEN),
    "api POST /api/v1/environment/tokens/{ingest_token_id}/revoke": Entry(record(M)),
    "page GET environment:tokens": page(by_perm(M)),
    "page POST environment:tokens": page(by_perm(M, inside=FORM), body={"name": "矩阵", "stations": "{station_id}"}),
    "page POST environment:token_revoke": page(record(M, allowed=REDIRECT)),
}
