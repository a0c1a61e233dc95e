"""Grading a dataset's fields (GB/T 43697 level and personal-data kind), and what a change does to its grants.

- A field that comes from a live source is graded by the source: its level may be raised but never set below
  the source's, and a personal field keeps the source's kind, so it stays masked whoever grades it.
- Any change of a grade while the dataset has grants suspends them: a grant was approved with the masking
  the grades gave, so it serves nothing until the compliance step approves it again
  (workflow.decide_compliance on a suspended request).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from grassroots.accounts.roles import Perm
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.notifications.services import notify
from grassroots.sharing.catalogue import PII_KINDS, PII_LABELS, require_department
from grassroots.sharing.models import (
    Dataset,
    DatasetField,
    RequestStatus,
    Resource,
    Sensitivity,
    ShareGrant,
    ShareRequest,
    StepKind,
)
from grassroots.sharing.sources import SOURCES
from grassroots.sharing.topics import GRANT
from grassroots.sharing.transitions import transition
from grassroots.sharing.workflow import (
    department_members,
    notice,
    request_link,
    reviewers_for,
    working_deadline,
)

Grade = tuple[str, str]  # (sensitivity, pii kind)
RANK = {Sensitivity.GENERAL: 0, Sensitivity.IMPORTANT: 1, Sensitivity.CORE: 2}


def source_grades(dataset: Dataset) -> dict[str, Grade]:
    """{field: (level, kind)} as the dataset's live sources declare them: the floor of each such field."""
    floors: dict[str, Grade] = {}
    for resource in dataset.resources.all():
        source = SOURCES.get(resource.source) if resource.kind == Resource.LIVE else None
        for field in source.fields if source else ():
            floors[field.name] = (field.sensitivity, field.pii_kind)
    return floors


def below_source(grade: Grade, floor: Grade) -> bool:
    """Lower than the source allows: a lower level, or a personal field without the source's kind."""
    (level, kind), (floor_level, floor_kind) = grade, floor
    return RANK[level] < RANK[floor_level] or bool(floor_kind and kind != floor_kind)


@dataclass(frozen=True)
class FieldChoice:
    """A field on the grading form with the levels and kinds it may take."""

    field: DatasetField
    levels: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    floor: Grade | None


def field_choices(dataset: Dataset) -> list[FieldChoice]:
    floors = source_grades(dataset)
    rows = []
    for field in dataset.fields.all():
        floor = floors.get(field.name)
        levels = [(v, str(label)) for v, label in Sensitivity.choices if not floor or RANK[v] >= RANK[floor[0]]]
        kinds = [(k, str(PII_LABELS[k])) for k in PII_KINDS if not (floor and floor[1]) or k == floor[1]]
        rows.append(FieldChoice(field, levels, kinds, floor))
    return rows


def _check(grades: dict[str, Grade], fields: dict[str, DatasetField], floors: dict[str, Grade]) -> None:
    for name, (sensitivity, pii_kind) in grades.items():
        if name not in fields:
            raise DomainError(ErrorCode.INVALID_INPUT, gettext("没有字段：%(name)s") % {"name": name})
        if sensitivity not in Sensitivity.values or pii_kind not in PII_KINDS:
            message = gettext("字段 %(name)s 的级别或类型无效") % {"name": name}
            raise DomainError(ErrorCode.INVALID_INPUT, message)
        if pii_kind and sensitivity != Sensitivity.CORE:
            message = gettext("个人信息字段 %(name)s 须定为核心数据") % {"name": name}
            raise DomainError(ErrorCode.INVALID_INPUT, message)
    lowered = {n: floors[n] for n, grade in grades.items() if n in floors and below_source(grade, floors[n])}
    if lowered:
        names = "、".join(lowered)
        raise DomainError(
            ErrorCode.GRADE_BELOW_SOURCE,
            gettext("以下字段来自实时数据源，分级由数据源确定，只能调高、不能调低或取消个人信息类型：%(fields)s")
            % {"fields": names},
            details={"fields": {n: {"sensitivity": floor[0], "pii_kind": floor[1]} for n, floor in lowered.items()}},
        )


def _grade(field: DatasetField) -> Grade | None:
    return (field.sensitivity, field.pii_kind) if field.graded_at else None


@dataclass(frozen=True)
class Regrade:
    changed: list[str]
    suspended: list[ShareGrant]


def _describe(field: DatasetField, new: Grade) -> str:
    def show(grade: Grade) -> str:
        level = str(Sensitivity(grade[0]).label)
        return f"{level}/{PII_LABELS[grade[1]]}" if grade[1] else level

    old = show((field.sensitivity, field.pii_kind)) if field.graded_at else gettext("未分级")
    return f"{field.label}（{old}→{show(new)}）"


def _suspend(actor, grant: ShareGrant, reason: str, changed: list[str], now) -> None:
    """Pause one grant and put its request back to the compliance step, with a fresh working-day deadline."""
    request = ShareRequest.objects.select_for_update().get(pk=grant.request_id)
    grant.suspended_at, grant.suspend_reason = grant.suspended_at or now, reason[:300]
    grant.save(update_fields=["suspended_at", "suspend_reason"])
    changes = {}
    if request.status != RequestStatus.SUSPENDED:  # a second change keeps the first change's deadline
        changes = {"escalated_at": None, "step_due_at": working_deadline(now, settings.SHARING_COMPLIANCE_DAYS)}
    extra = {"request": str(request.pk), "fields": changed, "reason": reason[:300]}
    transition(request, "suspend", actor, reasons=reason, changes=changes, target=grant, extra=extra)
    approvers = {
        s.actor for s in request.steps.filter(kind__in=[StepKind.COMPLIANCE, StepKind.PROVIDER], approved=True)
    }
    who = (
        {request.requested_by}
        | approvers
        | department_members(grant.consumer_id, Perm.REQUEST_DATA)
        | reviewers_for(grant.dataset.department.region.path)
    )
    message = notice(
        gettext_noop("数据共享授权已暂停：%(title)s（字段分级变更：%(changes)s），待重新合规审查"),
        title=grant.dataset.title,
        changes=reason[:120],
    )
    notify(who, message, topic=GRANT, link=request_link(request))


@transaction.atomic
def grade_fields(actor, dataset: Dataset, grades: dict[str, Grade]) -> Regrade:
    """Set each field's level and personal-data kind: {field name: (sensitivity, pii kind)}.

    Only fields whose grade changes (or that were ungraded) are written. If any is, every grant on the
    dataset that is neither revoked nor expired is suspended until the compliance step reviews it again.
    """
    require_department(actor, Perm.MANAGE_DATASETS, dataset.department_id)
    grades = {name: (str(level), str(kind)) for name, (level, kind) in grades.items()}
    dataset = Dataset.objects.select_for_update().select_related("department__region").get(pk=dataset.pk)
    fields = {f.name: f for f in DatasetField.objects.filter(dataset=dataset)}
    _check(grades, fields, source_grades(dataset))
    changed = sorted(n for n, grade in grades.items() if _grade(fields[n]) != grade)
    if not changed:
        return Regrade([], [])
    now = timezone.now()
    # Locked before the grades change: a call holding its grant's lock reads the old grades, and the next
    # call finds the grant suspended (grants.fetch takes the masking plan under that lock).
    live = list(
        ShareGrant.objects.select_for_update(of=("self",))
        .select_related("dataset__department__region")
        .filter(dataset=dataset, revoked_at=None, expires_at__gt=now)
        .order_by("pk")
    )
    with translation.override(settings.LANGUAGE_CODE):  # the reason is stored as text
        reason = "、".join(_describe(fields[n], grades[n]) for n in changed)
    before = {n: list(old) if (old := _grade(fields[n])) else None for n in changed}
    for name in changed:
        fields[name].sensitivity, fields[name].pii_kind = grades[name]
        fields[name].graded_at = now
    DatasetField.objects.bulk_update([fields[n] for n in changed], ["sensitivity", "pii_kind", "graded_at"])
    record(
        actor=actor,
        event=AuditEvent.DATASET_UPDATED,
        target=dataset,
        extra={
            "graded": {n: list(grades[n]) for n in changed},
            "before": before,
            "suspended": [str(g.pk) for g in live],
        },
    )
    for grant in live:
        _suspend(actor, grant, reason, changed, now)
    return Regrade(changed, live)
