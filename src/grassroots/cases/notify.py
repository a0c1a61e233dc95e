"""Who hears about a case (its followers, owners, arbiters), and the case notice itself.

The sending is the notifications app's (`notifications.services.notify`: in-app, then e-mail after commit by
each person's choices); what cases adds is who is concerned, the case number as reference and its page as link.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import Membership
from grassroots.accounts.roles import Role
from grassroots.cases.models import Case, Follower
from grassroots.notifications.services import notify as notify_users
from grassroots.notifications.topics import register_topic

ASSIGNED = "cases.assigned"  # to those who must act: a new case, a deadline near
PROGRESS = "cases.progress"  # to those following it: accepted, returned, resolved, closed …


def register_topics() -> None:
    register_topic(ASSIGNED, _("待办事件与超时提醒"))
    register_topic(PROGRESS, _("事件办理进展"))


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


def notify(case: Case, users, message: str, *, topic: str = PROGRESS) -> int:
    """A notice about this case: its number as reference, its page as the link, the number in the subject."""
    link, subject = reverse("cases:detail", args=[case.pk]), f"[{case.number}] {message[:60]}"
    return notify_users(users, message, topic=topic, link=link, ref=case.number, subject=subject)
