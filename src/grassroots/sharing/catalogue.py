"""The departmental catalogue: create datasets over live sources or uploaded tables, and export it as DCAT.

A department officer acts for the departments named on their memberships. Metadata is visible to all
staff, as a shared catalogue must be; the data itself only flows through grants (sharing/grants.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from grassroots.accounts.models import Department
from grassroots.accounts.roles import STAFF_ROLES, Perm
from grassroots.accounts.scope import grants_with, roles_of
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.core.tables import read_table
from grassroots.sharing.models import Dataset, DatasetField, Frequency, Resource, Sensitivity, SharingClass
from grassroots.sharing.sources import SOURCES

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILE_ROWS = 50_000
PII_KINDS = ("", "name", "phone", "id_number")
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")


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
    raise PermissionDenied("您不能代表该部门操作 / you do not act for this department")


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
        problems.append("编码须为 2–60 位小写字母、数字或连字符 / code: lowercase letters, digits, hyphens")
    if not 2 <= len(spec.title.strip()) <= 120:
        problems.append("名称应为 2–120 个字 / title: 2–120 characters")
    if not spec.description.strip():
        problems.append("请填写描述 / description is required")
    if spec.frequency not in Frequency.values:
        problems.append("更新频率无效 / unknown frequency")
    if spec.sharing_class not in SharingClass.values:
        problems.append("共享类型无效 / unknown sharing class")
    if spec.sharing_class == SharingClass.CONDITIONAL and not spec.conditions.strip():
        problems.append("有条件共享须写明共享条件 / conditional sharing needs its conditions")
    if spec.sharing_class == SharingClass.NONE and not spec.legal_basis.strip():
        problems.append("不予共享须有法律依据 / 'not shared' needs a legal basis")
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, "；".join(problems), details=problems)
    if Dataset.objects.filter(code=spec.code).exists():
        raise DomainError(ErrorCode.DUPLICATE, f"编码已存在 / code exists: {spec.code}")


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
        raise DomainError(ErrorCode.INVALID_INPUT, f"未知的数据源 / unknown source: {source}")
    _check_spec(spec)
    dataset = _new_dataset(actor, department, spec)
    DatasetField.objects.bulk_create(
        DatasetField(
            dataset=dataset, name=f.name, label=f.label, sensitivity=f.sensitivity, pii_kind=f.pii_kind, position=i
        )
        for i, f in enumerate(live.fields)
    )
    Resource.objects.create(dataset=dataset, kind=Resource.LIVE, title=live.label, source=source)
    record(actor=actor, event=AuditEvent.DATASET_CREATED, target=dataset, extra={"source": source})
    return dataset


def parse_upload(filename: str, content: bytes, *, region_column: str = "", date_column: str = "") -> tuple[list, list]:
    """Header and rows of an uploaded table, checked whole: any bad row refuses the file, naming the row."""
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(ErrorCode.PAYLOAD_TOO_LARGE, f"文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB")
    required = tuple(c for c in (region_column, date_column) if c)
    header, rows = read_table(filename, content, required=required, max_rows=MAX_FILE_ROWS)
    if len(set(header)) != len(header):
        raise DomainError(ErrorCode.INVALID_INPUT, "表头有重复的列名 / duplicate column names")
    problems = []
    if region_column:
        known = set(Region.objects.filter(code__in={r[region_column] for r in rows}).values_list("code", flat=True))
        problems += [
            f"第 {n} 行：未知区划代码 {r[region_column]!r}"
            for n, r in enumerate(rows, 2)
            if r[region_column] not in known
        ]
    if date_column:
        for n, row in enumerate(rows, 2):
            try:
                dt.date.fromisoformat(row[date_column])
            except ValueError:
                problems.append(f"第 {n} 行：日期应为 YYYY-MM-DD，而不是 {row[date_column]!r}")
    if problems:
        raise DomainError(ErrorCode.INVALID_INPUT, "；".join(problems[:10]), details=problems[:200])
    return header, rows


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
    """A dataset over an uploaded table. Fields start as 一般数据; the provider then grades each one."""
    department = require_department(actor, Perm.MANAGE_DATASETS, department_id)
    _check_spec(spec)
    header, rows = parse_upload(filename, content, region_column=region_column, date_column=date_column)
    dataset = _new_dataset(actor, department, spec)
    DatasetField.objects.bulk_create(
        DatasetField(dataset=dataset, name=h, label=h, sensitivity=Sensitivity.GENERAL, position=i)
        for i, h in enumerate(header)
    )
    Resource.objects.create(
        dataset=dataset,
        kind=Resource.FILE,
        title=filename[:120],
        file_name=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        columns=header,
        rows=rows,
        region_column=region_column,
        date_column=date_column,
    )
    record(actor=actor, event=AuditEvent.DATASET_CREATED, target=dataset, extra={"file": filename, "rows": len(rows)})
    return dataset


@transaction.atomic
def grade_fields(actor, dataset: Dataset, grades: dict[str, tuple[str, str]]) -> Dataset:
    """Set each field's level and personal-data kind: {field name: (sensitivity, pii kind)}."""
    require_department(actor, Perm.MANAGE_DATASETS, dataset.department_id)
    fields = {f.name: f for f in dataset.fields.all()}
    for name, (sensitivity, pii_kind) in grades.items():
        if name not in fields:
            raise DomainError(ErrorCode.INVALID_INPUT, f"没有字段 / no such field: {name}")
        if sensitivity not in Sensitivity.values or pii_kind not in PII_KINDS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"字段 {name} 的级别或类型无效")
        if pii_kind and sensitivity != Sensitivity.CORE:
            raise DomainError(ErrorCode.INVALID_INPUT, f"个人信息字段 {name} 须定为核心数据")
    for name, (sensitivity, pii_kind) in grades.items():
        fields[name].sensitivity, fields[name].pii_kind = sensitivity, pii_kind
    DatasetField.objects.bulk_update(fields.values(), ["sensitivity", "pii_kind"])
    record(actor=actor, event=AuditEvent.DATASET_UPDATED, target=dataset, extra={"graded": sorted(grades)})
    return dataset


def dcat_catalogue(actor, base_url: str) -> dict:
    """The catalogue as DCAT-AP-style JSON-LD (W3C DCAT 3): datasets, publishers, distributions, fields."""
    datasets = []
    for dataset in visible_datasets(actor).prefetch_related("resources"):
        url = base_url + reverse("sharing:dataset", args=[dataset.pk])
        datasets.append(
            {
                "@id": url,
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.code,
                "dct:title": {"@language": "zh-Hans", "@value": dataset.title},
                "dct:description": {"@language": "zh-Hans", "@value": dataset.description},
                "dct:publisher": {"@type": "foaf:Agent", "foaf:name": dataset.department.name},
                "dcat:contactPoint": {"@type": "vcard:Individual", "vcard:fn": str(dataset.owner)},
                "dct:accrualPeriodicity": {
                    "@id": f"http://publications.europa.eu/resource/authority/frequency/{dataset.frequency}"
                },
                "dct:accessRights": dataset.get_sharing_class_display(),
                "grassroots:sharingClass": dataset.sharing_class,
                "grassroots:conditions": dataset.conditions,
                "grassroots:legalBasis": dataset.legal_basis,
                "dct:modified": dataset.updated_at.date().isoformat(),
                "grassroots:fields": [
                    {"name": f.name, "label": f.label, "sensitivity": f.sensitivity, "personal": bool(f.pii_kind)}
                    for f in dataset.fields.all()
                ],
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:title": r.title,
                        "dcat:accessURL": base_url + reverse("api-v1:sharing_data"),
                        "dcat:mediaType": "application/json",
                        "grassroots:resource": r.pk,
                        "grassroots:kind": r.kind,
                    }
                    for r in dataset.resources.all()
                ],
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "grassroots": base_url + "/sharing/ns#",
        },
        "@type": "dcat:Catalog",
        "dct:title": "政务数据共享目录",
        "dcat:dataset": datasets,
    }
