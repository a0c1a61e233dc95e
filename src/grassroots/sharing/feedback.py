"""Data-error feedback between departments: the consumer reports, the provider answers by a deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from grassroots.accounts.roles import Perm
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.notifications.services import notify
from grassroots.sharing.catalogue import require_department
from grassroots.sharing.models import DataErrorReport, ShareGrant
from grassroots.sharing.topics import GRANT
from grassroots.sharing.workflow import department_members, notice, working_deadline


@transaction.atomic
def report_data_error(actor, grant: ShareGrant, *, record_ref: str, description: str) -> DataErrorReport:
    require_department(actor, Perm.REQUEST_DATA, grant.consumer_id)
    record_ref, description = (record_ref or "").strip(), (description or "").strip()
    if not 1 <= len(record_ref) <= 120:
        raise DomainError(ErrorCode.INVALID_INPUT, _("请写明有误的记录（编号或区划代码等）"))
    if not 5 <= len(description) <= 1000:
        raise DomainError(ErrorCode.INVALID_INPUT, _("问题描述应为 5–1000 个字"))
    now = timezone.now()
    report = DataErrorReport.objects.create(
        grant=grant,
        reported_by=actor,
        record_ref=record_ref,
        description=description,
        created_at=now,
        due_at=working_deadline(now, settings.SHARING_ERROR_ANSWER_DAYS),
    )
    link = reverse("sharing:grant", args=[grant.pk])
    message = notice(
        gettext_noop("数据纠错待答复：%(title)s · %(record)s"), title=grant.dataset.title, record=record_ref
    )
    notify(department_members(grant.dataset.department_id, Perm.MANAGE_DATASETS), message, topic=GRANT, link=link)
    record(actor=actor, event=AuditEvent.DATA_ERROR_REPORTED, target=report, extra={"grant": grant.pk})
    return report


@transaction.atomic
def answer_data_error(actor, report: DataErrorReport, *, answer: str, corrected: bool) -> DataErrorReport:
    require_department(actor, Perm.MANAGE_DATASETS, report.grant.dataset.department_id)
    report = DataErrorReport.objects.select_for_update().get(pk=report.pk)
    if report.answered_at:
        raise DomainError(ErrorCode.CONFLICT, _("已经答复过"))
    answer = (answer or "").strip()
    if not 2 <= len(answer) <= 1000:
        raise DomainError(ErrorCode.INVALID_INPUT, _("答复应为 2–1000 个字"))
    report.answer, report.corrected = answer, corrected
    report.answered_by, report.answered_at = actor, timezone.now()
    report.save(update_fields=["answer", "corrected", "answered_by", "answered_at"])
    message = notice(gettext_noop("数据纠错已答复：%(record)s"), record=report.record_ref)
    notify({report.reported_by}, message, topic=GRANT, link=reverse("sharing:grant", args=[report.grant_id]))
    record(
        actor=actor,
        event=AuditEvent.DATA_ERROR_ANSWERED,
        target=report,
        extra={"corrected": corrected, "late": report.answered_at > report.due_at},
    )
    return report
