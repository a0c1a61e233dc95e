"""Registry editing pages (htmx). Each handler: a scoped fetch (outside the editor's area: 404), the form, one
service call, the page again. A refused edit shows the form with the service's message and its status (400,
or 409 for a stale version); a done one goes back to the record."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import pattern_for, require_in_scope
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.core.masking import Pattern
from grassroots.core.pages import form_status, run_form
from grassroots.registry import edits, history, places, presenters, services
from grassroots.registry.forms import (
    DepartureForm,
    HouseEditForm,
    HouseholdForm,
    LegalPersonEditForm,
    PersonEditForm,
    PersonMoveForm,
)


def _save(request, form, save: Callable[[dict], object], back: str, *args):
    """Valid form → `save` (a service) → back to the record; else the page again, with the reason and a 4xx."""
    if run_form(form, lambda data: save(data) or True):
        messages.success(request, _("已保存"))
        return redirect(back, *args), None
    return None, max(form_status(form), 400)


def _editable_person(request, person_id: int):
    person = services.get_person_for(request.user, person_id)
    require_in_scope(request.user, Perm.EDIT_REGISTRY, person.region.path)
    return person


def _person_page(request, person, status=200, **forms):
    row = presenters.person_row(request.user, person)
    initial = {"version": person.version}
    seen = {
        f: getattr(person, f)
        for f in ("name", "phone")
        if pattern_for(request.user, f, person.region.path) == Pattern.FULL
    }
    context = {
        "person": person,
        "row": row,
        "edit_form": PersonEditForm(initial={**initial, **seen, "residence": person.residence}),
        "move_form": PersonMoveForm(initial=initial),
        "departure_form": DepartureForm(initial=initial),
        **forms,
    }
    return render(request, "registry/person_edit.html", context, status=status)


@login_required
def person_edit(request, person_id: int):
    person = _editable_person(request, person_id)
    if request.method != "POST":
        return _person_page(request, person)
    form = PersonEditForm(request.POST)
    save = lambda d: services.update_person(  # noqa: E731  (blank: unchanged)
        request.user, person, version=d["version"], name=d["name"] or None, phone=d["phone"] or None,
        residence=d["residence"],
    )  # fmt: skip
    done, status = _save(request, form, save, "registry:person", person.pk)
    return done or _person_page(request, person, status, edit_form=form)


def _move(request, person, data: dict):
    house = places.houses_for(request.user).filter(door_number=data["door_number"].strip()).first()
    if house is None:
        raise DomainError(ErrorCode.UNKNOWN_DOOR_NUMBER, _("没有找到该门牌，请先登记房屋"))
    household = places.households_for(request.user).filter(pk=data["household"]).first() if data["household"] else None
    if data["household"] and household is None:
        raise NotFound()
    return edits.move_person(
        request.user, person, version=data["version"], house=house, household=household, on_date=data["on_date"]
    )


@login_required
@require_POST
def person_move(request, person_id: int):
    person = _editable_person(request, person_id)
    form = PersonMoveForm(request.POST)
    done, status = _save(request, form, lambda d: _move(request, person, d), "registry:person", person.pk)
    return done or _person_page(request, person, status, move_form=form)


@login_required
@require_POST
def person_departure(request, person_id: int):
    person = _editable_person(request, person_id)
    form = DepartureForm(request.POST)
    done, status = _save(
        request, form, lambda d: edits.record_departure(request.user, person, **d), "registry:person", person.pk
    )
    return done or _person_page(request, person, status, departure_form=form)


@login_required
def person_history(request, person_id: int):
    """The history block of the person page, loaded by htmx; masked as the viewer sees the person."""
    person = services.get_person_for(request.user, person_id)
    return render(request, "registry/_history.html", {"changes": history.history_rows(request.user, person)})


def _form_page(request, form, *, title: str, status: int = 200, extra: dict | None = None):
    context = {"form": form, "title": title, **(extra or {})}
    return render(request, "registry/edit_form.html", context, status=status)


@login_required
def house_edit(request, house_id: int):
    house, _residents = places.get_house_for(request.user, house_id)
    require_in_scope(request.user, Perm.EDIT_REGISTRY, house.region.path)
    initial = {**presenters.house_row(house), "version": house.version}
    form = HouseEditForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _form_page(request, form, title=house.door_number)
    done, status = _save(
        request, form, lambda d: edits.update_house(request.user, house, **d), "registry:house", house.pk
    )
    return done or _form_page(request, form, title=house.door_number, status=status)


def _update_household(request, household, members, data: dict):
    head = next((m for m in members if m.pk == data["head"]), None) if data["head"] else None
    if data["head"] and head is None:
        raise NotFound()
    return edits.update_household(request.user, household, version=data["version"], kind=data["kind"], head=head)


@login_required
def household_edit(request, household_id: int):
    household, members = places.get_household_for(request.user, household_id)
    require_in_scope(request.user, Perm.EDIT_REGISTRY, household.house.region.path)
    rows = [presenters.person_row(request.user, p) for p in members]
    head = next((r["id"] for r in rows if r["is_household_head"]), None)
    initial = {"version": household.version, "kind": household.kind, "head": head}
    form = HouseholdForm(request.POST or None, members=rows, initial=initial)
    page = {"title": household.house.door_number, "extra": {"residents": rows}}
    if request.method != "POST":
        return _form_page(request, form, **page)
    save = lambda d: _update_household(request, household, members, d)  # noqa: E731
    done, status = _save(request, form, save, "registry:house", household.house_id)
    return done or _form_page(request, form, status=status, **page)


@login_required
def legal_person_edit(request, entity_id: int):
    entity = places.get_legal_person_for(request.user, entity_id)
    require_in_scope(request.user, Perm.EDIT_REGISTRY, entity.region.path)
    initial = {"version": entity.version, "name": entity.name, "address": entity.address, "industry": entity.industry}
    form = LegalPersonEditForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _form_page(request, form, title=entity.name)
    update = lambda d: edits.update_legal_person(request.user, entity, **d)  # noqa: E731
    done, status = _save(request, form, update, "registry:legal_person", entity.pk)
    return done or _form_page(request, form, title=entity.name, status=status)
