"""Duplicate detection: same category, near in space and time, similar text.

Text similarity is the Jaccard index of jieba word sets (stop words and single characters dropped), cheap
and explainable; distance is the haversine great-circle distance.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import jieba
from django.conf import settings
from django.db import transaction

from grassroots.accounts.roles import Perm
from grassroots.cases.access import require
from grassroots.cases.models import OPEN_STATUSES, Case, Category, Follower, Outcome
from grassroots.cases.workflow import locked, transition
from grassroots.core.errors import DomainError, ErrorCode
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
    category: Category, lng: float | None, lat: float | None, text: str, *, exclude: int | None = None, limit: int = 5
) -> list[Candidate]:
    if lng is None or lat is None:
        return []
    radius = settings.CASE_DUPLICATE_RADIUS_M
    since = now() - dt.timedelta(days=settings.CASE_DUPLICATE_DAYS)
    # A bounding box in degrees first (an index-friendly prefilter), then the exact distance.
    dlat = radius / 111_320
    dlng = radius / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    near = Case.objects.filter(
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
        distance = metres(lng, lat, case.lng, case.lat)
        score = similarity(text, f"{case.title}。{case.description}")
        if distance <= radius and score >= settings.CASE_DUPLICATE_SIMILARITY:
            found.append(Candidate(case, distance, score))
    return sorted(found, key=lambda c: (-c.similarity, c.distance_m))[:limit]


@transaction.atomic
def merge_case(actor, duplicate: Case, primary: Case, *, note: str = "") -> Case:
    """Merge a duplicate into its primary: its followers follow the primary and are told the outcome."""
    if duplicate.pk == primary.pk:
        raise DomainError(ErrorCode.INVALID_INPUT, "不能与自身合并")
    duplicate, primary = locked(duplicate), locked(primary)
    require(actor, Perm.ARBITRATE_CASES, duplicate)
    require(actor, Perm.ARBITRATE_CASES, primary)
    if primary.status not in OPEN_STATUSES and primary.status != "resolved":
        raise DomainError(ErrorCode.CONFLICT, "主事件已办结，不能合并 / the primary case is closed")
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
