import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm, require_perm
from grassroots.areas import importer, services
from grassroots.areas.models import Level
from grassroots.areas.summaries import child_counts


@login_required
def tree(request):
    return render(request, "areas/tree.html", {"roots": services.root_regions_for(request.user)})


@login_required
def children(request, region_id: int):
    region = services.get_region_for(request.user, region_id)
    kids = services.regions_for(request.user).filter(parent=region).order_by("code")
    return render(request, "areas/_children.html", {"region": region, "children": kids})


@login_required
def detail(request, region_id: int):
    region = services.get_region_for(request.user, region_id)
    rows = child_counts(request.user, region)
    values = {row["region"].pk: row["persons"] for row in rows}
    lineage = services.ancestors(region)
    in_scope = services.regions_for(request.user).filter(pk__in=[r.pk for r in lineage.values()])
    context = {
        "region": region,
        "rows": rows,
        "lineage": lineage,
        # Ancestors above the user's scope are named in the breadcrumb but not linked: they would answer 404.
        "visible_ancestors": set(in_scope.values_list("pk", flat=True)),
        "child_level": min(region.level + 1, Level.GRID),
        "map_values": json.dumps(values),
        "can_import": has_perm(request.user, Perm.IMPORT_REGIONS),
    }
    return render(request, "areas/detail.html", context)


@login_required
def counts(request, region_id: int):
    region = services.get_region_for(request.user, region_id)
    return render(request, "areas/_counts.html", {"region": region, "rows": child_counts(request.user, region)})


@login_required
def import_geojson(request):
    """Upload a GeoJSON FeatureCollection. Errors are listed per feature and nothing is written."""
    require_perm(request.user, Perm.IMPORT_REGIONS)
    if request.method == "POST":
        require_perm(request.user, Perm.IMPORT_REGIONS)  # before the body is parsed or the file read
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择文件"))
        else:
            report = services.import_regions(request.user, importer.read_upload(upload))
            messages.success(request, f"导入完成：新增 {report['created']}，更新 {report['updated']}")
            return redirect("areas:tree")
    return render(request, "areas/import.html")


@login_required
def export_geojson(request, region_id: int):
    region = services.get_region_for(request.user, region_id)
    body = json.dumps(services.export_geojson(request.user, region), ensure_ascii=False)
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{region.code}.geojson"'
    return response
