"""SLA supervision run by Celery beat: warn before the deadline, escalate on breach, and make sure no case
stays without an owner who can act on it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.cases.handling import escalate_case
from grassroots.cases.models import OPEN_STATUSES, Case, Status
from grassroots.cases.notify import ASSIGNED, notify, owners_of
from grassroots.core.time import now


def warn_due(moment: dt.datetime | None = None) -> int:
    moment = moment or now()
    count = 0
    for case in Case.objects.filter(status__in=OPEN_STATUSES, warned=False, warn_at__lte=moment, due_at__gt=moment):
        with transaction.atomic():
            message = f"{case.number} 即将超时，请于 {case.due_at:%m-%d %H:%M} 前办结"
            notify(case, owners_of(case), message, topic=ASSIGNED)
            Case.objects.filter(pk=case.pk).update(warned=True)
        count += 1
    return count


def escalate_breached(moment: dt.datetime | None = None) -> int:
    moment = moment or now()
    count = 0
    for case in Case.objects.filter(status__in=OPEN_STATUSES, breached=False, due_at__lte=moment):
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(breached=True)
            escalate_case(case, reason=f"超过办理时限 {case.due_at:%Y-%m-%d %H:%M}")
        count += 1
    return count


def ownerless(moment: dt.datetime | None = None) -> list[Case]:
    """Open cases whose owner has had nobody able to act for CASE_OWNERLESS_MINUTES, or a return nobody
    re-routed in that time."""
    cutoff = (moment or now()) - dt.timedelta(minutes=settings.CASE_OWNERLESS_MINUTES)
    stale = Case.objects.filter(status__in=OPEN_STATUSES, owner_since__lte=cutoff).select_related("owner_region")
    return [c for c in stale if (c.status == Status.RETURNED and not c.needs_arbitration) or not owners_of(c)]


def escalate_ownerless(moment: dt.datetime | None = None) -> int:
    cases = ownerless(moment)
    for case in cases:
        escalate_case(case, reason=_("承办单位无人签收或无人负责，自动升级"))
    return len(cases)
