"""The one scoping helper. Every staff query and mutation passes through here (DESIGN.md §4).

A grant is (role, region path). It covers a record when the record's region path starts with the grant's
path, i.e. the record lies in that subtree. Outside every grant, fetchers raise NotFound, not Forbidden,
so nobody learns that a record exists elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from grassroots.accounts.roles import MASKING, PERMISSIONS, STAFF_ROLES, Perm, Role, most_revealing
from grassroots.core.errors import NotFound, PermissionDenied
from grassroots.core.masking import Pattern

ROOT_PATH = "/"


@dataclass(frozen=True)
class Grant:
    role: Role
    path: str
    department_id: int | None = None

    def covers(self, path: str) -> bool:
        return path.startswith(self.path)


def grants(user) -> list[Grant]:
    """The user's grants, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_gr_grants", None)
    if cached is None:
        cached = [
            Grant(Role(m.role), m.region.path, m.department_id) for m in user.memberships.select_related("region")
        ]
        if user.is_superuser:
            cached.append(Grant(Role.SYSTEM_ADMIN, ROOT_PATH))
        user._gr_grants = cached
    return cached


def grants_with(user, perm: Perm) -> list[Grant]:
    return [g for g in grants(user) if perm in PERMISSIONS[g.role]]


def has_perm(user, perm: Perm) -> bool:
    return bool(grants_with(user, perm))


def require_perm(user, perm: Perm) -> None:
    """403 for a role that can never do this, whatever the record."""
    if not has_perm(user, perm):
        raise PermissionDenied()


def scoped(qs: QuerySet, user, perm: Perm, path_field: str = "region__path") -> QuerySet:
    """Limit `qs` to the subtrees where the user holds a role with `perm`. Empty for everyone else."""
    paths = sorted({g.path for g in grants_with(user, perm)})
    if not paths:
        return qs.none()
    if ROOT_PATH in paths:
        return qs
    # Drop paths nested inside another granted path: the outer one already covers them.
    outer = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return qs.filter(reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in outer)))


def widest_path(user, perm: Perm) -> str | None:
    """The path of the user's widest region holding `perm`, where their pages open; None without one."""
    paths = sorted({g.path for g in grants_with(user, perm)}, key=lambda p: (len(p), p))
    return paths[0] if paths else None


def covers(user, perm: Perm, path: str) -> bool:
    return any(g.covers(path) for g in grants_with(user, perm))


def require_in_scope(user, perm: Perm, path: str) -> None:
    require_perm(user, perm)
    if not covers(user, perm, path):
        raise NotFound()


def pattern_for(user, kind: str, path: str) -> Pattern:
    """The most revealing pattern among the user's roles that cover the record's region."""
    return most_revealing([MASKING[g.role][kind] for g in grants(user) if g.covers(path)])


def roles_of(user) -> set[Role]:
    return {g.role for g in grants(user)}


def holds_staff_role(user) -> bool:
    """A superuser, or a membership in any role but 居民: the staff side of the product."""
    return bool(user.is_superuser or roles_of(user) & STAFF_ROLES)
