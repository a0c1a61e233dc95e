"""Who sees and who may act on a case. Every case query goes through here.

- Staff with VIEW_CASES see the cases located in their subtrees (accounts.scope).
- Department officers see only the cases their department owns, within their subtree.
- Residents see the cases they reported or follow.
Outside that, a case does not exist for the caller (NotFound).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from grassroots.accounts.roles import PERMISSIONS, Perm, Role
from grassroots.accounts.scope import grants, grants_with
from grassroots.cases.models import Case
from grassroots.core.errors import NotFound, PermissionDenied


def _visible(actor) -> Q | None:
    clauses = [Q(region_path__startswith=g.path) for g in grants_with(actor, Perm.VIEW_CASES)]
    clauses += [
        Q(owner_department_id=g.department_id, region_path__startswith=g.path)
        for g in grants(actor)
        if g.role == Role.DEPARTMENT and g.department_id
    ]
    if getattr(actor, "is_authenticated", False):
        clauses += [Q(reporter=actor), Q(followers__user=actor)]
    return reduce(or_, clauses) if clauses else None


def cases_for(actor) -> QuerySet[Case]:
    clause = _visible(actor)
    if clause is None:
        return Case.objects.none()
    qs = Case.objects.filter(clause)
    if getattr(actor, "is_authenticated", False):
        qs = qs.distinct()  # the follower join can repeat rows
    return qs.select_related("category", "region", "owner_region", "owner_department")


# A role with none of these sees no case at all: it is refused (403) rather than told a case is missing.
CASE_ROLES = (Perm.VIEW_CASES, Perm.HANDLE_CASES, Perm.REPORT_CASES)


def require_case_role(actor) -> None:
    if not any(perm in PERMISSIONS[g.role] for g in grants(actor) for perm in CASE_ROLES):
        raise PermissionDenied()


def get_case_for(actor, case_id: int) -> Case:
    require_case_role(actor)
    case = cases_for(actor).filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    return case


def can_handle(actor, case: Case) -> bool:
    """The case's owner: its department's officers, or staff holding HANDLE_CASES over the owner region."""
    for grant in grants_with(actor, Perm.HANDLE_CASES):
        if not case.region_path.startswith(grant.path):
            continue
        if case.owner_department_id:
            if grant.role == Role.DEPARTMENT and grant.department_id == case.owner_department_id:
                return True
            if grant.role == Role.SYSTEM_ADMIN:
                return True
        elif grant.role != Role.DEPARTMENT and case.owner_region.path.startswith(grant.path):
            return True
    return False


def require_handler(actor, case: Case) -> None:
    if not can_handle(actor, case):
        raise PermissionDenied(_("您不是该事件的承办人"))


def can(actor, perm: Perm, case: Case) -> bool:
    return any(case.region_path.startswith(g.path) for g in grants_with(actor, perm))


def require(actor, perm: Perm, case: Case) -> None:
    if not can(actor, perm, case):
        raise PermissionDenied()


def view_case(actor, case_id: int) -> Case:
    """Fetch a case for display and record the access: its reporter's identity is personal data."""
    from grassroots.audit.events import AuditEvent
    from grassroots.audit.services import record

    case = get_case_for(actor, case_id)
    record(
        actor=actor,
        event=AuditEvent.CASE_VIEWED,
        target=case,
        extra={"identity_shown": can_handle(actor, case) or case.reporter_id == getattr(actor, "pk", None)},
    )
    return case
