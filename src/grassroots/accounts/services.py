"""Account verbs: users, memberships (role × region subtree) and API tokens."""

from __future__ import annotations

import secrets
from typing import Protocol

from django.db import transaction

from grassroots.accounts.models import ApiToken, Department, Membership, User
from grassroots.accounts.roles import Perm, Role
from grassroots.accounts.scope import require_in_scope
from grassroots.core.audit_events import AuditEvent
from grassroots.core.auditing import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.core.time import now


class Region(Protocol):
    """An areas.Region. Areas sits above accounts (its views need accounts.scope), so accounts names the
    model only by its label, as Membership's foreign key does, and never imports it."""

    pk: int
    path: str
    code: str


@transaction.atomic
def grant_membership(
    actor, user: User, *, role: Role, region: Region, department: Department | None = None
) -> Membership:
    """Give `user` a role over `region`'s subtree. The actor must manage accounts over that region."""
    if actor is not None:
        require_in_scope(actor, Perm.MANAGE_ACCOUNTS, region.path)
    if role == Role.DEPARTMENT and department is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "部门人员必须指定所属部门")
    membership, _ = Membership.objects.get_or_create(
        user=user, role=role, region=region, defaults={"department": department}
    )
    record(
        actor=actor,
        event=AuditEvent.MEMBERSHIP_GRANTED,
        target=membership,
        extra={"user": user.username, "role": str(role), "region": region.code},
    )
    user.__dict__.pop("_gr_grants", None)
    return membership


@transaction.atomic
def revoke_membership(actor, membership: Membership) -> None:
    require_in_scope(actor, Perm.MANAGE_ACCOUNTS, membership.region.path)
    record(
        actor=actor,
        event=AuditEvent.MEMBERSHIP_REVOKED,
        target=membership,
        extra={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def create_user(*, username: str, password: str, display_name: str = "", is_superuser: bool = False) -> User:
    if User.objects.filter(username=username).exists():
        raise DomainError(ErrorCode.DUPLICATE, f"用户名 {username} 已存在")
    user = User(username=username, display_name=display_name, is_staff=is_superuser, is_superuser=is_superuser)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def issue_api_token(actor: User, *, name: str) -> tuple[ApiToken, str]:
    """Return the token row and the secret, which is shown once and never stored."""
    secret = "grt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name.strip()[:60] or "api", prefix=secret[4:12], key_hash=ApiToken.hash_key(secret)
    )
    record(actor=actor, event=AuditEvent.API_TOKEN_ISSUED, target=token, extra={"name": token.name})
    return token, secret


@transaction.atomic
def revoke_api_token(actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound()
    token.revoked_at = now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, event=AuditEvent.API_TOKEN_REVOKED, target=token)
    return token


@transaction.atomic
def create_users_bulk(rows: list[tuple[str, str]], *, password: str) -> dict[str, User]:
    """Create many (username, display name) users sharing one password, hashing it once.

    Used for seeding: hashing a password per user at 2,000 grid workers would take minutes.
    """
    from django.contrib.auth.hashers import make_password

    hashed = make_password(password)
    existing = set(User.objects.filter(username__in=[u for u, _ in rows]).values_list("username", flat=True))
    User.objects.bulk_create(
        [User(username=u, display_name=d, password=hashed) for u, d in rows if u not in existing], batch_size=500
    )
    return {u.username: u for u in User.objects.filter(username__in=[u for u, _ in rows])}


@transaction.atomic
def grant_memberships_bulk(grants: list[tuple[User, Role, Region]]) -> int:
    """Seed memberships (system use only: no actor scope to check). Audited as one entry."""
    have = set(
        Membership.objects.filter(user__in={u for u, _, _ in grants}).values_list("user_id", "role", "region_id")
    )
    new = [Membership(user=u, role=r, region=g) for u, r, g in grants if (u.pk, str(r), g.pk) not in have]
    Membership.objects.bulk_create(new, batch_size=1000)
    record(actor=None, event=AuditEvent.MEMBERSHIP_GRANTED, target_type="accounts.membership", extra={"bulk": len(new)})
    return len(new)
