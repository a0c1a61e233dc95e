"""The departmental catalogue: create datasets over live sources or uploaded tables, and export it as DCAT.

A department officer acts for the departments named on their memberships. Metadata is visible to all
staff, as a shared catalogue must be; the data itself only flows through grants (sharing/grants.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import Department
from grassroots.accounts.roles import STAFF_ROLES, Perm
from grassroots.accounts.scope import grants_with, has_perm, roles_of
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.core.tables import read_table
from grassroots.sharing.models import (
    Dataset,
    DatasetField,
    Frequency,
    Resource,
    ResourceRow,
    Sensitivity,
    SharingClass,
)
from grassroots.sharing.sources import SOURCES

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILE_ROWS = 50_000
PII_KINDS = ("", "name", "phone", "id_number")
PII_LABELS = {"": "—", "name": _("姓名"), "phone": _("电话号码"), "id_number": _("身份证号")}
MAX_NAME = 60  # DatasetField.name/label and Resource.region_column/date_column
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")


SHARING_PERMS = (Perm.REQUEST_DATA, Perm.MANAGE_DATASETS, Perm.REVIEW_SHARING)


def require_sharing_role(actor) -> None:
    """403 for a role that takes no part in sharing (requests, grants, error reports), before any lookup:
    such a role finds nothing anywhere, so a 404 would only hide that it may never look."""
    if not any(has_perm(actor, perm) for perm in SHARING_PERMS):
        raise PermissionDenied()


def departments_for(actor, perm: Perm) -> list[Department]:
    """The departments the actor may act for with `perm` (from memberships that name a department)."""
    ids = {g.department_id for g in grants_with(actor, perm) if g.department_id}
    return list(Department.objects.filter(pk__in=ids).order_by("name"))


def require_department(actor, perm: Perm, department_id: int) -> Department:
    if not grants_with(actor, perm):
        raise PermissionDenied()
    for department in departments_for(actor, perm):
        if department.pk == department_id:
            return department
    raise PermissionDenied(gettext("您不能代表该部门操作"))


def ungraded_fields(dataset: Dataset) -> list[str]:
    return list(dataset.fields.filter(graded_at=None).order_by("position").values_list("name", flat=True))


def require_graded(dataset: Dataset) -> None:
    """A dataset flows only once every field has a level and, for personal data, a kind (masking uses them)."""
    names = ungraded_fields(dataset)
    if names:
        raise DomainError(
            ErrorCode.CONFLICT,
            gettext("数据资源还有字段未分级，请提供部门先完成分级：%(fields)s") % {"fields": "、".join(names)},
            details={"ungraded": names},
        )


def visible_datasets(actor):
    if not roles_of(actor) & STAFF_ROLES:
        raise PermissionDenied()
    return Dataset.objects.filter(is_active=True).select_related("department", "owner").prefetch_related("fields")


def get_dataset_for(actor, dataset_id: int) -> Dataset:
    dataset = visible_datasets(actor).filter(pk=dataset_id).first()
    if dataset is None:
        raise NotFound()
    return dataset


@dataclass(frozen=True)
class DatasetSpec:
    code: str
    title: str
    description: str
    frequency: str
    sharing_class: str
    conditions: str = ""
    legal_basis: str = ""


def _check_spec(spec: DatasetSpec) -> None:
    problems = []
    if not _CODE.fullmatch(spec.code or ""):
        problems.append(gettext("编码须为 2–60 位小写字母、数字或连字符"))
    if not 2 <= len(spec.title.strip()) <= 120:
        problems.append(gettext("名称应为 2–120 个字"))
    if not spec.description.strip():
        problems.append(gettext("请填写描述"))
    if spec.frequency not in Frequency.values:
        problems.append(gettext("更新频率无效"))
    if spec.sharing_class not in SharingClass.values:
        problems.append(gettext("共享类型无效"))
    if spec.sharing_class == SharingClass.CONDITIONAL and not spec.conditions.strip():
        problems.append(gettext("有条件共享须写明共享条件"))
    if spec.sharing_class == SharingClass.NONE and not spec.legal_basis.strip():
        problems.append(gettext("不予共享须有法律依据"))
    for too_long, value in (
        (gettext_noop("共享条件不能超过 500 个字"), spec.conditions),
        (gettext_noop("法律依据不能超过 500 个字"), spec.legal_basis),
    ):
        if len(value.strip()) > 500:
            problems.append(gettext(too_long))
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, "；".join(problems), details=problems)
    if Dataset.objects.filter(code=spec.code).exists():
        raise DomainError(ErrorCode.DUPLICATE, gettext("编码已存在：%(code)s") % {"code": spec.code})


def _new_dataset(actor, department: Department, spec: DatasetSpec) -> Dataset:
    return Dataset.objects.create(
        code=spec.code,
        title=spec.title.strip(),
        description=spec.description.strip(),
        department=department,
        owner=actor,
        frequency=spec.frequency,
        sharing_class=spec.sharing_class,
        conditions=spec.conditions.strip(),
        legal_basis=spec.legal_basis.strip(),
    )


@transaction.atomic
def create_dataset_from_source(actor, *, department_id: int, spec: DatasetSpec, source: str) -> Dataset:
    """A dataset whose resource is a live view; its fields and their levels come from the source."""
    department = require_department(actor, Perm.MANAGE_DATASETS, department_id)
    live = SOURCES.get(source)
    if live is None:
        raise DomainError(ErrorCode.INVALID_INPUT, gettext("未知的数据源：%(source)s") % {"source": source})
    _check_spec(spec)
    dataset = _new_dataset(actor, department, spec)
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):  # stored labels are in the site's language
        DatasetField.objects.bulk_create(
            DatasetField(
                dataset=dataset,
                name=f.name,
                label=str(f.label),
                sensitivity=f.sensitivity,
                pii_kind=f.pii_kind,
                position=i,
                graded_at=now,  # graded by the source's declaration
            )
            for i, f in enumerate(live.fields)
        )
        Resource.objects.create(dataset=dataset, kind=Resource.LIVE, title=str(live.label), source=source)
    record(actor=actor, event=AuditEvent.DATASET_CREATED, target=dataset, extra={"source": source})
    return dataset


def _check_names(header: list[str], region_column: str, date_column: str) -> None:
    problems = [
        gettext("第 %(n)s 列的列名超过 %(max)s 个字：%(name)s…") % {"n": n, "max": MAX_NAME, "name": name[:20]}
        for n, name in enumerate(header, 1)
        if len(name) > MAX_NAME
    ]
    problems += [
        gettext(too_long) % {"max": MAX_NAME}
        for too_long, name in (
            (gettext_noop("区划列名超过 %(max)s 个字"), region_column),
            (gettext_noop("日期列名超过 %(max)s 个字"), date_column),
        )
        if len(name) > MAX_NAME
    ]
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, "；".join(problems[:10]), details=problems)


def parse_upload(
    filename: str, content: bytes, *, region_column: str = "", date_column: str = ""
) -> tuple[list[str], list[dict]]:
    """Header and rows of an uploaded table, checked whole: any bad row refuses the file, naming the row."""
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(
            ErrorCode.PAYLOAD_TOO_LARGE, gettext("文件不能超过 %(mb)s MB") % {"mb": MAX_FILE_BYTES // 1024 // 1024}
        )
    _check_names([], region_column, date_column)
    required = tuple(c for c in (region_column, date_column) if c)
    header, rows = read_table(filename, content, required=required, max_rows=MAX_FILE_ROWS)
    _check_names(header, "", "")
    if len(set(header)) != len(header):
        raise DomainError(ErrorCode.INVALID_INPUT, gettext("表头有重复的列名"))
    problems = []
    if region_column:
        known = set(Region.objects.filter(code__in={r[region_column] for r in rows}).values_list("code", flat=True))
        problems += [
            gettext("第 %(n)s 行：未知区划代码 %(code)s") % {"n": n, "code": repr(r[region_column])}
            for n, r in enumerate(rows, 2)
            if r[region_column] not in known
        ]
    if date_column:
        for n, row in enumerate(rows, 2):
            try:
                dt.date.fromisoformat(row[date_column])
            except ValueError:
                bad = {"n": n, "value": repr(row[date_column])}
                problems.append(gettext("第 %(n)s 行：日期应为 YYYY-MM-DD，而不是 %(value)s") % bad)
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, "；".join(problems[:10]), details=problems[:200])
    return header, rows


def _store_rows(resource: Resource, rows: list[dict]) -> None:
    """Rows with their region and day resolved once, so a grant's page is one indexed query."""
    regions = {}
    if resource.region_column:
        codes = {r[resource.region_column] for r in rows}
        regions = dict(Region.objects.filter(code__in=codes).values_list("code", "pk"))
    ResourceRow.objects.bulk_create(
        (
            ResourceRow(
                resource=resource,
                position=i,
                data=row,
                region_id=regions.get(row[resource.region_column]) if resource.region_column else None,
                day=dt.date.fromisoformat(row[resource.date_column]) if resource.date_column else None,
            )
            for i, row in enumerate(rows)
        ),
        batch_size=1000,
    )


@transaction.atomic
def create_dataset_from_file(
    actor,
    *,
    department_id: int,
    spec: DatasetSpec,
    filename: str,
    content: bytes,
    region_column: str = "",
    date_column: str = "",
) -> Dataset:
    """A dataset over an uploaded table. Its fields start ungraded: it cannot be granted until the provider
    gives every field a level (and a personal-data kind where there is one)."""
    department = require_department(actor, Perm.MANAGE_DATASETS, department_id)
    _check_spec(spec)
    header, rows = parse_upload(filename, content, region_column=region_column, date_column=date_column)
    dataset = _new_dataset(actor, department, spec)
    DatasetField.objects.bulk_create(
        DatasetField(dataset=dataset, name=h, label=h, sensitivity=Sensitivity.GENERAL, position=i)
        for i, h in enumerate(header)
    )
    resource = Resource.objects.create(
        dataset=dataset,
        kind=Resource.FILE,
        title=filename[:120],
        file_name=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        columns=header,
        row_count=len(rows),
        region_column=region_column,
        date_column=date_column,
    )
    _store_rows(resource, rows)
    record(actor=actor, event=AuditEvent.DATASET_CREATED, target=dataset, extra={"file": filename, "rows": len(rows)})
    return dataset
