from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import grants
from grassroots.areas.models import Region
from grassroots.areas.services import root_regions_for


@login_required
def home(request):
    """工作台: the signed-in user's role grants and the top of the region tree they see."""
    mine = grants(request.user)
    regions = {r.path: r for r in Region.objects.filter(path__in={g.path for g in mine})}
    my_grants = [{"role_label": Role(g.role).label, "region": regions[g.path]} for g in mine if g.path in regions]
    return render(request, "site/home.html", {"grants": my_grants, "roots": root_regions_for(request.user)[:5]})
