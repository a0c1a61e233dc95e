"""Registry pages (htmx). Each handler parses, fetches through a scoped service, and renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, require_perm
from grassroots.areas.services import get_region_for
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.registry import exports, places, presenters, queries, services
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


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"不是有效的数字：{value}") from None


def _region(request):
    region_id = _int(request.GET.get("region"))
    return get_region_for(request.user, region_id) if region_id else None


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
    return export_response(
        request,
        request.user,
        kind,
        fmt=request.GET.get("fmt", "xlsx"),
        region=_region(request),
        tag=request.GET.get("tag", ""),
    )


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def persons(request):
    require_perm(request.user, Perm.VIEW_REGISTRY)  # an empty list would hide that the role may never look
    region = _region(request)
    filters = {k: request.GET.get(k, "") for k in ("tag", "residence", "sex")}
    qs = queries.filter_persons(
        services.persons_for(request.user),
        region=region,
        min_age=_int(request.GET.get("min_age")),
        max_age=_int(request.GET.get("max_age")),
        **filters,
    )
    page = _page(request, qs.order_by("region__path", "id"))
    services.record_listing(request.user, list(page), filters={**filters, "region": region.code if region else None})
    rows = [presenters.person_row(request.user, p) for p in page]
    context = {
        "page": page,
        "rows": rows,
        "region": region,
        "tags": Tag.objects.filter(applies_to=TagTarget.PERSON),
        "residences": Residence.choices,
        "query": request.GET.urlencode(),
        "kind": "persons",
    }
    template = (
        "registry/_person_rows.html" if request.htmx and request.htmx.target == "results" else "registry/persons.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def person_search(request):
    """POST, so an ID number, phone or name never reaches a URL or an access log."""
    found = services.find_persons(
        request.user,
        id_number=request.POST.get("id_number", "").strip(),
        phone=request.POST.get("phone", "").strip(),
        name=request.POST.get("name", "").strip(),
    )
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
    field = request.POST.get("field", "")
    value = services.reveal_person_field(request.user, person, field=field, reason=request.POST.get("reason", ""))
    return render(request, "registry/_revealed.html", {"field": field, "value": value})


@login_required
@require_POST
def person_tag(request, person_id: int):
    person = services.get_person_for(request.user, person_id)
    tag = Tag.objects.filter(code=request.POST.get("tag", ""), applies_to=TagTarget.PERSON).first()
    if tag is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择标签")
    if request.POST.get("remove"):
        services.remove_tag(request.user, person, tag)
    else:
        services.add_tag(request.user, person, tag, note=request.POST.get("note", ""))
    return person_detail(request, person_id)


@login_required
def houses(request):
    require_perm(request.user, Perm.VIEW_REGISTRY)  # an empty list would hide that the role may never look
    is_rental = {"1": True, "0": False}.get(request.GET.get("is_rental", ""))
    qs = queries.filter_houses(
        places.houses_for(request.user),
        region=_region(request),
        tag=request.GET.get("tag", ""),
        house_type=request.GET.get("house_type", ""),
        is_rental=is_rental,
    )
    page = _page(request, qs.order_by("door_number"))
    items = list(page)
    context = {
        "page": page,
        "rows": [presenters.house_row(h) for h in items],
        "types": HouseType.choices,
        "tags": Tag.objects.filter(applies_to=TagTarget.HOUSE),
        "query": request.GET.urlencode(),
        "kind": "houses",
    }
    template = (
        "registry/_house_rows.html" if request.htmx and request.htmx.target == "results" else "registry/houses.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def house_search(request):
    """A door number is a home address: searched by POST, so it stays out of URLs and access logs."""
    found = places.search_houses(request.user, request.POST.get("door", "").strip())
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
    qs = queries.filter_legal_persons(
        places.legal_persons_for(request.user),
        region=_region(request),
        tag=request.GET.get("tag", ""),
        industry=request.GET.get("industry", ""),
    )
    page = _page(request, qs.order_by("name"))
    context = {
        "page": page,
        "rows": [presenters.legal_person_row(e) for e in page],
        "industries": Industry.choices,
        "tags": Tag.objects.filter(applies_to=TagTarget.LEGAL_PERSON),
        "query": request.GET.urlencode(),
        "kind": "legal_persons",
    }
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
    user = get_user_model().objects.filter(username=request.POST.get("username", "").strip()).first()
    if user is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "没有这个账号 / no such account")
    verb = services.relink_account if request.POST.get("relink") == "1" else services.link_account
    verb(request.user, person, user)
    return person_detail(request, person_id)
