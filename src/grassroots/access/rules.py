"""The policy the access matrix is generated from: who the columns are, what an outcome is, and the rules.

A rule maps (column, variant) to the set of outcomes allowed for that request. Variant "in" asks about an
object inside every staff column's area (grid G1, street S1), "out" about one outside S1 (grid G4, street S2);
None is an endpoint about no particular object. Rules derive from the permission table (accounts/roles.py)
and from the columns' grants; they restate the policy rather than call the code under test, so a change in
the code that breaks the policy fails the matrix test.

Outcomes are status codes, or for redirects where they lead: "portal" (a resident sent from a staff page),
"login" (an anonymous visitor sent to sign in) and "redirect" (anywhere else: a form that did its work).
A role that can never do the thing (holds the permission nowhere) answers 403, for a list, a form or a record
alike, before anything is looked up. Otherwise a record is looked up among those the caller may see: one
outside the caller's area answers 404, as a missing one does; a seen record the role may not act on, 403.

A denial (401, 403, 404, portal, login) must match exactly; an allowed request may end in any outcome of
its set, e.g. 400 or 422 for the minimal body the test sends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from grassroots.accounts.roles import PERMISSIONS, Perm, Role
from grassroots.conftest import TERRITORY

Outcome = int | str
Outcomes = frozenset[Outcome]


@dataclass(frozen=True)
class Column:
    name: str
    role: Role | None  # None: not signed in
    region: str = ""  # the territory code of the column's one grant
    department: str = ""  # the department code of a department officer


COLUMNS = (
    Column("admin", Role.SYSTEM_ADMIN, "D"),
    Column("leader_s1", Role.STREET_LEADER, "S1"),
    Column("staff_s1", Role.STREET_STAFF, "S1"),
    Column("worker_c1", Role.COMMUNITY_STAFF, "C1"),
    Column("grid_g1", Role.GRID_WORKER, "G1"),
    Column("dept_d", Role.DEPARTMENT, "D", "cgw"),
    Column("officer", Role.DEPARTMENT, "S1", "s1-cgk"),
    Column("data_officer", Role.DATA_OFFICER, "D"),
    Column("resident", Role.RESIDENT, "G1"),
    Column("anonymous", None),
)
BY_NAME = {c.name: c for c in COLUMNS}
VARIANTS = ("in", "out")
OBJECT_GRID = {"in": "G1", "out": "G4"}

_PARENT = {f["properties"]["code"]: f["properties"]["parent_code"] for f in TERRITORY["features"]}


def lineage(code: str) -> list[str]:
    chain = []
    while code:
        chain.append(code)
        code = _PARENT[code]
    return chain


def covers(column: Column, region: str) -> bool:
    """The column's grant covers the region (the region lies in the grant's subtree)."""
    return bool(column.region) and column.region in lineage(region)


def holds(column: Column, perm: Perm) -> bool:
    return column.role is not None and perm in PERMISSIONS[column.role]


def one(*outcomes: Outcome) -> Outcomes:
    return frozenset(outcomes)


OK = one(200)
CREATED = one(201)
FORBIDDEN = one(403)
NOT_FOUND = one(404)
UNAUTHENTICATED = one(401)
PORTAL = one("portal")
LOGIN = one("login")
REDIRECT = one("redirect")
# Past the access check with a minimal body: done, or refused for the input or the record's state.
WRITE = one(200, 201, 400, 409, 422)
FORM = one(200, "redirect", 400, 409)  # a page form: shown again with its errors, or done and redirected
DENIALS = frozenset({401, 403, 404, "portal", "login"})

Rule = Callable[[Column, str | None], Outcomes]


def everyone(outcomes: Outcomes = OK) -> Rule:
    return lambda column, variant: outcomes


def by_perm(perm: Perm, inside: Outcomes = OK, outside: Outcomes = NOT_FOUND, denied: Outcomes = FORBIDDEN) -> Rule:
    """A role without `perm` anywhere: 403. With it: `inside` for objects its grant covers, else `outside`."""

    def rule(column: Column, variant: str | None) -> Outcomes:
        if not holds(column, perm):
            return denied
        if variant is None or covers(column, OBJECT_GRID[variant]):
            return inside
        return outside

    return rule


def by_perms(*perms: Perm, inside: Outcomes = OK) -> Rule:
    """Like by_perm, for an action that needs every one of `perms` (e.g. hotline import: report and view cases)."""

    def rule(column: Column, variant: str | None) -> Outcomes:
        return inside if all(holds(column, p) for p in perms) else FORBIDDEN

    return rule


def record(view: Perm, do: Perm | None = None, allowed: Outcomes = OK) -> Rule:
    """A record by id: 403 for a role that can never see such records; then it is looked up among those the
    column sees (`view` over its area), so one outside answers 404; a seen record the role may not act on
    (`do`) answers 403."""

    def rule(column: Column, variant: str | None) -> Outcomes:
        if not holds(column, view):
            return FORBIDDEN
        if not covers(column, OBJECT_GRID[variant]):
            return NOT_FOUND
        if do is not None and not holds(column, do):
            return FORBIDDEN
        return allowed

    return rule


def any_perm(*perms: Perm, allowed: Outcomes = OK) -> Rule:
    """A section open to a role holding any of `perms` (wherever), 403 to the others."""
    return lambda column, variant: allowed if any(holds(column, p) for p in perms) else FORBIDDEN


def staff(outcomes: Outcomes = OK) -> Rule:
    """Any staff role, wherever its grant: the catalogue, one's own tokens and settings."""
    return lambda column, variant: outcomes if column.role not in (None, Role.RESIDENT) else FORBIDDEN


def override(rule: Rule, **columns: Outcomes | Callable[[str | None], Outcomes]) -> Rule:
    """The rule, except for the named columns (a value, or a function of the variant)."""

    def wrapped(column: Column, variant: str | None) -> Outcomes:
        if column.name in columns:
            value = columns[column.name]
            return value(variant) if callable(value) else value
        return rule(column, variant)

    return wrapped


def own(inside: Outcomes = OK, outside: Outcomes = NOT_FOUND) -> Rule:
    """Records that belong to the signed-in user ("in": theirs, "out": another user's)."""
    return lambda column, variant: inside if variant in (None, "in") else outside


# Cases (cases/access.py): staff with VIEW_CASES see cases in their area; a department officer sees those its
# department owns, within its area; a resident those they reported or follow. The owner handles the case.
@dataclass(frozen=True)
class CaseFacts:
    grid: str
    owner_region: str
    department: str  # owning department, "" when a region owns the case
    reporter: str


CASES = {
    "in": CaseFacts("G1", "S1", "s1-cgk", "resident"),  # city management in S1: routed to 甲街道城管科
    "out": CaseFacts("G4", "C3", "", "resident2"),  # the same in S2, where no rule names a department
}


def sees_case(column: Column, facts: CaseFacts) -> bool:
    if holds(column, Perm.VIEW_CASES) and covers(column, facts.grid):
        return True
    if column.role == Role.DEPARTMENT and column.department == facts.department and covers(column, facts.grid):
        return True
    return column.name == facts.reporter


def handles_case(column: Column, facts: CaseFacts) -> bool:
    if not (holds(column, Perm.HANDLE_CASES) and covers(column, facts.grid)):
        return False
    if facts.department:
        return column.role == Role.SYSTEM_ADMIN or column.department == facts.department
    return column.role != Role.DEPARTMENT and covers(column, facts.owner_region)


CASE_ROLES = (Perm.VIEW_CASES, Perm.HANDLE_CASES, Perm.REPORT_CASES)  # a role with none sees no case


def case_rule(may: Callable[[Column, CaseFacts], bool], allowed: Outcomes = WRITE) -> Rule:
    """403 for a role that sees no case; 404 for a case the column cannot see; else `allowed` if `may`, else 403."""

    def rule(column: Column, variant: str | None) -> Outcomes:
        if not any(holds(column, p) for p in CASE_ROLES):
            return FORBIDDEN
        facts = CASES[variant]
        if not sees_case(column, facts):
            return NOT_FOUND
        return allowed if may(column, facts) else FORBIDDEN

    return rule


def case_perm(perm: Perm) -> Callable[[Column, CaseFacts], bool]:
    return lambda column, facts: holds(column, perm) and covers(column, facts.grid)


def case_party(column: Column, facts: CaseFacts) -> bool:
    return column.name == facts.reporter


# Sharing (sharing/workflow.py, grants.py): a request or grant is seen by its consumer and provider
# departments and by reviewers (REVIEW_SHARING) over the provider's region; the catalogue by all staff.
SHARES = {"in": ("s1-cgk", "cgw"), "out": ("s2-zz", "mzj")}  # (consumer, provider) departments
PROVIDER_REGION = "D"


SHARE_ROLES = (Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING)


def share_seen(column: Column, variant: str | None) -> Outcomes:
    """A request or grant: 403 for a role with no sharing permission, 404 unseen, else 200."""
    if not any(holds(column, p) for p in SHARE_ROLES):
        return FORBIDDEN
    return OK if sees_share(column, variant) else NOT_FOUND


def sees_share(column: Column, variant: str) -> bool:
    consumer, provider = SHARES[variant]
    if column.role == Role.DEPARTMENT and column.department in (consumer, provider):
        return True
    return holds(column, Perm.REVIEW_SHARING) and covers(column, PROVIDER_REGION)


def share_rule(party: str | None, perm: Perm, allowed: Outcomes = WRITE) -> Rule:
    """404 unseen; then `allowed` for the department that is `party` ("consumer"/"provider") with `perm`, or
    (party None) for a role holding `perm` over the provider's region; else 403."""

    def rule(column: Column, variant: str | None) -> Outcomes:
        if share_seen(column, variant) != OK:
            return share_seen(column, variant)
        consumer, provider = SHARES[variant]
        if party is None:
            ok = holds(column, perm) and covers(column, PROVIDER_REGION)
        else:
            ok = holds(column, perm) and column.department == (consumer if party == "consumer" else provider)
        return allowed if ok else FORBIDDEN

    return rule
