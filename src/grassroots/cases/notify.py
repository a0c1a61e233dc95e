"""Notifications: an in-app list for every user concerned, and e-mail through Django's mail backend.

Mail goes out after the transaction commits, so a rolled-back change never sends anything.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from grassroots.accounts.models import Membership
from grassroots.accounts.roles import Role
from grassroots.cases.models import Case, Follower, Notification


def followers_of(case: Case) -> set:
    return {f.user for f in Follower.objects.filter(case=case).select_related("user")}


def owners_of(case: Case) -> set:
    """Who must act: the owning department's officers, or the staff of the owner region."""
    if case.owner_department_id:
        rows = Membership.objects.filter(role=Role.DEPARTMENT, department_id=case.owner_department_id)
    else:
        rows = Membership.objects.filter(
            region=case.owner_region, role__in=[Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF]
        )
    return {m.user for m in rows.select_related("user")}


def arbiters_of(case: Case) -> set:
    """Street leaders over the case's street (or district leaders above it)."""
    rows = Membership.objects.filter(role=Role.STREET_LEADER).select_related("user", "region")
    return {m.user for m in rows if case.region_path.startswith(m.region.path)}


def notify(case: Case, users, message: str) -> int:
    return notify_users(users, message, case=case, subject=f"[{case.number}] {message[:60]}")


def notify_users(
    users, message: str, link: str = "", *, case: Case | None = None, subject: str = "", email: bool = True
) -> int:
    """In-app notice (with a link to what needs attention) plus e-mail after commit. Any app may call it."""
    users = {u for u in users if u is not None and u.is_active}
    Notification.objects.bulk_create(
        [Notification(user=u, case=case, message=message[:300], link=link[:200]) for u in users]
    )
    recipients = sorted({u.email for u in users if u.email}) if email else []
    if recipients:
        subject = subject or message[:60]
        transaction.on_commit(lambda: send_each(subject, message, recipients))
    return len(users)


def send_each(subject: str, message: str, recipients: list[str]) -> None:
    """One message per recipient over one connection: a shared To: list would show each address to everyone."""
    mails = [EmailMessage(subject, message, None, [address]) for address in recipients]
    get_connection(fail_silently=True).send_messages(mails)
