"""Open data releases: aggregate, suppress small cells, publish, and take the public's feedback."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from openpyxl import Workbook

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.areas.models import Level, Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases.models import Case, Category, Rating
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.spreadsheet import safe_row
from grassroots.sharing.models import OpenRelease, ReleaseFeedback
from grassroots.sharing.models.open_data import RELEASE_TITLES
from grassroots.sharing.suppression import suppress


def _month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, _("月份格式应为 YYYY-MM")) from None
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (
        timezone.make_aware(dt.datetime.combine(first, dt.time())),
        timezone.make_aware(dt.datetime.combine(following, dt.time())),
    )


def _street_index(streets: list[Region]):
    prefixes = [(s.path, i) for i, s in enumerate(streets)]
    return lambda path: next((i for prefix, i in prefixes if path.startswith(prefix)), None)


def _publish(actor, *, kind: str, month: str, threshold: int, streets, columns, counts) -> OpenRelease:
    table = [[counts.get((i, j), 0) for j in range(len(columns))] for i in range(len(streets))]
    if not table or not table[0] or not any(map(any, table)):
        raise DomainError(ErrorCode.INVALID_INPUT, _("没有可发布的数据"))
    result = suppress(table, threshold=threshold)
    release = OpenRelease.objects.create(
        title=RELEASE_TITLES[kind] % {"month": month},  # the Chinese msgid; pages translate it
        kind=kind,
        period=month,
        threshold=threshold,
        row_labels=[s.name for s in streets],
        column_labels=columns,
        cells=result.cells,
        row_totals=result.row_totals,
        column_totals=result.column_totals,
        grand_total=result.grand_total,
        hidden=result.hidden,
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        event=AuditEvent.OPEN_DATA_PUBLISHED,
        target=release,
        extra={"kind": kind, "period": month, "hidden": result.hidden, "threshold": threshold},
    )
    return release


def _check(actor, threshold: int) -> None:
    require_perm(actor, Perm.PUBLISH_OPEN_DATA)
    if not 2 <= threshold <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, _("最小公开数应在 2–100 之间"))


@transaction.atomic
def publish_cases_by_category(actor, *, month: str, threshold: int = 10) -> OpenRelease:
    """Cases received per street (rows) and top-level category (columns) in a month."""
    _check(actor, threshold)
    start, end = _month_bounds(month)
    streets = list(Region.objects.filter(level=Level.STREET).order_by("code"))
    tops = list(Category.objects.filter(parent=None).order_by("code"))
    street_of, top_index = _street_index(streets), {t.pk: j for j, t in enumerate(tops)}
    counts: dict[tuple[int, int], int] = {}
    rows = (
        Case.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("region_path", "category__parent_id", "category_id")
        .annotate(n=Count("id"))
    )
    for path, parent_id, category_id, n in rows:
        street, top = street_of(path), top_index.get(parent_id or category_id)
        if street is not None and top is not None:
            counts[(street, top)] = counts.get((street, top), 0) + n
    return _publish(
        actor,
        kind="cases_by_category",
        month=month,
        threshold=threshold,
        streets=streets,
        columns=[t.name for t in tops],
        counts=counts,
    )


# Score bands as residents chose them on the 1–5 scale of the rating form (cases.residents.rate_case).
# Stored as the Chinese msgids, shown through gettext (OpenRelease.display_columns).
SATISFACTION_BANDS = (
    (gettext_noop("满意（4–5 分）"), (4, 5)),
    (gettext_noop("一般（3 分）"), (3,)),
    (gettext_noop("不满意（1–2 分）"), (1, 2)),
)


@transaction.atomic
def publish_satisfaction(actor, *, month: str, threshold: int = 10) -> OpenRelease:
    """Residents' ratings of handled cases per street (rows) and score band (columns), by rating month."""
    _check(actor, threshold)
    start, end = _month_bounds(month)
    streets = list(Region.objects.filter(level=Level.STREET).order_by("code"))
    street_of = _street_index(streets)
    band_of = {score: j for j, (_, scores) in enumerate(SATISFACTION_BANDS) for score in scores}
    counts: dict[tuple[int, int], int] = {}
    rows = (
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("case__region_path", "score")
        .annotate(n=Count("id"))
    )
    for path, score, n in rows:
        street, band = street_of(path), band_of.get(score)
        if street is not None and band is not None:
            counts[(street, band)] = counts.get((street, band), 0) + n
    return _publish(
        actor,
        kind="satisfaction",
        month=month,
        threshold=threshold,
        streets=streets,
        columns=[label for label, _ in SATISFACTION_BANDS],
        counts=counts,
    )


RELEASE_KINDS = {"cases_by_category": publish_cases_by_category, "satisfaction": publish_satisfaction}


SUPPRESSED = "<{n}"


def table_rows(release: OpenRelease) -> list[list[str]]:
    """The release as printed: a header, a row per street with its total, and the column totals.

    The grand total is the one suppression published (null when withheld, e.g. because the row totals or
    the column totals would otherwise give a withheld total away); it is never recomputed here.
    """
    mark = SUPPRESSED.format(n=release.threshold)

    def show(value) -> str:
        return mark if value is None else str(value)

    total = gettext("合计")
    header = ["", *release.display_columns, total]
    body = [
        [label, *[show(v) for v in row], show(line_total)]
        for label, row, line_total in zip(release.row_labels, release.cells, release.row_totals, strict=True)
    ]
    footer = [total, *[show(t) for t in release.column_totals], show(release.grand_total)]
    return [header, *body, footer]


def download(release: OpenRelease, fmt: str) -> tuple[bytes, str, str]:
    name = f"open-{release.kind}-{release.period}"
    if fmt == "json":
        data = {
            "title": release.display_title,
            "period": release.period,
            "threshold": release.threshold,
            "rows": release.row_labels,
            "columns": release.display_columns,
            "cells": release.cells,
            "row_totals": release.row_totals,
            "column_totals": release.column_totals,
            "grand_total": release.grand_total,
            "note": gettext("null = 少于 %(n)s，或为防止反推而一并隐去") % {"n": release.threshold},
        }
        return json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8", f"{name}.json"
    rows = [safe_row(row) for row in table_rows(release)]  # titles and labels are typed by staff
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode(), "text/csv; charset=utf-8", f"{name}.csv"
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{name}.xlsx"
    raise DomainError(ErrorCode.INVALID_INPUT, _("格式只能是 csv、json 或 xlsx"))


FEEDBACK_WINDOW = 3600  # seconds


def _take_feedback_slot(client: str) -> None:
    """At most OPEN_FEEDBACK_PER_HOUR messages per client (IP or session) an hour, counted in the cache."""
    limit = getattr(settings, "OPEN_FEEDBACK_PER_HOUR", 5)
    key = "open-feedback:" + hashlib.sha256(client.encode()).hexdigest()[:32]
    cache.add(key, 0, FEEDBACK_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, FEEDBACK_WINDOW)
        count = 1
    if count > limit:
        raise DomainError(ErrorCode.RATE_LIMITED, _("提交过于频繁，请稍后再试"))


@transaction.atomic
def leave_feedback(release: OpenRelease, message: str, *, client: str) -> ReleaseFeedback:
    """Anyone may leave feedback; `client` (the caller's IP or session) bounds how often."""
    message = (message or "").strip()
    if not 2 <= len(message) <= 1000:
        raise DomainError(ErrorCode.INVALID_INPUT, _("意见应为 2–1000 个字"))
    _take_feedback_slot(client)
    feedback = ReleaseFeedback.objects.create(release=release, message=message)
    # Every write is audited; the public has no account, so the entry has no actor and keeps no address.
    record(actor=None, event=AuditEvent.OPEN_DATA_FEEDBACK, target=feedback, extra={"release": str(release.pk)})
    return feedback
