"""Duplicate detection: same category, near in space and time, similar text.

Text similarity is the Jaccard index of jieba word sets (stop words and single characters dropped), cheap
and explainable; distance is the haversine great-circle distance.

Offered to a reporter (我也遇到), a likely duplicate is someone else's report: the offer names the problem (title,
category, status, a rounded distance from its coarse public point, how many follow it) and carries a signed,
short-lived token bound to this user and case, the only way to follow a case one did not report.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import jieba
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm
from grassroots.cases.access import cases_for, require
from grassroots.cases.models import OPEN_STATUSES, Case, Category, Follower, Outcome
from grassroots.cases.presenters import PUBLIC_DECIMALS, coarse_point
from grassroots.cases.workflow import locked, transition
from grassroots.core.errors import DomainError, ErrorCode, NotFound, PermissionDenied
from grassroots.core.time import now

STOP = set(
    [
        "的",
        "了",
        "在",
        "是",
        "有",
        "和",
        "也",
        "就",
        "都",
        "我",
        "你",
        "他",
        "她",
        "我们",
        "请",
        "您好",
        "反映",
        "一下",
        "一个",
        "这个",
        "那个",
        "问题",
        "希望",
        "尽快",
        "处理",
        "附近",
        "现在",
    ]
)
EARTH_M = 6_371_008.8


def words(text: str) -> set[str]:
    return {w for w in jieba.lcut(text) if len(w) > 1 and w not in STOP and not w.isspace()}


def similarity(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def metres(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Candidate:
    case: Case
    distance_m: float
    similarity: float


def find_duplicates(
    category: Category,
    lng: float | None,
    lat: float | None,
    text: str,
    *,
    exclude: int | None = None,
    limit: int = 5,
    among: QuerySet[Case] | None = None,
    precise: bool = True,
) -> list[Candidate]:
    """Open cases like this report. `among` limits the search (a staff member's scope); `precise=False` measures
    from each case's coarse public point, so probing with many points cannot trace a report back to a door."""
    if lng is None or lat is None:
        return []
    radius = settings.CASE_DUPLICATE_RADIUS_M
    since = now() - dt.timedelta(days=settings.CASE_DUPLICATE_DAYS)
    # A bounding box in degrees first (an index-friendly prefilter), then the exact distance; widened by the
    # rounding when measuring from coarse points, so the box edge does not give the exact point away either.
    margin = 0 if precise else 0.5 * 10**-PUBLIC_DECIMALS
    dlat = radius / 111_320 + margin
    dlng = radius / (111_320 * max(math.cos(math.radians(lat)), 0.01)) + margin
    near = (Case.objects.all() if among is None else among).filter(
        category=category,
        status__in=OPEN_STATUSES,
        created_at__gte=since,
        lng__range=(lng - dlng, lng + dlng),
        lat__range=(lat - dlat, lat + dlat),
    )
    if exclude:
        near = near.exclude(pk=exclude)
    found = []
    for case in near[:200]:
        case_lng, case_lat = (case.lng, case.lat) if precise else coarse_point(case.lng, case.lat)
        distance = metres(lng, lat, case_lng, case_lat)
        score = similarity(text, f"{case.title}。{case.description}")
        if distance <= radius and score >= settings.CASE_DUPLICATE_SIMILARITY:
            found.append(Candidate(case, distance, score))
    return sorted(found, key=lambda c: (-c.similarity, c.distance_m))[:limit]


OFFER_SALT = "grassroots.cases.duplicates.offer"
OFFER_MAX_AGE = dt.timedelta(minutes=10)  # long enough to read the offer and decide, too short to hoard


def offers(actor, category: Category, lng: float, lat: float, text: str) -> list[dict]:
    """The 我也遇到 offer. Staff search within their own scope; everyone gets the same few fields."""
    if not any(has_perm(actor, p) for p in (Perm.REPORT_CASES, Perm.VIEW_CASES, Perm.HANDLE_CASES)):
        raise PermissionDenied()  # a role with nothing to do with cases (e.g. the data authority)
    staff = has_perm(actor, Perm.VIEW_CASES)
    found = find_duplicates(category, lng, lat, text, among=cases_for(actor) if staff else None, precise=staff)
    counts = dict(
        Follower.objects.filter(case__in=[c.case.pk for c in found])
        .values("case")
        .annotate(n=Count("id"))
        .values_list("case", "n")
    )
    return [
        {
            "title": c.case.title,
            "category": category.code,
            "category_name": category.name,
            "status": c.case.status,
            "status_label": c.case.get_status_display(),
            "distance_m": int(round(c.distance_m, -1)),
            "followers": counts.get(c.case.pk, 0),
            "offer": make_offer(actor, c.case),
        }
        for c in found
    ]


def make_offer(actor, case: Case) -> str:
    return signing.TimestampSigner(salt=OFFER_SALT).sign_object({"u": actor.pk, "c": case.pk})


def offered_case(actor, offer: str) -> Case:
    """The case an offer was made for, if it was made to `actor` within OFFER_MAX_AGE."""
    signer = signing.TimestampSigner(salt=OFFER_SALT)
    try:
        data = signer.unsign_object(offer, max_age=OFFER_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError(ErrorCode.EXPIRED, _("关注凭证已过期，请重新提交反映以查看附近的类似事件")) from None
    except signing.BadSignature:
        raise DomainError(ErrorCode.OFFER_INVALID, _("只能关注系统向您推荐的类似事件")) from None
    if not isinstance(data, dict) or data.get("u") != getattr(actor, "pk", None):
        raise DomainError(ErrorCode.OFFER_INVALID, _("只能关注系统向您推荐的类似事件"))
    case = Case.objects.filter(pk=data.get("c")).select_related("category", "region", "owner_region").first()
    if case is None:
        raise NotFound()
    return case


@transaction.atomic
def merge_case(actor, duplicate: Case, primary: Case, *, note: str = "") -> Case:
    """Merge a duplicate into its primary: its followers follow the primary and are told the outcome."""
    if duplicate.pk == primary.pk:
        raise DomainError(ErrorCode.INVALID_INPUT, _("不能与自身合并"))
    duplicate, primary = locked(duplicate), locked(primary)
    require(actor, Perm.ARBITRATE_CASES, duplicate)
    require(actor, Perm.ARBITRATE_CASES, primary)
    if primary.status not in OPEN_STATUSES and primary.status != "resolved":
        raise DomainError(ErrorCode.CASE_CLOSED, _("主事件已办结，不能合并"))
    for follower in Follower.objects.filter(case=duplicate):
        Follower.objects.get_or_create(case=primary, user=follower.user, defaults={"reason": "me_too"})
    duplicate.primary, duplicate.outcome, duplicate.closed_at = primary, Outcome.DUPLICATE, now()
    transition(
        duplicate,
        "merge",
        actor,
        note=note,
        data={"primary": primary.number},
        notify_message=f"已与事件 {primary.number} 合并办理，办理结果将一并通知您",
    )
    return duplicate
