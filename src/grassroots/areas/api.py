from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.areas import importer, services
from grassroots.areas.models import Level, Region
from grassroots.areas.schemas import FEATURE_COLLECTION_BODY, LocatedOut, LocateIn, PointQuery, RegionOut
from grassroots.core.pagination import BoundedLimitOffset
from grassroots.core.schemas import errors

router = Router(tags=["regions"])


def region_out(region: Region | None) -> dict | None:
    if region is None:
        return None
    return {
        **{f: getattr(region, f) for f in RegionOut.model_fields if f != "grid_worker"},
        "grid_worker": str(region.grid_worker) if region.grid_worker_id else None,
    }


@router.get("/", response=list[RegionOut])
@paginate(BoundedLimitOffset)
def list_regions(request: HttpRequest, parent: int | None = None, level: int | None = None):
    require_perm(request.auth, Perm.VIEW_REGIONS)
    qs = services.regions_for(request.auth).select_related("grid_worker")
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if level is not None:
        qs = qs.filter(level=level)
    return [region_out(r) for r in qs]


@router.get("/locate", response=LocatedOut)
def locate_one(request: HttpRequest, point: Query[PointQuery]):
    return _located([services.locate_points([point.lng], [point.lat], crs=point.crs)[0]])[0]


@router.post("/locate", response=list[LocatedOut])
def locate_many(request: HttpRequest, payload: LocateIn):
    hits = services.locate_points([p.lng for p in payload.points], [p.lat for p in payload.points], crs=payload.crs)
    return _located(hits)


def _located(hits: list[services.Located]) -> list[dict]:
    grid_ids = {h.grid_id for h in hits if h.grid_id}
    grids = {r.pk: r for r in Region.objects.filter(pk__in=grid_ids).select_related("parent__parent", "grid_worker")}
    out = []
    for hit in hits:
        grid = grids.get(hit.grid_id)
        community = grid.parent if grid else None
        out.append(
            {
                "lng": hit.lng,
                "lat": hit.lat,
                "inside": grid is not None,
                "grid": region_out(grid),
                "community": region_out(community),
                "street": region_out(community.parent if community else None),
            }
        )
    return out


@router.post("/import", response={200: dict, **errors(400, 401, 403, 413)}, openapi_extra=FEATURE_COLLECTION_BODY)
def import_regions(request: HttpRequest):
    """Body: a GeoJSON FeatureCollection. All-or-nothing; errors are listed per feature (`details`). 403 before the
    body is read for a role that may not import; 413 for a body over the import limit."""
    require_perm(request.auth, Perm.IMPORT_REGIONS)
    return services.import_regions(request.auth, importer.read_upload(request))


@router.get("/{region_id}", response=RegionOut)
def get_region(request: HttpRequest, region_id: int):
    return region_out(services.get_region_for(request.auth, region_id))


@router.get("/{region_id}/geojson")
def region_geojson(request: HttpRequest, region_id: int, max_level: int = Level.GRID, min_level: int = Level.DISTRICT):
    """GeoJSON FeatureCollection of the region's subtree (RFC 7946), scoped to the caller.

    `min_level`/`max_level` pick levels, e.g. both 4 for just the grids."""
    region = services.get_region_for(request.auth, region_id)
    return services.export_geojson(request.auth, region, max_level=max_level, min_level=min_level)
