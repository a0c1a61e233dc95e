"""GeoJSON FeatureCollection import: all features are checked first; any error means nothing is written.

Feature properties: ``code`` (required, unique), ``name``, ``level`` (1–4 or district/street/community/grid
or 区/街道/社区/网格), ``parent_code`` (absent only for the district root), optional ``population``,
``households``, ``grid_worker`` (a username), ``is_demo`` (synthetic demo data).
Existing regions with the same code are updated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.areas.geometry import GeometryProblem, clean_geometry, to_jsonable
from grassroots.areas.models import Level, Region
from grassroots.core import uploads
from grassroots.core.errors import DomainError, ErrorCode

LEVEL_NAMES = {
    "district": 1,
    "county": 1,
    "区": 1,
    "县": 1,
    "区县": 1,
    "street": 2,
    "town": 2,
    "街道": 2,
    "乡镇": 2,
    "community": 3,
    "village": 3,
    "社区": 3,
    "村": 3,
    "grid": 4,
    "网格": 4,
}
MAX_FEATURES = 50_000


@dataclass
class FeatureRow:
    index: int
    code: str
    name: str
    level: int
    parent_code: str | None
    geometry: dict | None
    population: int = 0
    households: int = 0
    grid_worker: str | None = None
    repaired: bool = False
    is_demo: bool = False


@dataclass
class ImportPlan:
    rows: list[FeatureRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    failed_codes: set[str] = field(default_factory=set)  # their children are not reported a second time

    def fail(self, index: int, code: ErrorCode, message: str) -> None:
        self.errors.append({"feature": index, "code": str(code), "message": message})


def read_upload(file: uploads.Readable) -> bytes:
    """An uploaded file or a request body, read only up to the import limit (call after the permission check)."""
    return uploads.read_bounded(file, settings.IMPORT_MAX_FILE_BYTES)


def load_collection(raw: bytes | str | dict) -> list:
    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise DomainError(ErrorCode.INVALID_INPUT, _("不是有效的 JSON：%(reason)s") % {"reason": exc}) from None
        except RecursionError:  # e.g. [[[[…]]]] nested beyond the parser's depth
            raise DomainError(ErrorCode.INVALID_INPUT, _("JSON 嵌套过深")) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise DomainError(ErrorCode.INVALID_INPUT, _("需要 GeoJSON FeatureCollection"))
    if len(data["features"]) > MAX_FEATURES:
        raise DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("一次最多导入 %(n)s 个要素") % {"n": MAX_FEATURES})
    return data["features"]


def _int_prop(props: dict, key: str) -> int:
    value = props.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, (int, float, str)) or int(float(value)) < 0:
        raise ValueError(_("%(key)s 必须是非负整数") % {"key": key})
    return int(float(value))


def parse_features(features: list) -> ImportPlan:
    plan = ImportPlan()
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            plan.fail(index, ErrorCode.INVALID_INPUT, _("不是 GeoJSON Feature"))
            continue
        props = feature.get("properties") or {}
        code = str(props.get("code") or "").strip()
        name = str(props.get("name") or "").strip()
        raw_level = props.get("level")
        level = LEVEL_NAMES.get(str(raw_level).lower(), raw_level)
        if not code or not name:
            plan.fail(index, ErrorCode.INVALID_INPUT, _("缺少 code 或 name"))
            continue
        if code in seen:
            plan.fail(
                index, ErrorCode.DUPLICATE, _("代码 %(code)s 与第 %(n)s 个要素重复") % {"code": code, "n": seen[code]}
            )
            continue
        seen[code] = index
        if level not in Level.values:
            plan.fail(index, ErrorCode.UNKNOWN_LEVEL, _("未知层级：%(level)r") % {"level": raw_level})
            plan.failed_codes.add(code)
            continue
        try:
            population, households = _int_prop(props, "population"), _int_prop(props, "households")
        except (ValueError, TypeError) as exc:
            plan.fail(index, ErrorCode.INVALID_INPUT, str(exc))
            plan.failed_codes.add(code)
            continue
        geometry, repaired = None, False
        if feature.get("geometry") is not None:
            try:
                geometry, repaired = clean_geometry(feature["geometry"])
                geometry = to_jsonable(geometry)
            except GeometryProblem as exc:
                plan.fail(index, ErrorCode.INVALID_GEOMETRY, f"{code}: {exc}")
                plan.failed_codes.add(code)
                continue
        parent = props.get("parent_code")
        plan.rows.append(
            FeatureRow(
                index,
                code,
                name,
                int(level),
                str(parent).strip() if parent else None,
                geometry,
                population,
                households,
                props.get("grid_worker") or None,
                repaired,
                bool(props.get("is_demo")),
            )
        )
    return plan


def check_tree(plan: ImportPlan) -> list[FeatureRow]:
    """Check parents, levels and cycles against the file and the database; return rows parents-first."""
    by_code = {row.code: row for row in plan.rows}
    existing = {
        r.code: r
        for r in Region.objects.filter(code__in={c for row in plan.rows for c in (row.code, row.parent_code) if c})
    }
    ordered: list[FeatureRow] = []
    state: dict[str, str] = {}  # code → "visiting" | "done"

    def visit(row: FeatureRow, trail: list[str]) -> bool:
        if state.get(row.code) == "done":
            return True
        if state.get(row.code) == "visiting":
            cycle = " → ".join(trail + [row.code])
            plan.fail(row.index, ErrorCode.CYCLE, _("上级关系成环：%(cycle)s") % {"cycle": cycle})
            return False
        state[row.code] = "visiting"
        ok = True
        if row.parent_code is None:
            if row.level != Level.DISTRICT:
                plan.fail(
                    row.index,
                    ErrorCode.UNKNOWN_PARENT,
                    _("%(code)s：只有区县可以没有上级") % {"code": row.code},
                )
                ok = False
        elif row.parent_code in by_code:
            parent = by_code[row.parent_code]
            ok = visit(parent, trail + [row.code])
            if ok and parent.level != row.level - 1:
                plan.fail(row.index, ErrorCode.LEVEL_MISMATCH, _level_mismatch(row.code))
                ok = False
        elif row.parent_code in plan.failed_codes:
            ok = False  # the parent's own error is already reported
        elif row.parent_code in existing:
            if existing[row.parent_code].level != row.level - 1:
                plan.fail(row.index, ErrorCode.LEVEL_MISMATCH, _level_mismatch(row.code))
                ok = False
        else:
            plan.fail(
                row.index,
                ErrorCode.UNKNOWN_PARENT,
                _("%(code)s：上级 %(parent)s 不存在") % {"code": row.code, "parent": row.parent_code},
            )
            ok = False
        state[row.code] = "done"
        if ok:
            ordered.append(row)
        return ok

    for row in plan.rows:
        visit(row, [])
    return ordered


def _level_mismatch(code: str) -> str:
    return _("%(code)s：层级必须比上级低一级") % {"code": code}


def plan_import(raw: bytes | str | dict) -> list[FeatureRow]:
    plan = parse_features(load_collection(raw))
    ordered = check_tree(plan)
    if plan.errors:
        plan.errors.sort(key=lambda e: e["feature"])
        raise DomainError(
            ErrorCode.IMPORT_FAILED,
            _("导入失败：%(n)s 个要素有错误，未写入任何数据") % {"n": len(plan.errors)},
            details=plan.errors,
        )
    return ordered


def apply_rows(rows: list[FeatureRow], *, users: dict) -> tuple[int, int]:
    """Write the checked rows (parents first). Caller holds the transaction."""
    assert transaction.get_connection().in_atomic_block
    from grassroots.areas import services  # paths and summaries live with the other region verbs

    created = updated = 0
    for row in rows:
        parent = Region.objects.get(code=row.parent_code) if row.parent_code else None
        region = Region.objects.filter(code=row.code).first()
        if region is None:
            region, created = Region(code=row.code), created + 1
        else:
            updated += 1
        region.name, region.level, region.parent = row.name, row.level, parent
        region.population, region.households = row.population, row.households
        region.is_demo = row.is_demo
        region.grid_worker = users.get(row.grid_worker) if row.grid_worker else region.grid_worker
        services.save_region(region, geometry=row.geometry)
    return created, updated
