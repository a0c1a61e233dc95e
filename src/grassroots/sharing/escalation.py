"""Escalation of overdue steps and unanswered data-error reports, run by the beat task every 15 minutes.

Each overdue row is claimed by one conditional UPDATE (`escalated_at` set only where it is still null and the
row still overdue) in the same transaction as its step, notices and audit entry. Two beat workers, or a
run that overlaps the next, cannot escalate the same row twice: the second UPDATE matches no row.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from grassroots.accounts.roles import Perm
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.notifications.services import notify
from grassroots.sharing.models import DataErrorReport, RequestStatus, ShareRequest, StepKind
from grassroots.sharing.models.exchange import DUE_STATUSES
from grassroots.sharing.topics import GRANT, REQUEST
from grassroots.sharing.workflow import add_step, department_members, notice, request_link, reviewers_for

BATCH = 500


def _overdue_requests(now: dt.datetime):
    return ShareRequest.objects.filter(status__in=DUE_STATUSES, step_due_at__lt=now, escalated_at=None)


def _overdue_reports(now: dt.datetime):
    return DataErrorReport.objects.filter(answered_at=None, due_at__lt=now, escalated_at=None)


@transaction.atomic
def escalate_request(request_id: int, now: dt.datetime) -> bool:
    """Escalate one request if it is still overdue and nobody has escalated it yet; False otherwise."""
    if not _overdue_requests(now).filter(pk=request_id).update(escalated_at=now):
        return False
    request = ShareRequest.objects.select_related("dataset__department__region").get(pk=request_id)
    add_step(request, StepKind.ESCALATED, None, due_at=request.step_due_at)
    who = reviewers_for(request.dataset.department.region.path)
    if request.status == RequestStatus.PROVIDER:
        who |= department_members(request.dataset.department_id, Perm.MANAGE_DATASETS)
    message = notice(gettext_noop("【超期督办】数据共享申请「%(title)s」已超过办理时限"), title=request.dataset.title)
    notify(who, message, topic=REQUEST, link=request_link(request))
    record(actor=None, event=AuditEvent.SHARE_ESCALATED, target=request, extra={"status": request.status})
    return True


@transaction.atomic
def escalate_report(report_id: int, now: dt.datetime) -> bool:
    if not _overdue_reports(now).filter(pk=report_id).update(escalated_at=now):
        return False
    report = DataErrorReport.objects.select_related("grant__dataset__department__region").get(pk=report_id)
    dataset = report.grant.dataset
    who = department_members(dataset.department_id, Perm.MANAGE_DATASETS) | reviewers_for(
        dataset.department.region.path
    )
    message = notice(gettext_noop("【超期督办】数据纠错「%(record)s」未在期限内答复"), record=report.record_ref)
    notify(who, message, topic=GRANT, link=reverse("sharing:grant", args=[report.grant_id]))
    record(actor=None, event=AuditEvent.DATA_ERROR_ESCALATED, target=report)
    return True


def escalate_overdue(now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate each overdue step once: notify who must act and the reviewers above them; audit it."""
    now = now or timezone.now()
    requests = list(_overdue_requests(now).order_by("step_due_at").values_list("pk", flat=True)[:BATCH])
    reports = list(_overdue_reports(now).order_by("due_at").values_list("pk", flat=True)[:BATCH])
    return {
        "requests": sum(escalate_request(pk, now) for pk in requests),
        "error_reports": sum(escalate_report(pk, now) for pk in reports),
    }
