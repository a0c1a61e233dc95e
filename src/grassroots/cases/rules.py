"""The responsibility list (责任清单): edit rules one by one, or import the whole list from Excel.

A rule limited to a subtree (`within`) may be edited by staff holding MANAGE_ROUTING over that subtree; a
district-wide rule only by those holding it over the whole district.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.models import Department
from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, require_perm
from grassroots.areas.models import Level, Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases.hotline import read_rows
from grassroots.cases.models import Category, ResponsibilityRule
from grassroots.core.errors import DomainError, ErrorCode, NotFound

LEVELS = {"区县": Level.DISTRICT, "街道": Level.STREET, "社区": Level.COMMUNITY, "网格": Level.GRID}
IMPORT_COLUMNS = (
    "类别编码",
    "承办层级",
    "承办部门编码",
    "适用区域代码",
    "办理时限（工作小时）",
    "提前预警（工作小时）",
)


def _scope_path(within: Region | None) -> str:
    return within.path if within else "/"


def _require_scope(actor, within: Region | None) -> None:
    require_perm(actor, Perm.MANAGE_ROUTING)
    path = _scope_path(within)
    if within is None:
        root = Region.objects.filter(level=Level.DISTRICT).first()
        path = root.path if root else "/"
    if not covers(actor, Perm.MANAGE_ROUTING, path):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("只能编辑本人管辖范围内的责任清单"))


def _validate(
    category: Category,
    level: int,
    department: Department | None,
    within: Region | None,
    sla_hours: int,
    warn_hours: int,
) -> None:
    if level not in Level.values:
        raise DomainError(ErrorCode.UNKNOWN_LEVEL, _("未知承办层级：%(level)s") % {"level": level})
    if not 1 <= sla_hours <= 2000 or not 0 <= warn_hours < sla_hours:
        raise DomainError(ErrorCode.INVALID_INPUT, _("办理时限须为 1–2000 工作小时，预警须小于时限"))
    if (
        department is not None
        and within is not None
        and not (within.path.startswith(department.region.path) or department.region.path.startswith(within.path))
    ):
        raise DomainError(
            ErrorCode.NO_JURISDICTION,
            _("部门“%(department)s”不管辖“%(region)s”") % {"department": department.name, "region": within.name},
        )


@transaction.atomic
def save_rule(
    actor,
    *,
    rule: ResponsibilityRule | None = None,
    category: Category,
    level: int,
    department: Department | None,
    within: Region | None,
    sla_hours: int,
    warn_hours: int,
) -> ResponsibilityRule:
    if rule is not None:
        _require_scope(actor, rule.within)
    _require_scope(actor, within)
    _validate(category, level, department, within, sla_hours, warn_hours)
    rule = rule or ResponsibilityRule()
    rule.category, rule.level, rule.department, rule.within = category, level, department, within
    rule.sla_hours, rule.warn_hours = sla_hours, warn_hours
    rule.save()
    record(
        actor=actor,
        event=AuditEvent.ROUTING_CHANGED,
        target=rule,
        extra={
            "category": category.code,
            "level": level,
            "department": department.code if department else None,
            "within": within.code if within else None,
            "sla_hours": sla_hours,
        },
    )
    return rule


@transaction.atomic
def delete_rule(actor, rule_id: int) -> None:
    rule = ResponsibilityRule.objects.filter(pk=rule_id).select_related("within").first()
    if rule is None:
        raise NotFound()
    _require_scope(actor, rule.within)
    record(actor=actor, event=AuditEvent.ROUTING_CHANGED, target=rule, extra={"deleted": True})
    rule.delete()


@transaction.atomic
def import_rules(actor, filename: str, content: bytes) -> int:
    """Add or update rules from a sheet with IMPORT_COLUMNS. Any bad row fails the whole file."""
    rows = read_rows(filename, content, required=IMPORT_COLUMNS[:2] + IMPORT_COLUMNS[4:5])
    errors, count = [], 0
    for number, row in enumerate(rows, start=2):
        try:
            category = Category.objects.filter(code=row.get("类别编码", "")).first()
            if category is None:
                raise DomainError(
                    ErrorCode.UNKNOWN_CATEGORY, _("未知类别编码：%(code)s") % {"code": row.get("类别编码")}
                )
            if row.get("承办层级") not in LEVELS:
                raise DomainError(
                    ErrorCode.UNKNOWN_LEVEL, _("承办层级须为：%(levels)s") % {"levels": "、".join(LEVELS)}
                )
            department = None
            if row.get("承办部门编码"):
                department = Department.objects.filter(code=row["承办部门编码"]).select_related("region").first()
                if department is None:
                    raise DomainError(
                        ErrorCode.UNKNOWN_DEPARTMENT, _("未知部门编码：%(code)s") % {"code": row["承办部门编码"]}
                    )
            within = None
            if row.get("适用区域代码"):
                within = Region.objects.filter(code=row["适用区域代码"]).first()
                if within is None:
                    raise DomainError(
                        ErrorCode.UNKNOWN_REGION, _("未知区域代码：%(code)s") % {"code": row["适用区域代码"]}
                    )
            try:
                sla = int(float(row.get("办理时限（工作小时）", "")))
                warn = int(float(row.get("提前预警（工作小时）") or max(1, sla // 5)))
            except ValueError:
                raise DomainError(ErrorCode.INVALID_INPUT, _("时限须为数字")) from None
            existing = ResponsibilityRule.objects.filter(category=category, within=within).first()
            with transaction.atomic():
                save_rule(
                    actor,
                    rule=existing,
                    category=category,
                    level=LEVELS[row["承办层级"]],
                    department=department,
                    within=within,
                    sla_hours=sla,
                    warn_hours=warn,
                )
            count += 1
        except DomainError as exc:
            errors.append({"row": number, "code": str(exc.code), "message": exc.message})
    if errors:
        raise DomainError(
            ErrorCode.IMPORT_FAILED, _("导入失败：%(n)s 行有错误，未写入任何数据") % {"n": len(errors)}, details=errors
        )
    return count
