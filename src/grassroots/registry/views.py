"""Registry pages (htmx). Each handler parses, fetches through a scoped service, and renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, require_perm
from grassroots.areas.services import get_region_for
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.pages import form_data
from grassroots.registry import exports, places, presenters, queries, services
from grassroots.registry.forms import (
    AccountLinkForm,
    ExportQuery,
    HouseFilter,
    HouseSearchForm,
    LegalPersonFilter,
    PersonFilter,
    PersonSearchForm,
    RevealForm,
    TagForm,
)
from grassroots.registry.models import HouseType, Industry, Residence, Tag, TagTarget

PAGE_SIZE = 50
EXPORTERS = {
    "persons": (services.persons_for, queries.filter_persons, presenters.person_row),
    "houses": (places.houses_for, queries.filter_houses, lambda viewer, h: presenters.house_row(h)),
    "legal_persons": (
        places.legal_persons_for,
        queries.filter_legal_persons,
        lambda viewer, e: presenters.legal_person_row(e),
    ),
}


def _region(request, data: dict):
    return get_region_for(request.user, data["region"]) if data["region"] else None


def _list_context(request, page, rows: list, kind: str, **extra) -> dict:
    return {"page": page, "rows": rows, "query": request.GET.urlencode(), "kind": kind, **extra}


def _list_template(request, rows: str, full: str) -> str:
    return rows if request.htmx and request.htmx.target == "results" else full


def export_response(request, viewer, kind: str, *, fmt: str, region, tag: str = "") -> HttpResponse:
    if kind not in EXPORTERS:
        raise DomainError(ErrorCode.NOT_FOUND, f"未知的导出类型：{kind}")
    fetch, filter_fn, present = EXPORTERS[kind]
    require_perm(viewer, Perm.EXPORT_REGISTRY)  # a role that may never export gets 403, not an empty file
    qs = filter_fn(fetch(viewer, Perm.EXPORT_REGISTRY), region=region, tag=tag)
    rows = [present(viewer, item) for item in qs.order_by("pk")[: exports.MAX_EXPORT_ROWS + 1]]
    body, content_type, filename = exports.export_rows(
        viewer, kind, rows, fmt=fmt, filters={"region": region.code if region else None, "tag": tag}
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export(request, kind: str):
    data = form_data(ExportQuery, request.GET)
    region = _region(request, data)
    return export_response(request, request.user, kind, fmt=data["fmt"] or "xlsx", region=region, tag=data["tag"])


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def persons(request):
    require_perm(request.user, Perm.VIEW_REGISTRY)  # an empty list would hide that the role may never look
    data = form_data(PersonFilter, request.GET)
    region, ages = _region(request, data), {"min_age": data["min_age"], "max_age": data["max_age"]}
    filters = {k: data[k] for k in ("tag", "residence", "sex")}
    qs = queries.filter_persons(services.persons_for(request.user), region=region, **ages, **filters)
    page = _page(request, qs.order_by("region__path", "id"))
    services.record_listing(request.user, list(page), filters={**filters, "region": region.code if region else None})
    rows = [presenters.person_row(request.user, p) for p in page]
    tags = Tag.objects.filter(applies_to=TagTarget.PERSON)
    context = _list_context(request, page, rows, "persons", region=region, tags=tags, residences=Residence.choices)
    return render(request, _list_template(request, "registry/_person_rows.html", "registry/persons.html"), context)


@login_required
@require_POST
def person_search(request):
    """POST, so an ID number, phone or name never reaches a URL or an access log."""
    found = services.find_persons(request.user, **form_data(PersonSearchForm, request.POST))
    rows = [presenters.person_row(request.user, p) for p in found]
    return render(request, "registry/_person_rows.html", {"rows": rows, "page": None})


@login_required
def person_detail(request, person_id: int):
    person = services.get_person_for(request.user, person_id)
    context = {
        "person": person,
        "row": presenters.person_row(request.user, person),
        "can_reveal": covers(request.user, Perm.REVEAL_PII, person.region.path),
        "can_edit": covers(request.user, Perm.EDIT_REGISTRY, person.region.path),
        "can_relink": covers(request.user, Perm.RELINK_ACCOUNT, person.region.path),
        "tags": Tag.objects.filter(applies_to=TagTarget.PERSON),
    }
    return render(request, "registry/person_detail.html", context)


@login_required
@require_POST
def person_reveal(request, person_id: int):
    person = services.get_person_for(request.user, person_id)
    data = form_data(RevealForm, request.POST)
    value = services.reveal_person_field(request.user, person, field=data["field"], reason=data["reason"])
    return render(request, "registry/_revealed.html", {"field": data["field"], "value": value})


@login_required
@require_POST
def person_tag(request, person_id: int):
    person = services.get_person_for(request.user, person_id)
    data = form_data(TagForm, request.POST)
    tag = Tag.objects.filter(code=data["tag"], applies_to=TagTarget.PERSON).first()
    if tag is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择标签")
    if data["remove"]:
        services.remove_tag(request.user, person, tag)
    else:
        services.add_tag(request.user, person, tag, note=data["note"])
    return person_detail(request, person_id)


@login_required
def houses(request):
    require_perm(request.user, Perm.VIEW_REGISTRY)  # an empty list would hide that the role may never look
    data = form_data(HouseFilter, request.GET)
    filters = {k: data[k] for k in ("tag", "house_type", "is_rental")}
    qs = queries.filter_houses(places.houses_for(request.user), region=_region(request, data), **filters)
    page = _page(request, qs.order_by("door_number"))
    rows = [presenters.house_row(h) for h in page]
    tags = Tag.objects.filter(applies_to=TagTarget.HOUSE)
    context = _list_context(request, page, rows, "houses", types=HouseType.choices, tags=tags)
    return render(request, _list_template(request, "registry/_house_rows.html", "registry/houses.html"), context)


@login_required
@require_POST
def house_search(request):
    """A door number is a home address: searched by POST, so it stays out of URLs and access logs."""
    found = places.search_houses(request.user, form_data(HouseSearchForm, request.POST)["door"])
    rows = [presenters.house_row(h) for h in found]
    return render(request, "registry/_house_rows.html", {"rows": rows, "page": None})


@login_required
def house_detail(request, house_id: int):
    house, residents = places.get_house_for(request.user, house_id)
    context = {
        "house": presenters.house_row(house),
        "residents": [presenters.person_row(request.user, p) for p in residents],
    }
    return render(request, "registry/house_detail.html", context)


@login_required
def legal_persons(request):
    require_perm(request.user, Perm.VIEW_REGISTRY)  # an empty list would hide that the role may never look
    data = form_data(LegalPersonFilter, request.GET)
    filters = {"tag": data["tag"], "industry": data["industry"]}
    qs = queries.filter_legal_persons(places.legal_persons_for(request.user), region=_region(request, data), **filters)
    page = _page(request, qs.order_by("name"))
    rows = [presenters.legal_person_row(e) for e in page]
    tags = Tag.objects.filter(applies_to=TagTarget.LEGAL_PERSON)
    context = _list_context(request, page, rows, "legal_persons", industries=Industry.choices, tags=tags)
    return render(request, "registry/legal_persons.html", context)


@login_required
def legal_person_detail(request, entity_id: int):
    entity = places.get_legal_person_for(request.user, entity_id)
    return render(request, "registry/legal_person_detail.html", {"e": presenters.legal_person_row(entity)})


@login_required
@require_POST
def person_account(request, person_id: int):
    """实名核验: link a resident's login (by username) to this person after checking their ID in person.
    relink=1 replaces an existing link, which only community staff may (services.relink_account)."""
    from django.contrib.auth import get_user_model

    person = services.get_person_for(request.user, person_id)
    data = form_data(AccountLinkForm, request.POST)
    user = get_user_model().objects.filter(username=data["username"]).first() if data["username"] else None
    if user is None:
        raise DomainError(ErrorCode.INVALID_INPUT, _("没有这个账号"))
    verb = services.relink_account if data["relink"] else services.link_account
    verb(request.user, person, user)
    return person_detail(request, person_id)
