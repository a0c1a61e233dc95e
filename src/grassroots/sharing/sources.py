"""Live views a dataset can expose: read-only, paged, limited to a region subtree and a period.

Each source declares its fields with a default sensitivity (GB/T 43697) and, for personal data, the kind
of value, so grants can mask them per the masking policy. Rows are produced in plaintext here and are
masked by the grant service before they leave the platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grassroots.areas.models import Region
from grassroots.cases.models import Case
from grassroots.core.time import within_days
from grassroots.registry.models import Person, PersonStatus
from grassroots.sharing.models import Sensitivity

GEN, IMP, CORE = Sensitivity.GENERAL, Sensitivity.IMPORTANT, Sensitivity.CORE


@dataclass(frozen=True)
class SourceField:
    name: str
    label: str | Promise
    sensitivity: str
    pii_kind: str = ""


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    has_more: bool
    ids: list[str] = field(default_factory=list)  # the platform records shown, for the audit log


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    fields: tuple[SourceField, ...]
    dated: bool  # whether a grant's period limits it
    query: Callable[[str, dt.date | None, dt.date | None], QuerySet]
    row: Callable[[object], dict]
    subject: str = ""  # the audited kind of record a row shows: "registry.person", "cases.case", or none

    def page(self, region_path: str, start: dt.date | None, end: dt.date | None, offset: int, limit: int) -> Page:
        items = list(self.query(region_path, start, end).order_by("pk")[offset : offset + limit + 1])
        shown = items[:limit]
        ids = [str(item.pk) for item in shown] if self.subject else []
        return Page([self.row(item) for item in shown], len(items) > limit, ids)


def _local(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _cases(path: str, start: dt.date | None, end: dt.date | None) -> QuerySet:
    qs = Case.objects.filter(region_path__startswith=path).select_related("category", "region")
    return within_days(qs, "created_at", start, end)


def _case_row(case: Case) -> dict:
    return {
        "number": case.number,
        "category": case.category.name,
        "status": case.get_status_display(),
        "channel": case.get_channel_display(),
        "grid_code": case.region.code,
        "grid_name": case.region.name,
        "address": case.address,
        "created_at": _local(case.created_at),
        "closed_at": _local(case.closed_at),
        "overdue": case.breached,
        "reporter_name": "" if case.anonymous else case.reporter_name,
        "reporter_phone": "" if case.anonymous else case.reporter_phone,
    }


def _regions(path: str, start: dt.date | None, end: dt.date | None) -> QuerySet:
    return Region.objects.filter(path__startswith=path)


def _region_row(region: Region) -> dict:
    return {
        "region_code": region.code,
        "region_name": region.name,
        "level": region.get_level_display(),
        "population": region.population,
        "households": region.households,
    }


def _persons(path: str, start: dt.date | None, end: dt.date | None) -> QuerySet:
    return (
        Person.objects.filter(region__path__startswith=path, status=PersonStatus.ACTIVE)
        .select_related("region")
        .prefetch_related("taggings__tag")
    )


def _person_row(person: Person) -> dict:
    return {
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "sex": person.get_sex_display(),
        "birth_year": person.birth_date.year,
        "residence": person.get_residence_display(),
        "grid_code": person.region.code,
        "tags": "、".join(t.tag.name for t in person.taggings.all()),
    }


SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            "cases.records",
            _("事件记录"),
            (
                SourceField("number", _("事件编号"), GEN),
                SourceField("category", _("类别"), GEN),
                SourceField("status", _("状态"), GEN),
                SourceField("channel", _("来源渠道"), GEN),
                SourceField("grid_code", _("网格编码"), GEN),
                SourceField("grid_name", _("网格"), GEN),
                SourceField("address", _("地点描述"), IMP),
                SourceField("created_at", _("受理时间"), GEN),
                SourceField("closed_at", _("办结时间"), GEN),
                SourceField("overdue", _("是否超时"), GEN),
                SourceField("reporter_name", _("反映人"), CORE, "name"),
                SourceField("reporter_phone", _("反映人电话"), CORE, "phone"),
            ),
            True,
            _cases,
            _case_row,
            "cases.case",
        ),
        Source(
            "registry.population",
            _("人口与户数（按区域）"),
            (
                SourceField("region_code", _("区划代码"), GEN),
                SourceField("region_name", _("区域"), GEN),
                SourceField("level", _("层级"), GEN),
                SourceField("population", _("人口"), GEN),
                SourceField("households", _("户数"), GEN),
            ),
            False,
            _regions,
            _region_row,
        ),
        Source(
            "registry.persons",
            _("实有人口"),
            (
                SourceField("name", _("姓名"), CORE, "name"),
                SourceField("id_number", _("身份证号"), CORE, "id_number"),
                SourceField("phone", _("联系电话"), CORE, "phone"),
                SourceField("sex", _("性别"), IMP),
                SourceField("birth_year", _("出生年份"), IMP),
                SourceField("residence", _("人口类型"), IMP),
                SourceField("grid_code", _("网格编码"), GEN),
                SourceField("tags", _("标签"), IMP),
            ),
            False,
            _persons,
            _person_row,
            "registry.person",
        ),
    )
}
