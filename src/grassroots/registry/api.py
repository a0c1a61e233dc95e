from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.areas.services import get_region_for
from grassroots.core import idempotency
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.core.pagination import BoundedLimitOffset, LazyRows
from grassroots.registry import places, presenters, queries, services
from grassroots.registry.models import Tag
from grassroots.registry.schemas import (
    Age,
    HouseDetailOut,
    HouseIn,
    HouseOut,
    HouseSearchIn,
    LegalPersonIn,
    LegalPersonOut,
    PersonIn,
    PersonOut,
    PersonSearchIn,
    RegionCountOut,
    RevealIn,
    RevealOut,
    TagIn,
)

router = Router(tags=["registry"])


def _person_json(viewer, person) -> dict:
    row = presenters.person_row(viewer, person)
    return PersonOut(**{**row, "id": str(row["id"]), "house_id": _str(row["house_id"])}).model_dump(mode="json")


def _house_json(house) -> dict:
    return {**presenters.house_row(house), "id": str(house.pk)}


def _str(value) -> str | None:
    return None if value is None else str(value)


def _region_or_none(request, region_id: int | None):
    return get_region_for(request.auth, region_id) if region_id else None


@router.get("/persons", response=list[PersonOut])
@paginate(BoundedLimitOffset)
def list_persons(
    request: HttpRequest,
    region: int | None = None,
    tag: str = "",
    residence: str = "",
    sex: str = "",
    min_age: Age = None,
    max_age: Age = None,
    **kwargs,
):
    require_perm(request.auth, Perm.VIEW_REGISTRY)
    qs = queries.filter_persons(
        services.persons_for(request.auth),
        region=_region_or_none(request, region),
        tag=tag,
        residence=residence,
        sex=sex,
        min_age=min_age,
        max_age=max_age,
    )

    def render(people: list) -> list[dict]:
        services.record_listing(request.auth, people, filters={"region": region, "tag": tag})
        return [_person_json(request.auth, p) for p in people]

    return LazyRows(qs.order_by("region__path", "id"), render)


@router.post("/persons/search", response=list[PersonOut])
def search_persons(request: HttpRequest, payload: PersonSearchIn):
    terms = {k: v.strip() for k, v in payload.dict().items()}
    found = services.find_persons(request.auth, **terms)
    return [_person_json(request.auth, p) for p in found]


@router.get("/persons/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int):
    return _person_json(request.auth, services.get_person_for(request.auth, person_id))


@router.post("/persons", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn):
    require_perm(request.auth, Perm.EDIT_REGISTRY)  # before the region lookup: 403 for a role that never edits

    def produce():
        region = get_region_for(request.auth, payload.region_id)
        house = places.houses_for(request.auth).filter(pk=int(payload.house_id)).first() if payload.house_id else None
        if payload.house_id and house is None:
            raise NotFound("房屋不存在或不在您的管辖范围内")
        person = services.create_person(
            request.auth,
            region=region,
            name=payload.name,
            id_number=payload.id_number,
            phone=payload.phone,
            residence=payload.residence,
            house=house,
        )
        return 201, _person_json(request.auth, person)

    key = idempotency.key_from(request, payload.idempotency_key)
    return Status(*idempotency.run_once(request, endpoint="registry.persons.create", key=key, produce=produce))


@router.post("/persons/{person_id}/reveal", response=RevealOut)
def reveal(request: HttpRequest, person_id: int, payload: RevealIn):
    person = services.get_person_for(request.auth, person_id)
    value = services.reveal_person_field(request.auth, person, field=payload.field, reason=payload.reason)
    return {"field": payload.field, "value": value}


def _tag(code: str) -> Tag:
    tag = Tag.objects.filter(code=code).first()
    if tag is None:
        raise DomainError(ErrorCode.INVALID_INPUT, f"未知标签：{code}")
    return tag


@router.post("/persons/{person_id}/tags", response=PersonOut)
def tag_person(request: HttpRequest, person_id: int, payload: TagIn):
    person = services.get_person_for(request.auth, person_id)
    services.add_tag(request.auth, person, _tag(payload.tag), note=payload.note)
    return _person_json(request.auth, services.persons_for(request.auth).get(pk=person.pk))


@router.delete("/persons/{person_id}/tags/{code}", response=PersonOut)
def untag_person(request: HttpRequest, person_id: int, code: str):
    person = services.get_person_for(request.auth, person_id)
    services.remove_tag(request.auth, person, _tag(code))
    return _person_json(request.auth, services.persons_for(request.auth).get(pk=person.pk))


@router.get("/houses", response=list[HouseOut])
@paginate(BoundedLimitOffset)
def list_houses(
    request: HttpRequest,
    region: int | None = None,
    tag: str = "",
    house_type: str = "",
    is_rental: bool | None = None,
    **kwargs,
):
    require_perm(request.auth, Perm.VIEW_REGISTRY)
    qs = queries.filter_houses(
        places.houses_for(request.auth),
        region=_region_or_none(request, region),
        tag=tag,
        house_type=house_type,
        is_rental=is_rental,
    )
    return LazyRows(qs.order_by("door_number"), lambda page: [_house_json(h) for h in page])


@router.post("/houses/search", response=list[HouseOut])
def search_houses(request: HttpRequest, payload: HouseSearchIn):
    """A door number is a home address: it is searched by POST and the audit keeps only that a search happened."""
    return [_house_json(h) for h in places.search_houses(request.auth, payload.door.strip())]


@router.get("/houses/{house_id}", response=HouseDetailOut)
def get_house(request: HttpRequest, house_id: int):
    house, residents = places.get_house_for(request.auth, house_id)
    return {**_house_json(house), "residents": [_person_json(request.auth, p) for p in residents]}


@router.post("/houses", response={201: HouseOut})
def create_house(request: HttpRequest, payload: HouseIn):
    require_perm(request.auth, Perm.EDIT_REGISTRY)
    region = get_region_for(request.auth, payload.region_id)
    house = places.create_house(request.auth, region=region, **payload.dict(exclude={"region_id"}))
    return Status(201, _house_json(places.houses_for(request.auth).get(pk=house.pk)))


@router.get("/legal-persons", response=list[LegalPersonOut])
@paginate(BoundedLimitOffset)
def list_legal_persons(request: HttpRequest, region: int | None = None, tag: str = "", industry: str = "", **kwargs):
    require_perm(request.auth, Perm.VIEW_REGISTRY)
    qs = queries.filter_legal_persons(
        places.legal_persons_for(request.auth), region=_region_or_none(request, region), tag=tag, industry=industry
    )
    return LazyRows(
        qs.order_by("name"), lambda page: [{**presenters.legal_person_row(e), "id": str(e.pk)} for e in page]
    )


@router.get("/legal-persons/{entity_id}", response=LegalPersonOut)
def get_legal_person(request: HttpRequest, entity_id: int):
    entity = places.get_legal_person_for(request.auth, entity_id)
    return {**presenters.legal_person_row(entity), "id": str(entity.pk)}


@router.post("/legal-persons", response={201: LegalPersonOut})
def create_legal_person(request: HttpRequest, payload: LegalPersonIn):
    require_perm(request.auth, Perm.EDIT_REGISTRY)
    region = get_region_for(request.auth, payload.region_id)
    entity = places.create_legal_person(request.auth, region=region, **payload.dict(exclude={"region_id"}))
    return Status(201, {**presenters.legal_person_row(entity), "id": str(entity.pk), "tags": []})


@router.get("/counts", response=list[RegionCountOut])
def counts(request: HttpRequest, region: int):
    require_perm(request.auth, Perm.VIEW_REGISTRY)
    parent = get_region_for(request.auth, region)
    rows = queries.counts_by_child(
        parent,
        services.persons_for(request.auth),
        places.houses_for(request.auth),
        places.legal_persons_for(request.auth),
    )
    return [
        {
            **{k: v for k, v in row.items() if k != "region"},
            "region_id": row["region"].pk,
            "code": row["region"].code,
            "name": row["region"].name,
            "level": row["region"].level,
        }
        for row in rows
    ]


@router.get("/export/{kind}")
def export(request: HttpRequest, kind: str, fmt: str = "xlsx", region: int | None = None, tag: str = ""):
    """Export persons, houses or legal_persons as CSV or Excel, masked as the caller's role requires."""
    from grassroots.registry.views import export_response

    return export_response(request, request.auth, kind, fmt=fmt, region=_region_or_none(request, region), tag=tag)


from grassroots.registry import edit_api  # noqa: E402, F401  (its editing operations join this router)
