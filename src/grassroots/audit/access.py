"""What an auditor may see, and the audited reads behind the auditors' page.

An auditor (a role with Perm.AUDIT_LOG, e.g. 数据管理员) sees the entries whose region lies in the subtree
of a region where they hold that role. Entries without a region (system jobs, district-wide actors) are seen
only by auditors at a root region (the district). Checkpoints cover the whole log and reveal no personal
data (a size and a hash), so any auditor may list and download them.

Searching the log and viewing a proof are themselves audited: the log says who is in which record, and when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import ROOT_PATH, grants_with, require_perm
from grassroots.audit import log
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry, AuditSubject, Checkpoint
from grassroots.audit.services import record
from grassroots.audit.subjects import PERSON
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.core.time import parse_day, within_days

PAGE_SIZE = 50


def is_root(path: str) -> bool:
    """A region path of one component ('/1/') is a root region; '/' is the superuser's whole system."""
    return path == ROOT_PATH or path.count("/") == 2


def entries_visible_to(user) -> QuerySet[AuditEntry]:
    require_perm(user, Perm.AUDIT_LOG)
    qs = AuditEntry.objects.exclude(leaf_index=None)
    paths = sorted({g.path for g in grants_with(user, Perm.AUDIT_LOG)})
    if ROOT_PATH in paths:
        return qs
    outer = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    visible = reduce(or_, (Q(region_path__startswith=p) for p in outer))
    if any(is_root(p) for p in outer):
        visible |= Q(region_path="")
    return qs.filter(visible)


def get_entry_for(user, leaf_index: int) -> AuditEntry:
    entry = entries_visible_to(user).filter(leaf_index=leaf_index).first()
    if entry is None:
        raise NotFound()
    return entry


@dataclass(frozen=True)
class Filters:
    person: str = ""
    actor: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    before: int | None = None  # keyset paging: entries with a smaller leaf index

    @classmethod
    def parse(cls, params) -> Filters:
        before = params.get("before", "").strip()
        if before and not (before.isascii() and before.isdigit()):  # "²" is a digit to isdigit, not to int
            raise DomainError(ErrorCode.INVALID_INPUT, gettext("分页参数无效"))
        return cls(
            person=params.get("person", "").strip()[:64],
            actor=params.get("actor", "").strip()[:150],
            since=parse_day(params.get("since", "").strip()),
            until=parse_day(params.get("until", "").strip()),
            before=int(before) if before else None,
        )

    def as_extra(self) -> dict:
        return {
            k: str(v)
            for k, v in (("person", self.person), ("actor", self.actor), ("since", self.since), ("until", self.until))
            if v
        }


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    next_before: int | None  # leaf index to pass as `before` for the next (older) page; None at the end


@transaction.atomic
def search_entries(actor, filters: Filters) -> Page:
    """Entries the actor may see, newest first, through indexes only: the person through AuditSubject, the
    actor through (actor_label, leaf_index), time through `at`. Keyset paging, so nothing counts the table."""
    qs = entries_visible_to(actor)
    if filters.person:
        about = AuditSubject.objects.filter(kind=PERSON, object_id=filters.person).values("entry_id")
        qs = qs.filter(leaf_index__in=about)
    if filters.actor:
        qs = qs.filter(actor_label=filters.actor)
    qs = within_days(qs, "at", filters.since, filters.until)
    if filters.before is not None:
        qs = qs.filter(leaf_index__lt=filters.before)
    rows = list(qs.order_by("-leaf_index")[: PAGE_SIZE + 1])
    page = Page(rows[:PAGE_SIZE], rows[PAGE_SIZE - 1].leaf_index if len(rows) > PAGE_SIZE else None)
    record(
        actor=actor,
        event=AuditEvent.AUDIT_SEARCHED,
        target_type="audit.auditentry",
        extra={**filters.as_extra(), "page_from": page.entries[0].leaf_index if page.entries else None},
    )
    return page


@transaction.atomic
def prove_entry_for(actor, leaf_index: int) -> dict:
    """Inclusion proof of a visible entry against the latest signed checkpoint, signing a new one if the
    entry is newer than the latest (the page's promise: every entry can be proved now)."""
    entry = get_entry_for(actor, leaf_index)
    checkpoint = log.latest_checkpoint()
    if checkpoint is None or checkpoint.size <= entry.leaf_index:
        checkpoint = log.make_checkpoint()
    body = {**log.prove(entry, checkpoint), "entry": log.entry_data(entry)}
    extra = {"checkpoint": checkpoint.seq}
    if entry.target_type == PERSON:
        extra["person"] = entry.target_id
    record(
        actor=actor,
        event=AuditEvent.AUDIT_PROOF_VIEWED,
        target_type="audit.auditentry",
        target_id=entry.leaf_index,
        extra=extra,
    )
    return body


def checkpoint_for(actor, size: int | None) -> Checkpoint:
    """A stored checkpoint by size, or (size None) a fresh one of the current log. Export is audited."""
    require_perm(actor, Perm.AUDIT_LOG)
    with transaction.atomic():
        if size is None:
            cp = log.make_checkpoint()
        else:
            cp = Checkpoint.objects.filter(size=size).first()
            if cp is None:
                raise NotFound()
        record(
            actor=actor,
            event=AuditEvent.AUDIT_CHECKPOINT_EXPORTED,
            target_type="audit.checkpoint",
            target_id=cp.seq,
            extra={"size": cp.size},
        )
    return cp
