"""Rollup bookkeeping, the writer of the domain rollup, and the jobs over every registered rollup.

Rollups are derived data: they are rebuilt from their sources, hold no personal data and are not audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from grassroots.areas.models import Region
from grassroots.stats import registry
from grassroots.stats.models import DomainStat, RollupState

log = logging.getLogger(__name__)

DOMAIN_FIELDS = ("open", "top_level", "recent", "recent_closed")
BATCH = 2000


class RollupFailed(RuntimeError):
    """One or more rollups raised; the others were still refreshed."""


def state_of(name: str) -> RollupState | None:
    return RollupState.objects.filter(name=name).first()


def lock_state(name: str) -> RollupState:
    """The rollup's state row, locked until the transaction ends, so two refreshes never interleave."""
    RollupState.objects.get_or_create(name=name)
    return RollupState.objects.select_for_update().get(name=name)


def finish_state(state: RollupState, watermark: dt.datetime, rows: int, started: float) -> None:
    state.watermark, state.refreshed_at = watermark, timezone.now()
    state.rows, state.seconds = rows, time.perf_counter() - started
    state.save()


def write_domain_stats(state_name: str, compute: Callable[[], dict[tuple[int, str], dict[str, int]]]) -> dict:
    """Make DomainStat equal to `compute()` ((region, domain) → DOMAIN_FIELDS), writing only what changed."""
    started, now = time.perf_counter(), timezone.now()
    with transaction.atomic():
        state = lock_state(state_name)
        # Computed under the lock, so an overlapping refresh can never write an older snapshot last.
        fresh = compute()
        parents = dict(Region.objects.values_list("pk", "parent_id"))
        old = {(r.region_id, r.domain): r for r in DomainStat.objects.select_for_update()}
        changed = [
            row
            for key, row in old.items()
            if key in fresh and any(getattr(row, f) != fresh[key][f] for f in DOMAIN_FIELDS)
        ]
        for row in changed:
            for name in DOMAIN_FIELDS:
                setattr(row, name, fresh[(row.region_id, row.domain)][name])
        DomainStat.objects.bulk_update(changed, DOMAIN_FIELDS, batch_size=BATCH)
        gone = [row.pk for key, row in old.items() if key not in fresh]
        DomainStat.objects.filter(pk__in=gone).delete()
        DomainStat.objects.bulk_create(
            [
                DomainStat(region_id=region, parent_id=parents.get(region), domain=domain, **values)
                for (region, domain), values in fresh.items()
                if (region, domain) not in old
            ],
            batch_size=BATCH,
        )
        finish_state(state, timezone.now(), len(fresh), started)
    return {"rows": len(fresh), "changed": len(changed) + len(gone), "at": int(now.timestamp())}


def _run_all(pick: Callable[[registry.Rollup], Callable[[], dict]]) -> dict[str, dict]:
    results: dict[str, dict] = {}
    failed: list[str] = []
    for rollup in registry.rollups():
        try:
            results[rollup.name] = pick(rollup)()
        except Exception as exc:
            # One broken rollup must not stall the others; its panels go stale and say so.
            log.exception("rollup %s failed", rollup.name)
            results[rollup.name] = {"error": type(exc).__name__}
            failed.append(rollup.name)
    if failed:
        raise RollupFailed(f"rollups failed: {', '.join(failed)}; the others were refreshed: {results}")
    return results


def refresh_all() -> dict[str, dict]:
    """Bring every registered rollup up to date, in registration order (the periodic job)."""
    return _run_all(lambda rollup: rollup.refresh)


def rebuild_all() -> dict[str, dict]:
    """Recompute every registered rollup from its sources (first load, or after a region-tree change)."""
    return _run_all(lambda rollup: rollup.rebuild or rollup.refresh)
