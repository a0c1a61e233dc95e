"""Warning rules over each ingested batch, once per batch and not once per observation.

`evaluate_batch(written)` is registered with ingest.on_batch and runs after the batch committed. It loads the
active rules once, groups the new readings by datastream, loads in a few queries what the checks need (earlier
readings inside the longest window a rule looks back, the seasonal baselines from the hourly aggregates, the
soil sites' pH), runs every applicable rule and hands the findings on: pollution findings fold per (rule,
station) into alerts (alerts.raise_alert), health findings into maintenance tasks (alerts.open_task).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Avg, Q

from grassroots.environment import alerts, health, rule_checks
from grassroots.environment.models import Aggregate, Datastream, Observation, Period, Quality, Rule, RuleKind
from grassroots.environment.rule_checks import Context, Finding, Point

logger = logging.getLogger(__name__)

Check = Callable[[Rule, Datastream, list[Point], Context], list[Finding]]
CHECKS: dict[str, Check] = {
    RuleKind.EXCEEDANCE: rule_checks.exceedance,
    RuleKind.THRESHOLD: rule_checks.threshold,
    RuleKind.RATE: rule_checks.rate,
    RuleKind.SEASONAL: rule_checks.seasonal,
    RuleKind.HEALTH: health.check,
}
HISTORY_CHUNK = 200  # streams per history query: one OR of (stream, window) conditions each


@dataclass
class Outcome:
    readings: int = 0
    findings: int = 0
    alerts_new: int = 0
    alerts_folded: int = 0
    tasks_new: int = 0
    failures: int = 0


def register() -> None:
    """From EnvironmentConfig.ready(): the batch handler and the notification topics."""
    from grassroots.environment import ingest

    alerts.register_topics()
    ingest.on_batch(dispatch)


def dispatch(written: Sequence) -> None:
    """The batch handler. On one machine (Celery eager, no broker) the rules run here, after the batch's commit;
    with a broker they go to a worker, so ingestion and rule evaluation scale apart (docs/environment-rules.md)."""
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        evaluate_batch(written)
        return
    from grassroots.environment.tasks import evaluate_rules

    rows = [[w.datastream_id, w.station_id, w.property, w.time.isoformat(), w.value, w.quality] for w in written]
    evaluate_rules.delay(rows)


def active_rules() -> list[Rule]:
    return list(Rule.objects.filter(active=True).select_related("property"))


def lookback(rule: Rule, stream: Datastream) -> dt.timedelta:
    if rule.kind == RuleKind.RATE:
        return dt.timedelta(minutes=int(rule.params.get("window_minutes", 0)))
    if rule.kind == RuleKind.HEALTH:
        return health.lookback(rule, stream)
    return dt.timedelta(0)


def evaluate_batch(written: Sequence) -> Outcome:
    """`written`: objects with datastream_id, station_id, property, time, value, quality (ingest.Written)."""
    outcome = Outcome(readings=len(written))
    rules = active_rules() if written else []
    if not rules:
        return outcome
    points: dict[int, list[Point]] = defaultdict(list)
    for w in written:
        points[w.datastream_id].append(Point(w.time, float(w.value), int(w.quality)))
    streams = Datastream.objects.select_related("station", "station__region", "property").filter(pk__in=points)
    plan = {s: [r for r in rules if health.applies(r, s)] for s in streams}
    plan = {s: rs for s, rs in plan.items() if rs}
    if not plan:
        return outcome
    for batch in points.values():
        batch.sort(key=lambda p: p.time)
    ctx = Context(history=_history(plan, points), soil_ph=_soil_ph(plan), baselines=_baselines(plan, points))
    findings = [f for s, rs in plan.items() for r in rs for f in CHECKS[r.kind](r, s, points[s.pk], ctx)]
    outcome.findings = len(findings)
    _deliver(findings, outcome)
    return outcome


def _history(plan: dict[Datastream, list[Rule]], points: dict[int, list[Point]]) -> dict[int, list[Point]]:
    """Each stream's readings from its first new one minus the longest look-back, up to its last new one."""
    windows = {}
    for stream, rules in plan.items():
        back = max(lookback(r, stream) for r in rules)
        if back > dt.timedelta(0):
            windows[stream.pk] = (points[stream.pk][0].time - back, points[stream.pk][-1].time)
    history: dict[int, list[Point]] = defaultdict(list)
    ids = list(windows)
    for sid, time, value, quality in _windowed(ids, windows):
        history[sid].append(Point(time, value, quality))
    for sid in ids:  # the batch itself, should the handler run before the rows are visible (tests, replays)
        seen = {p.time for p in history[sid]}
        history[sid] = sorted(history[sid] + [p for p in points[sid] if p.time not in seen], key=lambda p: p.time)
    return history


def _windowed(ids: list[int], windows: dict[int, tuple[dt.datetime, dt.datetime]]):
    """(stream, time, value, quality) inside each stream's window, in stream and time order. PostgreSQL takes
    the windows as arrays joined in one statement (an OR of thousands of conditions costs more to build than to
    run); SQLite gets chunks of ORed conditions."""
    if not ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT o.datastream_id, o."time", o.value, o.quality FROM {Observation._meta.db_table} o '
                "JOIN unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS w(id, lo, hi) "
                'ON o.datastream_id = w.id AND o."time" BETWEEN w.lo AND w.hi ORDER BY 1, 2',
                [ids, [windows[i][0] for i in ids], [windows[i][1] for i in ids]],
            )
            yield from cursor.fetchall()
        return
    for i in range(0, len(ids), HISTORY_CHUNK):
        where = Q()
        for sid in ids[i : i + HISTORY_CHUNK]:
            where |= Q(datastream_id=sid, time__gte=windows[sid][0], time__lte=windows[sid][1])
        rows = Observation.objects.filter(where).order_by("datastream_id", "time")
        yield from rows.values_list("datastream_id", "time", "value", "quality")


def _soil_ph(plan: dict[Datastream, list[Rule]]) -> dict[int, float]:
    sites = {
        s.station_id for s, rs in plan.items() if s.station.kind == "soil" and any(r.kind == "exceedance" for r in rs)
    }
    if not sites:
        return {}
    rows = Datastream.objects.filter(station_id__in=sites, property__code="soil_ph", last_value__isnull=False)
    return dict(rows.values_list("station_id", "last_value"))


def _baselines(plan: dict[Datastream, list[Rule]], points: dict[int, list[Point]]) -> dict:
    """(stream, hour) → the hourly means the seasonal rule compares a reading of that hour with. From the hourly
    aggregates; where they hold fewer than min_samples hours (not rolled up yet), from the observations."""
    wanted: dict[tuple[int, dt.datetime], list[dt.datetime]] = {}
    needs: dict[int, int] = {}
    hours_of = functools.lru_cache(maxsize=None)(rule_checks.baseline_hours)  # the same hours for every stream
    for stream, rules in plan.items():
        for rule in (r for r in rules if r.kind == RuleKind.SEASONAL):
            weeks, by = int(rule.params.get("weeks", 4)), rule.params.get("by", "hour")
            needs[stream.pk] = max(needs.get(stream.pk, 0), int(rule.params.get("min_samples", 7)))
            for start in {rule_checks.hour_start(p.time) for p in points[stream.pk]}:
                wanted.setdefault((stream.pk, start), hours_of(start, weeks, by))
    if not wanted:
        return {}
    starts = {h for hours in wanted.values() for h in hours}
    means = {
        (sid, start): total / count
        for sid, start, total, count in Aggregate.objects.filter(
            datastream_id__in=needs, period=Period.HOUR, start__in=starts, count__gt=0
        ).values_list("datastream_id", "start", "total", "count")
    }
    out = {key: [means[(key[0], h)] for h in hours if (key[0], h) in means] for key, hours in wanted.items()}
    short = {key: hours for key, hours in wanted.items() if len(out[key]) < needs[key[0]]}
    out |= _hourly_from_observations(short)
    return out


def _hourly_from_observations(wanted: dict[tuple[int, dt.datetime], list[dt.datetime]]) -> dict:
    """The fallback before the hourly roll-up has run: the mean of the valid observations of each baseline hour,
    one grouped query per hour for all the streams that need it (not one per stream)."""
    streams_by_hour: dict[dt.datetime, set[int]] = defaultdict(set)
    for (sid, _start), hours in wanted.items():
        for hour in hours:
            streams_by_hour[hour].add(sid)
    means: dict[tuple[int, dt.datetime], float] = {}
    for hour, sids in streams_by_hour.items():
        rows = (
            Observation.objects.filter(
                datastream_id__in=sids, quality=Quality.VALID, time__gte=hour, time__lt=hour + dt.timedelta(hours=1)
            )
            .values("datastream_id")
            .annotate(mean=Avg("value"))
            .values_list("datastream_id", "mean")
        )
        means |= {(sid, hour): mean for sid, mean in rows}
    return {key: [means[(key[0], h)] for h in hours if (key[0], h) in means] for key, hours in wanted.items()}


def worst(findings: Iterable[Finding]) -> Finding:
    """The finding furthest past its limit: by value over limit where the rule has one (a station-wide rule may
    fold several properties), inverted for a minimum limit (DO, a "below" threshold)."""

    def badness(f: Finding) -> float:
        low = f.rule.params.get("op") in ("<", "<=") or f.stream.property.code == "do"
        limit = f.evidence.get("limit")
        if isinstance(limit, int | float) and limit > 0 and f.value > 0:
            return limit / f.value if low else f.value / limit
        return -f.value if low else f.value

    return max(findings, key=badness)


def _deliver(findings: list[Finding], outcome: Outcome) -> None:
    """Group by (rule, station) for alerts and by (stream, problem) for tasks, one service call per group; one
    group failing is logged and counted, and does not stop the others."""
    groups: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        key = ("task", f.stream.pk, f.problem) if f.problem else ("alert", f.rule.pk, f.stream.station_id)
        groups[key].append(f)
    folds = {}
    for key, items in groups.items():
        if key[0] == "alert":
            peak = worst(items)
            folds[key] = alerts.Fold(
                peak.rule, peak.stream.station, peak.stream, peak.value, max(f.at for f in items),
                min(f.at for f in items), len(items),
            )  # fmt: skip
    try:  # the common case in a storm: the (rule, station) already has an open alert; one statement for all
        folded = alerts.fold_into_open(list(folds.values()))
    except Exception:  # noqa: BLE001 — fall back to one service call per group
        logger.exception("environment rules: batch fold failed")
        folded = set()
    outcome.alerts_folded += len(folded)
    for key, items in groups.items():
        if key[0] == "alert" and (key[1], key[2]) in folded:
            continue
        try:
            if key[0] == "task":
                _task, new = alerts.open_task(items[-1])
                outcome.tasks_new += int(new)
                continue
            peak = worst(items)
            _alert, new = alerts.raise_alert(
                peak.rule, peak.stream.station, peak.stream, peak.value, max(f.at for f in items), peak.evidence,
                summary=peak.summary, count=len(items), first_at=min(f.at for f in items),
            )  # fmt: skip
            outcome.alerts_new += int(new)
            outcome.alerts_folded += int(not new)
        except Exception:  # noqa: BLE001 — one group's failure (rolled back alone) must not stop the others
            outcome.failures += 1
            logger.exception("environment rules: %s failed", key)
