"""An access-matrix entry and the shorthands the matrix is written with (see access/matrix.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from grassroots.access.rules import (
    FORBIDDEN,
    OK,
    WRITE,
    Column,
    Outcomes,
    Rule,
    case_rule,
    everyone,
    share_rule,
    share_seen,
)
from grassroots.accounts.roles import PERMISSIONS, Perm

STAFF_AREAS = frozenset({"cases", "areas", "registry", "cockpit", "risk", "sharing", "audit", "environment"})
STAFF_NAMES = frozenset({"home", "tokens"})
# Staff-namespace pages a resident may open: their case's photos; the page of a firm they speak for.
RESIDENT_PAGES = frozenset({"cases:evidence", "environment:firm"})
# Path parameters that name a record: an entry with one is asked about an object inside and one outside.
RECORD_PARAMS = frozenset(
    {"person_id", "house_id", "household_id", "entity_id", "region_id", "case_id", "case_number", "warning_id",
     "dataset_id", "request_id", "grant_id", "report_id", "leaf_index", "notification_id", "token_id",
     "evidence_id", "station_id", "alert_id", "task_id", "rule_id",
     "ingest_token_id"}
)  # fmt: skip


@dataclass(frozen=True)
class Entry:
    rule: Rule
    body: dict | None = None  # POST body (form fields for pages, JSON for the API); "{param}" is filled in
    query: dict | None = None  # GET query, likewise
    params: dict[str, str] = field(default_factory=dict)  # a placeholder's value source, when not its own name
    public: bool = False  # anonymous visitors get the rule too
    resident: Outcomes | None = None  # a resident's outcome, when not the default
    xfail: str = ""  # a known leak or refusal not yet as the policy says (strict: must still fail)


V, R, E, X = Perm.VIEW_REGISTRY, Perm.VIEW_REGIONS, Perm.EDIT_REGISTRY, Perm.VIEW_RISK
CASE_SEEN = case_rule(lambda column, facts: True, allowed=OK)
OPEN311 = {"request_id": "case_number", "token_id": "case_number", "code": "service_code"}
REASON = "入户核实身份信息"
NOTE = {"note": "已到现场查看处理"}
UPLOAD = {"file": "@upload"}  # sent as a multipart form with a small CSV file
SHARING_404 = (
    "roles without any sharing permission get 404 instead of 403 (requests_for/grants_for find nothing);"
    " sharing is owned by another helper"
)


def signed_in(outcomes: Outcomes = OK) -> Rule:
    return everyone(outcomes)


def page(rule: Rule, **kw) -> Entry:
    return Entry(rule, **kw)


def public(outcomes: Outcomes = OK, **kw) -> Entry:
    return Entry(everyone(outcomes), public=True, **kw)


def provider_or_reviewer(column: Column, variant: str | None) -> Outcomes:
    """Revoking a grant: its provider department, or a reviewer (REVIEW_SHARING) over the provider's region."""
    if share_seen(column, variant) != OK:
        return share_seen(column, variant)
    provider = share_rule("provider", Perm.MANAGE_DATASETS)(column, variant)
    reviewer = share_rule(None, Perm.REVIEW_SHARING)(column, variant)
    return WRITE if WRITE in (provider, reviewer) else FORBIDDEN


def perms_of(column: Column):
    return PERMISSIONS[column.role] if column.role is not None else frozenset()
