import base64
import binascii

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grassroots.accounts.models import Department
from grassroots.areas.services import get_region_for
from grassroots.cases import duplicates, handling, intake, queries, residents
from grassroots.cases.access import cases_for, get_case_for, require_case_role, view_case
from grassroots.cases.evidence import Photo
from grassroots.cases.models import Category, Channel
from grassroots.cases.presenters import case_detail, case_row
from grassroots.cases.schemas import (
    NONEMPTY_FILE_BODY,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CategoryOut,
    CloseUnfixedIn,
    DuplicateOut,
    FollowIn,
    MergeIn,
    NoteIn,
    OwnerIn,
    ProgressIn,
    RateIn,
    ReclassifyIn,
    ReferIn,
    ReturnIn,
    SuperviseIn,
)
from grassroots.core import idempotency
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.pagination import BoundedLimitOffset, LazyRows
from grassroots.core.schemas import errors

router = Router(tags=["cases"])


def decode_photos(items: list[str]) -> list[Photo]:
    photos = []
    for n, item in enumerate(items, start=1):
        try:
            photos.append(Photo(f"photo{n}", base64.b64decode(item.split(",", 1)[-1], validate=True)))
        except (binascii.Error, ValueError):
            raise DomainError(ErrorCode.INVALID_PHOTO, _("第 %(n)s 张照片不是有效的 base64") % {"n": n}) from None
    return photos


def detail(request, case) -> dict:
    return case_detail(request.auth, get_case_for(request.auth, case.pk))


@router.get("/categories", response=list[CategoryOut])
def categories(request: HttpRequest):
    rows = Category.objects.filter(is_active=True).select_related("parent")
    return [
        {
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent_id else None,
            "allow_anonymous": c.allow_anonymous,
        }
        for c in rows
    ]


@router.post("/", response={201: CaseDetailOut})
def open_case(request: HttpRequest, payload: CaseIn):
    def produce():
        report = intake.Report(
            **payload.dict(exclude={"photos", "idempotency_key", "channel"}), photos=decode_photos(payload.photos)
        )
        case = intake.open_case(request.auth, report, channel=Channel(payload.channel))
        body = CaseDetailOut(**case_detail(request.auth, case)).model_dump(mode="json")
        return 201, body

    key = idempotency.key_from(request, payload.idempotency_key)
    return Status(*idempotency.run_once(request, endpoint="cases.open", key=key, produce=produce))


@router.get("/", response=list[CaseOut])
@paginate(BoundedLimitOffset)
def list_cases(
    request: HttpRequest,
    status: str = "",
    category: str = "",
    region: int | None = None,
    overdue: bool = False,
    mine: bool = False,
):
    require_case_role(request.auth)
    area = get_region_for(request.auth, region) if region else None
    qs = queries.filter_cases(
        cases_for(request.auth),
        actor=request.auth,
        status=status,
        category=category,
        region=area,
        overdue=overdue,
        mine=mine,
    )
    return LazyRows(qs, lambda page: [case_row(request.auth, c) for c in page])


@router.get("/duplicates", response={200: list[DuplicateOut], **errors(400, 403)})
def find_duplicates(request: HttpRequest, category: str, lng: float, lat: float, text: str = ""):
    """Likely duplicates of a report about to be filed: only what recognises the problem, and an offer to follow."""
    cat = Category.objects.filter(code=category).first()
    if cat is None:
        raise DomainError(ErrorCode.UNKNOWN_CATEGORY, _("未知事件类别：%(code)s") % {"code": category})
    return duplicates.offers(request.auth, cat, lng, lat, text)


@router.post("/follow", response={200: CaseDetailOut, **errors(403, 404, 409)})
def follow(request: HttpRequest, payload: FollowIn):
    """我也遇到: follow an offered case (403 `offer_invalid` without a valid offer made to you, `expired` if stale)."""
    follower = residents.follow_offered(request.auth, payload.offer)
    return detail(request, follower.case)


@router.post(
    "/hotline-import",
    response={200: dict[str, list], **errors(400, 401, 403, 413, 422)},
    openapi_extra=NONEMPTY_FILE_BODY,
)
def hotline_import(request: HttpRequest, file: UploadedFile = File(...)):  # noqa: B008 - ninja idiom
    """CSV or Excel of 12345 work orders; all or nothing, with per-row errors (`details`). 403 before the file is
    read for a role that may not import; 413 for a file over the import limit or a sheet beyond the row bounds."""
    from grassroots.cases.hotline import import_upload

    return import_upload(request.auth, file)


@router.get("/{case_id}", response=CaseDetailOut)
def get_case(request: HttpRequest, case_id: int):
    return case_detail(request.auth, view_case(request.auth, case_id))


@router.post("/{case_id}/accept", response=CaseDetailOut)
def accept(request: HttpRequest, case_id: int):
    return detail(request, handling.accept_case(request.auth, get_case_for(request.auth, case_id)))


@router.post("/{case_id}/return", response=CaseDetailOut)
def return_case(request: HttpRequest, case_id: int, payload: ReturnIn):
    case = get_case_for(request.auth, case_id)
    returned = handling.return_case(request.auth, case, reason=payload.reason, likely_owner=payload.likely_owner)
    # Not re-fetched through the caller's scope: a department that returns a case no longer sees it.
    return case_detail(request.auth, returned)


def _owner(request, payload: OwnerIn) -> dict:
    department = (
        Department.objects.filter(pk=payload.department_id).select_related("region").first()
        if payload.department_id
        else None
    )
    if payload.department_id and department is None:
        raise DomainError(ErrorCode.UNKNOWN_DEPARTMENT, _("未知部门"))
    region = get_region_for(request.auth, payload.region_id) if payload.region_id else None
    return {"department": department, "region": region}


@router.post("/{case_id}/reroute", response=CaseDetailOut)
def reroute(request: HttpRequest, case_id: int, payload: OwnerIn):
    case = get_case_for(request.auth, case_id)
    return detail(request, handling.reroute_case(request.auth, case, **_owner(request, payload), note=payload.note))


@router.post("/{case_id}/arbitrate", response=CaseDetailOut)
def arbitrate(request: HttpRequest, case_id: int, payload: OwnerIn):
    case = get_case_for(request.auth, case_id)
    return detail(
        request, handling.arbitrate_case(request.auth, case, **_owner(request, payload), decision=payload.note)
    )


@router.post("/{case_id}/progress", response=CaseDetailOut)
def progress(request: HttpRequest, case_id: int, payload: ProgressIn):
    case = get_case_for(request.auth, case_id)
    return detail(
        request,
        handling.add_progress(
            request.auth, case, note=payload.note, percent=payload.percent, photos=decode_photos(payload.photos)
        ),
    )


@router.post("/{case_id}/resolve", response=CaseDetailOut)
def resolve(request: HttpRequest, case_id: int, payload: NoteIn):
    case = get_case_for(request.auth, case_id)
    return detail(
        request, handling.resolve_case(request.auth, case, note=payload.note, photos=decode_photos(payload.photos))
    )


@router.post("/{case_id}/close-unfixed", response=CaseDetailOut)
def close_unfixed(request: HttpRequest, case_id: int, payload: CloseUnfixedIn):
    case = get_case_for(request.auth, case_id)
    return detail(
        request,
        handling.close_unfixed(
            request.auth, case, reason=payload.reason, note=payload.note, planned_date=payload.planned_date
        ),
    )


@router.post("/{case_id}/refer", response=CaseDetailOut)
def refer(request: HttpRequest, case_id: int, payload: ReferIn):
    case = get_case_for(request.auth, case_id)
    return detail(request, handling.refer_case(request.auth, case, body=payload.body, note=payload.note))


@router.post("/{case_id}/rate", response=CaseDetailOut)
def rate(request: HttpRequest, case_id: int, payload: RateIn):
    case = get_case_for(request.auth, case_id)
    return detail(
        request,
        residents.rate_case(
            request.auth, case, satisfied=payload.satisfied, score=payload.score, comment=payload.comment
        ),
    )


@router.post("/{case_id}/merge", response=CaseDetailOut)
def merge(request: HttpRequest, case_id: int, payload: MergeIn):
    case = get_case_for(request.auth, case_id)
    primary = get_case_for(request.auth, int(payload.primary_id))
    duplicates.merge_case(request.auth, case, primary, note=payload.note)
    return detail(request, case)


@router.post("/{case_id}/supervise", response=CaseDetailOut)
def supervise(request: HttpRequest, case_id: int, payload: SuperviseIn):
    case = get_case_for(request.auth, case_id)
    return detail(request, handling.supervise_case(request.auth, case, deadline=payload.deadline, note=payload.note))


@router.post("/{case_id}/reclassify", response=CaseDetailOut)
def reclassify(request: HttpRequest, case_id: int, payload: ReclassifyIn):
    case = get_case_for(request.auth, case_id)
    return detail(request, handling.reclassify_case(request.auth, case, category_code=payload.category))
