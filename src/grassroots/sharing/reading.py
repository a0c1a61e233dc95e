"""Reading granted data: the page of a resource a grant lets through, masked by the dataset's current grades.

Masking is decided at each call, not at grant time: re-grading a field changes what the next call returns.
Personal fields are masked as for a department officer (accounts.roles.MASKING), whoever holds the key.
A call costs a fixed number of queries whatever its page size: the masking plan is one query, an uploaded
table's page is one query over its indexed rows (region and date resolved at upload), a live page is the
source's query.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from grassroots.accounts.roles import MASKING, Role
from grassroots.core import masking
from grassroots.core.errors import ErrorCode
from grassroots.sharing.models import DatasetField, Resource, ResourceRow, ShareGrant
from grassroots.sharing.sources import SOURCES, Page

Plan = dict[str, tuple[str, masking.Pattern]]  # field → (personal-data kind, pattern)


def plan_for(fields: list[str], kinds: dict[str, str]) -> Plan:
    """From {field: personal-data kind} (non-personal fields absent or ""), the masking of the granted fields."""
    policy = MASKING[Role.DEPARTMENT]
    return {name: (kinds[name], policy.get(kinds[name], masking.Pattern.HIDDEN)) for name in fields if kinds.get(name)}


def masking_plan(grant: ShareGrant) -> Plan:
    """The granted fields that are personal data now, and how each is masked: one query."""
    kinds = DatasetField.objects.filter(dataset_id=grant.dataset_id, name__in=grant.fields).exclude(pii_kind="")
    return plan_for(grant.fields, dict(kinds.values_list("name", "pii_kind")))


def mask(rows: list[dict], fields: list[str], plan: Plan) -> list[dict]:
    """Only the granted fields, personal ones masked."""
    out = []
    for row in rows:
        shown = {}
        for name in fields:
            value = row.get(name)
            if name in plan and isinstance(value, str):
                kind, pattern = plan[name]
                value = masking.apply(kind, value, pattern)
            shown[name] = value
        out.append(shown)
    return out


def ungraded(grant: ShareGrant) -> list[str]:
    return list(
        DatasetField.objects.filter(dataset_id=grant.dataset_id, name__in=grant.fields, graded_at=None).values_list(
            "name", flat=True
        )
    )


def refusal(grant: ShareGrant, resource: Resource) -> tuple[ErrorCode, str] | None:
    """Why this grant cannot read this resource now, if it cannot."""
    names = ungraded(grant)
    if names:
        return ErrorCode.CONFLICT, _("字段尚未分级，暂不能提供：%(fields)s") % {"fields": "、".join(names)}
    regionless = resource.kind == Resource.FILE and not resource.region_column
    if regionless and grant.region_path != grant.dataset.department.region.path:
        return ErrorCode.CONFLICT, _("该文件没有区划代码列，不能只提供授权区域的数据")
    return None


def file_page(resource: Resource, grant: ShareGrant, offset: int, limit: int) -> Page:
    """One page of an uploaded table inside the grant's region and period: one query, only the slice."""
    qs = ResourceRow.objects.filter(resource=resource)
    if resource.region_column:
        qs = qs.filter(region__path__startswith=grant.region_path)
    if resource.date_column and grant.period_start:
        qs = qs.filter(day__gte=grant.period_start)
    if resource.date_column and grant.period_end:
        qs = qs.filter(day__lte=grant.period_end)
    rows = list(qs.order_by("position").only("pk", "content")[offset : offset + limit + 1])
    return Page([row.data for row in rows[:limit]], len(rows) > limit)  # decrypted here, one row at a time


def read_page(grant: ShareGrant, resource: Resource, offset: int, limit: int) -> Page:
    if resource.kind == Resource.LIVE:
        source = SOURCES[resource.source]
        return source.page(grant.region_path, grant.period_start, grant.period_end, offset, limit)
    return file_page(resource, grant, offset, limit)
