"""Region verbs: import/export GeoJSON, scoped reads, and point → grid lookup."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_in_scope, require_perm, scoped
from grassroots.areas import geo, importer
from grassroots.areas.geometry import summary
from grassroots.areas.locator import GridIndex, get_cached_index
from grassroots.areas.models import IndexState, Level, Region
from grassroots.core.audit_events import AuditEvent
from grassroots.core.auditing import record
from grassroots.core.errors import DomainError, ErrorCode, NotFound

MAX_LOCATE_POINTS = 100_000


def bump_index_version() -> None:
    IndexState.objects.update_or_create(pk=1, defaults={"version": uuid.uuid4().hex})


def save_region(region: Region, *, geometry: dict | None) -> Region:
    """Persist a region with its derived fields (path, bbox, centre). Moves carry the subtree along."""
    old_path = region.path if region.pk else None
    if geometry is not None:
        region.geometry = geometry
        for key, value in summary(geometry).items():
            setattr(region, key, value)
    if region.pk is None:
        region.path = "/pending/"
        region.save()
    region.path = f"{region.parent.path if region.parent else '/'}{region.pk}/"
    region.save()
    if old_path and old_path != region.path:
        Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).update(
            path=Concat(Value(region.path), Substr("path", len(old_path) + 1))
        )
    if region.level == Level.GRID and geometry is not None:
        bump_index_version()
    return region


@transaction.atomic
def import_regions(actor, raw: bytes | str | dict) -> dict:
    """Import a FeatureCollection all-or-nothing. `actor` None means the operator's CLI."""
    if actor is not None:
        require_perm(actor, Perm.IMPORT_REGIONS)
    rows = importer.plan_import(raw)
    if actor is not None:
        for row in rows:
            anchor = Region.objects.filter(code=row.code).first() or Region.objects.filter(code=row.parent_code).first()
            if anchor is None or not _covers(actor, anchor):
                raise DomainError(ErrorCode.PERMISSION_DENIED, _("%(code)s：不在您的管辖范围内") % {"code": row.code})
    from django.contrib.auth import get_user_model

    usernames = {row.grid_worker for row in rows if row.grid_worker}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    created, updated = importer.apply_rows(rows, users=users)
    repaired = [row.code for row in rows if row.repaired]
    report = {"created": created, "updated": updated, "repaired": repaired}
    record(actor=actor, event=AuditEvent.REGION_IMPORTED, target_type="areas.region", extra=report)
    return report


def _covers(actor, region: Region) -> bool:
    try:
        require_in_scope(actor, Perm.IMPORT_REGIONS, region.path)
    except DomainError:
        return False
    return True


def regions_for(actor) -> QuerySet[Region]:
    return scoped(Region.objects.all(), actor, Perm.VIEW_REGIONS, path_field="path")


def root_regions_for(actor) -> QuerySet[Region]:
    """The topmost regions the actor sees: where their view of the tree starts."""
    visible = regions_for(actor)
    top_level = visible.order_by("level").values_list("level", flat=True).first()
    return visible.filter(level=top_level) if top_level else visible.none()


def get_region_for(actor, region_id: int) -> Region:
    require_perm(actor, Perm.VIEW_REGIONS)  # a role that sees no regions: 403, not "missing"
    region = regions_for(actor).select_related("parent", "grid_worker").filter(pk=region_id).first()
    if region is None:
        raise NotFound()
    return region


def subtree(region: Region, *, max_level: int = Level.GRID) -> QuerySet[Region]:
    return Region.objects.filter(path__startswith=region.path, level__lte=max_level)


def export_geojson(
    actor, root: Region | None = None, *, max_level: int = Level.GRID, min_level: int = Level.DISTRICT
) -> dict:
    """A FeatureCollection of the actor's subtree, importable again with `import_regions`."""
    qs = regions_for(actor) if actor is not None else Region.objects.all()
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    qs = (
        qs.filter(level__lte=max_level, level__gte=min_level)
        .select_related("parent", "grid_worker")
        .order_by("level", "code")
    )
    features = [
        {
            "type": "Feature",
            "id": r.code,
            "properties": {
                "code": r.code,
                "name": r.name,
                "level": r.level,
                "parent_code": r.parent.code if r.parent else None,
                "population": r.population,
                "households": r.households,
                "grid_worker": r.grid_worker.username if r.grid_worker else None,
                "is_demo": r.is_demo,
                "region_id": r.pk,
            },
            "geometry": r.geometry,
        }
        for r in qs
    ]
    record(
        actor=actor,
        event=AuditEvent.REGION_EXPORTED,
        target_type="areas.region",
        extra={"root": root.code if root else None, "features": len(features)},
    )
    return {"type": "FeatureCollection", "features": features}


def _load_grids() -> list[tuple[int, dict]]:
    return list(Region.objects.filter(level=Level.GRID, geometry__isnull=False).values_list("pk", "geometry"))


def grid_index() -> GridIndex:
    version = IndexState.objects.filter(pk=1).values_list("version", flat=True).first() or ""
    return get_cached_index(version, _load_grids)


@dataclass(frozen=True)
class Located:
    lng: float
    lat: float
    grid_id: int | None


def locate_points(lngs, lats, *, crs: str = "wgs84") -> list[Located]:
    """Grid of each point (None outside every grid). GCJ-02 input is converted to WGS84 first."""
    lng = np.asarray(lngs, dtype=float)
    lat = np.asarray(lats, dtype=float)
    if lng.shape != lat.shape or lng.ndim != 1:
        raise DomainError(ErrorCode.INVALID_INPUT, _("经纬度数组长度不一致"))
    if lng.size > MAX_LOCATE_POINTS:
        raise DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("一次最多 %(n)s 个点") % {"n": MAX_LOCATE_POINTS})
    if crs not in ("wgs84", "gcj02"):
        raise DomainError(ErrorCode.UNKNOWN_CRS, _("crs 只能是 wgs84 或 gcj02"))
    bad = ~(np.isfinite(lng) & np.isfinite(lat) & (np.abs(lng) <= 180) & (np.abs(lat) <= 90))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            _("第 %(n)s 个点坐标超出范围") % {"n": first + 1},
            details={"index": first},
        )
    if crs == "gcj02":
        lng, lat = geo.gcj02_to_wgs84(lng, lat)
    ids = grid_index().locate(lng, lat)
    return [Located(float(x), float(y), int(i) if i >= 0 else None) for x, y, i in zip(lng, lat, ids, strict=True)]


def locate_point(lng: float, lat: float, *, crs: str = "wgs84") -> Region | None:
    hit = locate_points([lng], [lat], crs=crs)[0]
    return Region.objects.select_related("parent__parent").get(pk=hit.grid_id) if hit.grid_id else None


@transaction.atomic
def set_statistics(root: Region, per_grid: dict[int, tuple[int, int]]) -> None:
    """Set grid population and households, and roll them up to every ancestor within `root`'s subtree."""
    regions = list(Region.objects.filter(path__startswith=root.path))
    by_id = {r.pk: r for r in regions}
    for region in regions:
        region.population = region.households = 0
    for grid_id, (population, households) in per_grid.items():
        for ancestor_id in by_id[grid_id].ancestor_ids():
            if ancestor_id in by_id:
                by_id[ancestor_id].population += population
                by_id[ancestor_id].households += households
    Region.objects.bulk_update(regions, ["population", "households"], batch_size=1000)


def ancestors(region: Region) -> dict[int, Region]:
    """Level → region for the region and everything above it, in one query."""
    rows = Region.objects.filter(pk__in=region.ancestor_ids())
    return {r.level: r for r in rows}
