"""The access matrix: for every page and API operation, what each role gets, inside and outside its area.

Each entry names an endpoint ("page GET registry:person", "api POST /api/v1/cases/{case_id}/accept") and a rule
from access/rules.py; the full matrix is expanded from the rules, the permission table and the columns' grants.
The test (access/tests/test_access_matrix.py) sends every request and compares; a new endpoint without an entry
fails it. `python -m grassroots.access.matrix > docs/access-matrix.md` writes the expanded matrix.

Defaults: an anonymous visitor is sent to sign in (pages) or gets 401 (API) unless the entry is public; a
resident (no staff role) is sent from staff pages to the portal (STAFF_AREAS).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grassroots.access.rules import (
    BY_NAME,
    CASE_ROLES,
    COLUMNS,
    CREATED,
    FORBIDDEN,
    FORM,
    LOGIN,
    NOT_FOUND,
    OK,
    PORTAL,
    REDIRECT,
    UNAUTHENTICATED,
    VARIANTS,
    WRITE,
    Column,
    Outcomes,
    Rule,
    any_perm,
    by_perm,
    case_party,
    case_perm,
    case_rule,
    everyone,
    handles_case,
    one,
    override,
    own,
    record,
    share_rule,
    share_seen,
    staff,
)
from grassroots.accounts.roles import Perm, Role

# Staff pages: a resident is sent to the portal from these namespaces and bare URL names (accounts/navigation.py).
STAFF_AREAS = frozenset({"cases", "areas", "registry", "cockpit", "risk", "sharing", "audit"})
STAFF_NAMES = frozenset({"home", "tokens"})
RESIDENT_PAGES = frozenset({"cases:notifications"})
# Path parameters that name a record: an entry with one is asked about an object inside and one outside.
RECORD_PARAMS = frozenset(
    {"person_id", "house_id", "entity_id", "region_id", "case_id", "case_number", "warning_id", "dataset_id",
     "request_id", "grant_id", "report_id", "leaf_index", "notification_id", "token_id"}
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


ENTRIES: dict[str, Entry] = {
    # Accounts and the site's own pages
    "page GET home": page(staff()),
    "page GET login": public(),
    "page POST login": public(FORM),
    "page POST logout": public(LOGIN),
    "page POST elder_mode": public(REDIRECT, body={"on": "1"}),
    "page GET tokens": page(staff()),
    "page POST tokens": page(staff(FORM), body={"name": "矩阵"}),
    "api GET /api/v1/accounts/me": Entry(signed_in()),
    "api GET /api/v1/accounts/tokens": Entry(signed_in()),
    "api POST /api/v1/accounts/tokens": Entry(signed_in(CREATED), body={"name": "矩阵"}),
    "api DELETE /api/v1/accounts/tokens/{token_id}": Entry(own()),
    # Regions
    "page GET areas:tree": page(by_perm(R)),
    "page GET areas:import": page(by_perm(Perm.IMPORT_REGIONS)),
    "page POST areas:import": page(by_perm(Perm.IMPORT_REGIONS, FORM)),
    "page GET areas:detail": page(record(R)),
    "page GET areas:children": page(record(R)),
    "page GET areas:counts": page(record(R)),
    "page GET areas:export": page(record(R)),
    "api GET /api/v1/regions/": Entry(by_perm(R)),
    "api GET /api/v1/regions/locate": Entry(signed_in(), query={"lng": "116.32", "lat": "39.85"}),
    "api POST /api/v1/regions/locate": Entry(signed_in(), body={"points": [{"lng": 116.32, "lat": 39.85}]}),
    "api POST /api/v1/regions/import": Entry(by_perm(Perm.IMPORT_REGIONS, WRITE)),
    "api GET /api/v1/regions/{region_id}": Entry(record(R)),
    "api GET /api/v1/regions/{region_id}/geojson": Entry(record(R)),
    # Registry
    "page GET registry:persons": page(by_perm(V)),
    "page GET registry:houses": page(by_perm(V)),
    "page GET registry:legal_persons": page(by_perm(V)),
    "page GET registry:person_new": page(by_perm(E)),
    "page POST registry:person_new": page(by_perm(E, FORM)),
    "page GET registry:house_new": page(by_perm(E)),
    "page POST registry:house_new": page(by_perm(E, FORM)),
    "page POST registry:person_search": page(by_perm(V), body={"name": "张三丰"}),
    "page POST registry:house_search": page(by_perm(V), body={"door": "银杏胡同"}),
    "page GET registry:person": page(record(V)),
    "page POST registry:person_reveal": page(record(V, Perm.REVEAL_PII), body={"field": "phone", "reason": REASON}),
    "page POST registry:person_tag": page(record(V, E), body={"tag": "{code}"}),
    "page POST registry:person_account": page(record(V, E), body={"username": "resident2"}),
    "page GET registry:house": page(record(V)),
    "page GET registry:legal_person": page(record(V)),
    "page GET registry:export": page(by_perm(Perm.EXPORT_REGISTRY), query={"fmt": "csv"}),
    "api GET /api/v1/registry/persons": Entry(by_perm(V)),
    "api GET /api/v1/registry/houses": Entry(by_perm(V)),
    "api GET /api/v1/registry/legal-persons": Entry(by_perm(V)),
    "api POST /api/v1/registry/persons/search": Entry(by_perm(V), body={"name": "张三丰"}),
    "api POST /api/v1/registry/houses/search": Entry(by_perm(V), body={"door": "银杏胡同"}),
    "api GET /api/v1/registry/persons/{person_id}": Entry(record(V)),
    "api POST /api/v1/registry/persons/{person_id}/reveal": Entry(
        record(V, Perm.REVEAL_PII), body={"field": "phone", "reason": REASON}
    ),
    "api POST /api/v1/registry/persons/{person_id}/tags": Entry(record(V, E), body={"tag": "{code}"}),
    "api DELETE /api/v1/registry/persons/{person_id}/tags/{code}": Entry(record(V, E)),
    "api GET /api/v1/registry/houses/{house_id}": Entry(record(V)),
    "api GET /api/v1/registry/legal-persons/{entity_id}": Entry(record(V)),
    "api GET /api/v1/registry/counts": Entry(by_perm(V), query={"region": "{region_id}"}),
    "api GET /api/v1/registry/export/{kind}": Entry(by_perm(Perm.EXPORT_REGISTRY), query={"fmt": "csv"}),
    "api POST /api/v1/registry/persons": Entry(
        by_perm(E, CREATED),
        body={"region_id": "{region_id}", "name": "赵六", "id_number": "{id_number}", "phone": "13600003333"},
    ),
    "api POST /api/v1/registry/houses": Entry(
        by_perm(E, CREATED), body={"region_id": "{region_id}", "road": "银杏胡同", "number": "10号"}
    ),
    "api POST /api/v1/registry/legal-persons": Entry(
        by_perm(E, CREATED),
        body={
            "region_id": "{region_id}",
            "uscc": "{uscc}",
            "name": "便民超市",
            "address": "银杏胡同12号",
            "industry": "F",
        },
    ),  # fmt: skip
    # Cases
    "page GET cases:workbench": page(any_perm(Perm.VIEW_CASES, Perm.HANDLE_CASES)),
    "page GET cases:new": page(by_perm(Perm.REPORT_CASES)),
    "page POST cases:new": page(by_perm(Perm.REPORT_CASES, FORM)),
    "page GET cases:routing": page(staff()),
    "page POST cases:routing": page(by_perm(Perm.MANAGE_ROUTING, REDIRECT)),
    "page GET cases:hotline": page(by_perm(Perm.REPORT_CASES)),
    "page POST cases:hotline": page(by_perm(Perm.REPORT_CASES, one(200, 400))),
    "page GET cases:notifications": page(signed_in(), resident=OK),
    "page POST cases:notifications": page(signed_in(REDIRECT), resident=REDIRECT),
    "page GET cases:detail": page(CASE_SEEN),
    "page POST cases:act": page(case_rule(handles_case, REDIRECT)),
    "api GET /api/v1/cases/categories": Entry(signed_in()),
    "api GET /api/v1/cases/": Entry(any_perm(*CASE_ROLES)),
    "api POST /api/v1/cases/": Entry(
        by_perm(Perm.REPORT_CASES, CREATED),
        body={
            "title": "路灯不亮",
            "description": "银杏胡同口路灯连续三晚不亮",
            "category": "streetlight",
            "lng": 116.32,
            "lat": 39.85,
        },
    ),  # fmt: skip
    "api GET /api/v1/cases/duplicates": Entry(
        any_perm(*CASE_ROLES),
        query={"category": "street_vending", "lng": "116.32", "lat": "39.85"},
        xfail="find_duplicates answers every signed-in user (rows masked by case_row); cases/api.py duplicates"
        " is owned by another helper",
    ),  # fmt: skip
    "api POST /api/v1/cases/hotline-import": Entry(by_perm(Perm.REPORT_CASES, WRITE), body=UPLOAD),
    "api GET /api/v1/cases/notifications": Entry(signed_in()),
    "api POST /api/v1/cases/notifications/{notification_id}/read": Entry(own()),
    "api GET /api/v1/cases/{case_id}": Entry(CASE_SEEN),
    "api POST /api/v1/cases/{case_id}/accept": Entry(case_rule(handles_case)),
    "api POST /api/v1/cases/{case_id}/return": Entry(
        case_rule(handles_case), body={"reason": "不属本单位职责", "likely_owner": "区市场监管局"}
    ),
    "api POST /api/v1/cases/{case_id}/progress": Entry(case_rule(handles_case), body=NOTE),
    "api POST /api/v1/cases/{case_id}/resolve": Entry(case_rule(handles_case), body=NOTE),
    "api POST /api/v1/cases/{case_id}/close-unfixed": Entry(
        case_rule(handles_case), body={"reason": "不具备条件", **NOTE}
    ),
    "api POST /api/v1/cases/{case_id}/refer": Entry(case_rule(handles_case), body={"body": "区城管执法局", **NOTE}),
    "api POST /api/v1/cases/{case_id}/reroute": Entry(
        case_rule(case_perm(Perm.ARBITRATE_CASES)), body={"region_id": "{region_id}", **NOTE}
    ),
    "api POST /api/v1/cases/{case_id}/arbitrate": Entry(
        case_rule(lambda c, f: case_perm(Perm.ARBITRATE_CASES)(c, f) and case_perm(Perm.SUPERVISE_CASES)(c, f)),
        body={"region_id": "{region_id}", **NOTE},
    ),
    "api POST /api/v1/cases/{case_id}/supervise": Entry(
        case_rule(case_perm(Perm.SUPERVISE_CASES)), body={"deadline": "2031-01-05T17:00:00+08:00", **NOTE}
    ),
    "api POST /api/v1/cases/{case_id}/reclassify": Entry(
        case_rule(lambda c, f: handles_case(c, f) or case_perm(Perm.ARBITRATE_CASES)(c, f)),
        body={"category": "illegal_parking"},
    ),
    "api POST /api/v1/cases/{case_id}/merge": Entry(
        case_rule(case_perm(Perm.ARBITRATE_CASES)),
        body={"primary_id": "{primary}", **NOTE},
        params={"primary": "second_case"},
    ),
    "api POST /api/v1/cases/{case_id}/rate": Entry(case_rule(case_party), body={"satisfied": True, "score": 5}),
    "api POST /api/v1/cases/{case_id}/follow": Entry(
        case_rule(lambda c, f: True),
        xfail="follow lets any user whose grant covers the case's region follow it, and a follower then reads"
        " the case: a department officer or data officer over the district reads every case"
        " (cases/api.py duplicates_visible, owned by another helper)",
    ),  # fmt: skip
    # The residents' portal: any signed-in user (staff are residents too); a case as the case rules say.
    "page GET portal:home": page(signed_in(), resident=OK),
    "page GET portal:report": page(signed_in(), resident=OK),
    "page POST portal:report": page(signed_in(FORM), resident=FORM),
    "page GET portal:boundaries": public(),
    "page GET portal:mine": page(signed_in(), resident=OK),
    "page GET portal:case": page(CASE_SEEN, resident=lambda v: OK if v == "in" else NOT_FOUND),
    "page POST portal:case": page(
        case_rule(lambda c, f: True, REDIRECT), resident=lambda v: REDIRECT if v == "in" else NOT_FOUND
    ),
    "page POST portal:me_too": page(
        case_rule(lambda c, f: True, REDIRECT),
        resident=lambda v: REDIRECT if v == "in" else NOT_FOUND,
        xfail="me-too follows any open case in a region the user's grant covers (as the API's follow)",
    ),  # fmt: skip
    "page GET portal:me_too": page(
        everyone(one(405)),
        resident=one(405),
        xfail="me-too changes state on GET (follows the case); portal/views.py is owned by another helper",
    ),  # fmt: skip
    # Open311 GeoReport v2: public, published categories only
    "page GET /open311/v2/discovery.{fmt}": public(),
    "page GET /open311/v2/services.{fmt}": public(),
    "page GET /open311/v2/services/{code}.{fmt}": public(params=OPEN311),
    "page GET /open311/v2/requests.{fmt}": public(),
    "page POST /open311/v2/requests.{fmt}": public(FORBIDDEN),  # no api_key
    "page GET /open311/v2/requests/{request_id}.{fmt}": public(params=OPEN311),
    "page GET /open311/v2/tokens/{token_id}.{fmt}": public(params=OPEN311),
    # Audit
    "page GET audit:search": page(by_perm(Perm.AUDIT_LOG)),
    "page GET audit:proof": page(record(Perm.AUDIT_LOG)),
    "page GET audit:checkpoint": page(by_perm(Perm.AUDIT_LOG)),
    "page GET audit:checkpoints": page(by_perm(Perm.AUDIT_LOG)),
    "page GET audit:checkpoint_download": page(by_perm(Perm.AUDIT_LOG)),
    # Open data: public releases; publishing needs the permission
    "page GET open:releases": public(),
    "page GET open:release": public(),
    "page POST open:release": public(REDIRECT, body={"message": "希望增加按社区统计的数据"}),
    "page GET open:download": public(params={"fmt": "csv"}),
    "page GET open:publish": page(
        by_perm(Perm.PUBLISH_OPEN_DATA),
        resident=FORBIDDEN,
        xfail="the publish form is shown to every signed-in user (publishing itself is refused); sharing/views.py"
        " is owned by another helper",
    ),  # fmt: skip
    "page POST open:publish": page(by_perm(Perm.PUBLISH_OPEN_DATA, FORM), resident=FORBIDDEN),
    "api GET /api/v1/sharing/releases": public(),
    # Data sharing between departments
    "page GET sharing:catalogue": page(staff()),
    "api GET /api/v1/sharing/catalogue": Entry(staff()),
    "page GET sharing:dataset": page(staff()),
    "page POST sharing:dataset": page(
        lambda c, v: REDIRECT if c.department == "cgw" and v == "in" or c.department == "mzj" else FORBIDDEN,
        xfail="a non-provider's POST re-renders the page (200) instead of 403; sharing is owned by another helper",
    ),  # fmt: skip
    "page GET sharing:dataset_new": page(
        by_perm(Perm.MANAGE_DATASETS),
        xfail="the new-dataset form is shown to every staff role; sharing is owned by another helper",
    ),
    "page POST sharing:dataset_new": page(
        by_perm(Perm.MANAGE_DATASETS, FORM),
        xfail="non-providers' POST re-renders the form (200); sharing is owned by another helper",
    ),
    "page POST sharing:submit": page(
        lambda c, v: REDIRECT if c.role is not None and Perm.REQUEST_DATA in _perms(c) else FORBIDDEN,
        xfail="refusals are flashed and redirected (302), not 403; sharing is owned by another helper",
    ),
    "page GET sharing:requests": page(
        any_perm(Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING),
        xfail="the request list answers 200 (empty) to roles without any sharing permission; sharing is owned by"
        " another helper",
    ),  # fmt: skip
    "page GET sharing:request": page(share_seen, xfail=SHARING_404),
    "page POST sharing:decide": page(
        share_rule(None, Perm.REVIEW_SHARING, REDIRECT),
        xfail="refusals are flashed and redirected (302), not 403; sharing is owned by another helper",
    ),
    "page GET sharing:grant": page(share_seen, xfail=SHARING_404),
    "page POST sharing:grant": page(
        share_rule("consumer", Perm.REQUEST_DATA, REDIRECT),
        body={"action": "report"},
        xfail="refusals are flashed and redirected (302), not 403; sharing is owned by another helper",
    ),  # fmt: skip
    "api GET /api/v1/sharing/requests": Entry(
        any_perm(Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING),
        xfail="answers 200 (empty) to roles without any sharing permission; sharing is owned by another helper",
    ),
    # The consumer is a department: an administrator, who acts for none, is refused.
    "api POST /api/v1/sharing/requests": Entry(
        override(by_perm(Perm.REQUEST_DATA, WRITE), admin=FORBIDDEN),
        body={
            "dataset_id": "{dataset_id}",
            "consumer_id": "{consumer}",
            "purpose": "走访",
            "legal_basis": "条例",
            "fields": ["name"],
            "region_id": "{region_id}",
            "duration_days": 30,
        },
        params={"dataset_id": "dataset_in", "consumer": "my_department", "region_id": "s1"},
    ),  # fmt: skip
    "api POST /api/v1/sharing/requests/{request_id}/compliance": Entry(
        share_rule(None, Perm.REVIEW_SHARING),
        body={"approve": True},
        xfail=SHARING_404,
    ),
    "api POST /api/v1/sharing/requests/{request_id}/decision": Entry(
        share_rule("provider", Perm.MANAGE_DATASETS),
        body={"approve": False, "reasons": "数据不全"},
        xfail=SHARING_404,
    ),
    "api POST /api/v1/sharing/requests/{request_id}/withdraw": Entry(
        share_rule("consumer", Perm.REQUEST_DATA), xfail=SHARING_404
    ),
    "api GET /api/v1/sharing/grants": Entry(
        any_perm(Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING),
        xfail="answers 200 (empty) to roles without any sharing permission; sharing is owned by another helper",
    ),
    "api POST /api/v1/sharing/grants/{grant_id}/key": Entry(
        share_rule("consumer", Perm.REQUEST_DATA), xfail=SHARING_404
    ),
    "api POST /api/v1/sharing/grants/{grant_id}/revoke": Entry(
        provider_or_reviewer, body={"reason": "项目结束"}, xfail=SHARING_404
    ),
    "api POST /api/v1/sharing/grants/{grant_id}/errors": Entry(
        share_rule("consumer", Perm.REQUEST_DATA),
        body={"record_ref": "G1", "description": "人口数与台账不符"},
        xfail=SHARING_404,
    ),
    "api GET /api/v1/sharing/errors": Entry(
        any_perm(Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING),
        xfail="answers 200 (empty) to roles without any sharing permission; sharing is owned by another helper",
    ),
    "api POST /api/v1/sharing/errors/{report_id}/answer": Entry(
        share_rule("provider", Perm.MANAGE_DATASETS),
        body={"answer": "已核对更正", "corrected": True},
        xfail=SHARING_404,
    ),
    # The data itself answers to a grant's key (X-Share-Key), never to a user's token.
    "api GET /api/v1/sharing/data": Entry(everyone(UNAUTHENTICATED)),
    # Risk warnings
    "page GET risk:warnings": page(by_perm(X)),
    "page GET risk:warning": page(record(X)),
    "page POST risk:warning": page(record(X, Perm.HANDLE_WARNINGS, REDIRECT), body={"action": "acknowledge"}),
    "page GET risk:rules": page(by_perm(Perm.HANDLE_WARNINGS)),
    "page POST risk:rules": page(by_perm(Perm.MANAGE_RISK_RULES, REDIRECT)),
    "page GET risk:subscriptions": page(by_perm(X)),
    "page POST risk:subscriptions": page(by_perm(X, REDIRECT)),
    "page GET risk:baseline": page(by_perm(X)),
    "page GET risk:drivers": page(by_perm(X)),
    "api GET /api/v1/risk/warnings": Entry(by_perm(X)),
    "api POST /api/v1/risk/warnings/{warning_id}/acknowledge": Entry(record(X, Perm.HANDLE_WARNINGS, WRITE)),
    "api POST /api/v1/risk/warnings/{warning_id}/close": Entry(
        record(X, Perm.HANDLE_WARNINGS, WRITE), body={"disposition": "handled", "note": "已现场处置完毕"}
    ),
    "api POST /api/v1/risk/signals": Entry(
        by_perm(Perm.HANDLE_WARNINGS, CREATED),
        body={"domain": "environment", "region_id": "{region_id}", "kind": "pm25", "value": 120, "severity": 1},
    ),
    # The leaders' cockpit
    "page GET cockpit:cockpit": page(by_perm(Perm.VIEW_COCKPIT)),
    "page GET cockpit:panel": page(by_perm(Perm.VIEW_COCKPIT)),
}


def _perms(column: Column):
    from grassroots.accounts.roles import PERMISSIONS

    return PERMISSIONS[column.role] if column.role is not None else frozenset()


def is_staff_page(name: str) -> bool:
    if name in RESIDENT_PAGES:
        return False
    return name.split(":", 1)[0] in STAFF_AREAS if ":" in name else name in STAFF_NAMES


def split(key: str) -> tuple[str, str, str]:
    kind, method, name = key.split(" ", 2)
    return kind, method, name


def expected(key: str, entry: Entry, column: Column, variant: str | None) -> Outcomes:
    kind, _method, name = split(key)
    if column.role is None and not entry.public:
        return LOGIN if kind == "page" else UNAUTHENTICATED
    if column.role == Role.RESIDENT:
        if entry.resident is not None:
            return entry.resident(variant) if callable(entry.resident) else entry.resident
        if kind == "page" and is_staff_page(name):
            return PORTAL
    return entry.rule(column, variant)


def variants(entry: Entry, names: list[str]) -> tuple[str | None, ...]:
    """In and out when the request names a record, else one request."""
    return VARIANTS if any(entry.params.get(n, n) in RECORD_PARAMS for n in names) else (None,)


def show(outcomes: Outcomes) -> str:
    named = {WRITE: "write", FORM: "form"}
    return named.get(outcomes) or "/".join(str(o) for o in sorted(outcomes, key=str))


def expand(key: str, entry: Entry, names: list[str]) -> dict[tuple[str, str | None], Outcomes]:
    return {(c.name, v): expected(key, entry, c, v) for c in COLUMNS for v in variants(entry, names)}


def markdown() -> str:
    from grassroots.access.endpoints import pages
    from grassroots.access.tests.harness import placeholders

    paths = {p.name: p.path for p in pages()}
    head = ["endpoint", *[c.name for c in COLUMNS]]
    lines = [
        "# Access matrix",
        "",
        "Generated by `python -m grassroots.access.matrix` from `src/grassroots/access/matrix.py`; checked by",
        "`src/grassroots/access/tests/test_access_matrix.py`. Do not edit by hand.",
        "",
        "Columns are the test cast's users: admin (系统管理员 over the district D), leader_s1 / staff_s1",
        "(街道 S1), worker_c1 (社区 C1), grid_g1 (网格 G1), dept_d (部门 城管委 over D), officer (部门",
        "甲街道城管科 over S1, which city-management cases in S1 are routed to), data_officer (数据管理员 over D),",
        "resident (居民 in G1) and an anonymous visitor. A cell `in / out` gives the outcome for an object in G1",
        "(the resident's own) and one in G4 (another street). `portal`: sent to /portal/; `login`: sent to",
        "sign in; `redirect`: elsewhere (done, or a",
        "form's refusal shown as a message). Several codes in a cell: any of them is past the access check;",
        f"`write` is {'/'.join(map(str, sorted(WRITE)))} and `form` is {'/'.join(sorted(map(str, FORM)))}"
        " (past the access check, with the minimal body the test sends).",
        "⚠ marks an endpoint whose behaviour does not yet match (see its note).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    notes = []
    for key, entry in ENTRIES.items():
        kind, _method, name = split(key)
        path = paths.get(name, name)
        names = sorted(set(placeholders(path, entry.body, entry.query)))
        cells = expand(key, entry, names)
        row = []
        for column in COLUMNS:
            values = [show(cells[(column.name, v)]) for v in variants(entry, names)]
            row.append(" / ".join(values))
        mark = " ⚠" if entry.xfail else ""
        lines.append(f"| `{key}`{mark} | " + " | ".join(row) + " |")
        if entry.xfail:
            notes.append(f"- `{key}`: {entry.xfail}")
    if notes:
        lines += ["", "## Known differences", "", *notes]
    return "\n".join(lines) + "\n"


def _main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
    django.setup()
    print(markdown(), end="")


if __name__ == "__main__":
    _main()

__all__ = ["BY_NAME", "ENTRIES", "Entry", "NOT_FOUND", "expand", "expected", "markdown", "variants"]
