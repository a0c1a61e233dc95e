"""Registration pages: a grid worker or staff member registers a person or a house in their grids."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm, scoped
from grassroots.areas.models import Level, Region
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.registry import places, services
from grassroots.registry.forms import HouseForm, PersonForm


def editable_grids(user):
    grids = Region.objects.filter(level=Level.GRID).select_related("parent").order_by("path")
    return scoped(grids, user, Perm.EDIT_REGISTRY, path_field="path")


def _entry_page(request, form_class, *, title: str, save: Callable[[dict], object], detail: str):
    """Show the form; on a valid POST call `save` (a service); show its refusal on the form, or go to detail."""
    require_perm(request.user, Perm.EDIT_REGISTRY)
    initial = {"grid": request.GET.get("region")} if request.GET.get("region") else {}
    form = form_class(request.POST or None, grids=editable_grids(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已登记"))
            return redirect(detail, saved.pk)
    return render(request, "registry/entry_form.html", {"form": form, "title": title})


@login_required
def new_person(request):
    def save(data):
        house = None
        if data["door_number"]:
            house = places.houses_for(request.user).filter(door_number=data["door_number"].strip()).first()
            if house is None:
                raise DomainError(ErrorCode.NOT_FOUND, _("没有找到该门牌，请先登记房屋"))
        return services.create_person(
            request.user,
            region=data["grid"],
            name=data["name"],
            id_number=data["id_number"],
            phone=data["phone"],
            residence=data["residence"],
            house=house,
        )

    return _entry_page(request, PersonForm, title=_("登记人员"), save=save, detail="registry:person")


@login_required
def new_house(request):
    def save(data):
        return places.create_house(
            request.user,
            region=data["grid"],
            road=data["road"],
            number=data["number"],
            building=data["building"],
            unit=data["unit"],
            room=data["room"],
            house_type=data["house_type"],
            is_rental=data["is_rental"],
        )

    return _entry_page(request, HouseForm, title=_("登记房屋"), save=save, detail="registry:house")
