"""The checks a warning rule runs over one datastream's new readings in a batch; each returns findings.

Pollution checks (exceedance, threshold, rate, seasonal) read only valid readings: a suspect or invalid reading
is the sensor's problem, which the health checks (health.py) look at. The parameters of each kind are
described and validated in rule_admin.py; docs/environment-rules.md works an example of each.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import operator
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.environment import rule_limits
from grassroots.environment.models import Datastream, Quality, Rule, StationKind

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}  # fmt: skip
WATER_KINDS = (StationKind.WATER, StationKind.DRINKING_WATER)


@dataclass(frozen=True)
class Point:
    time: dt.datetime
    value: float
    quality: int = Quality.VALID


@dataclass
class Finding:
    rule: Rule
    stream: Datastream
    value: float
    at: dt.datetime
    summary: str
    evidence: dict = field(default_factory=dict)
    problem: str = ""  # health findings: flatline | stuck | gap | out_of_range


@dataclass
class Context:
    """What the checks share in one batch, loaded once: earlier readings, soil pH, seasonal baselines."""

    history: dict[int, list[Point]] = field(default_factory=dict)  # stream → readings by time, batch included
    soil_ph: dict[int, float] = field(default_factory=dict)  # station → its latest soil pH
    baselines: dict[tuple[int, dt.datetime], list[float]] = field(default_factory=dict)  # (stream, hour) → means


def valid(points: list[Point]) -> list[Point]:
    return [p for p in points if p.quality == Quality.VALID]


def _label(stream: Datastream) -> str:
    return f"{stream.station.name} · {stream.property.name}"


def exceedance(rule: Rule, stream: Datastream, points: list[Point], ctx: Context) -> list[Finding]:
    """Above the national limit for the station: HJ 633 for air, the water target class (GB 3838), the noise
    zone's day or night limit (GB 3096), the soil screening or intervention value (GB 15618)."""
    station, code, found = stream.station, stream.property.code, []
    for p in valid(points):
        if station.kind == StationKind.AIR:
            limit = rule_limits.air(code, stream.aggregation, p.value, rule.params.get("standard"))
        elif station.kind in WATER_KINDS:
            limit = rule_limits.water(code, p.value, station.water_target)
        elif station.kind == StationKind.NOISE:
            limit = rule_limits.noise_limit(code, p.value, station.noise_zone, p.time)
        elif station.kind == StationKind.SOIL:
            level = rule.params.get("level", "screening")
            limit = rule_limits.soil_limit(code, p.value, station.soil_land_use, ctx.soil_ph.get(station.pk), level)
        else:
            limit = None
        if limit is not None:
            detail = f"，{limit.detail}" if limit.detail else ""
            summary = _("%(what)s %(value)g%(unit)s 超过限值 %(limit)g（%(basis)s%(detail)s）") % {
                "what": _label(stream), "value": p.value, "unit": stream.unit, "limit": limit.value,
                "basis": limit.basis, "detail": detail,
            }  # fmt: skip
            evidence = {"limit": limit.value, "basis": limit.basis, "detail": limit.detail}
            found.append(Finding(rule, stream, p.value, p.time, summary, evidence))
    return found


def threshold(rule: Rule, stream: Datastream, points: list[Point], ctx: Context) -> list[Finding]:
    """A fixed limit: params op (>, >=, <, <=) and value, e.g. COD > 100 mg/L at a discharge outlet."""
    op, limit = rule.params["op"], float(rule.params["value"])
    test = OPS[op]
    summary = _("%(what)s %(value)g%(unit)s %(op)s 阈值 %(limit)g")
    return [
        Finding(
            rule,
            stream,
            p.value,
            p.time,
            summary % {"what": _label(stream), "value": p.value, "unit": stream.unit, "op": op, "limit": limit},
            {"op": op, "limit": limit},
        )  # fmt: skip
        for p in valid(points)
        if test(p.value, limit)
    ]


def rate(rule: Rule, stream: Datastream, points: list[Point], ctx: Context) -> list[Finding]:
    """A change of at least `delta` within `window_minutes`: the reading against the lowest (rising), highest
    (falling) earlier valid reading inside the window; `direction` up (default), down or both."""
    delta, window = float(rule.params["delta"]), dt.timedelta(minutes=int(rule.params["window_minutes"]))
    direction = rule.params.get("direction", "up")
    earlier_all = valid(ctx.history.get(stream.pk, []))
    times = [e.time for e in earlier_all]  # the history is sorted by time
    found = []
    for p in valid(points):
        lo, hi = bisect.bisect_left(times, p.time - window), bisect.bisect_left(times, p.time)
        earlier = [e.value for e in earlier_all[lo:hi]]
        if not earlier:
            continue
        rise, fall = p.value - min(earlier), max(earlier) - p.value
        if direction != "down" and rise >= delta:
            change = rise
        elif direction != "up" and fall >= delta:
            change = -fall
        else:
            continue
        summary = _("%(what)s %(minutes)d 分钟内变化 %(change)+g%(unit)s（限 %(delta)g）") % {
            "what": _label(stream), "minutes": window.total_seconds() // 60, "change": change,
            "unit": stream.unit, "delta": delta,
        }  # fmt: skip
        evidence = {"change": change, "delta": delta, "window_minutes": int(window.total_seconds() // 60)}
        found.append(Finding(rule, stream, p.value, p.time, summary, evidence))
    return found


def hour_start(at: dt.datetime) -> dt.datetime:
    local = timezone.localtime(at)
    return local.replace(minute=0, second=0, microsecond=0)


def baseline_hours(at: dt.datetime, weeks: int, by: str) -> list[dt.datetime]:
    """The hour starts the baseline is drawn from: the same local hour of each earlier day (by "hour") or of the
    same weekday (by "weekday_hour") over the previous `weeks` weeks, the current hour excluded."""
    start = hour_start(at)
    tz = timezone.get_current_timezone()
    step, count = (7, weeks) if by == "weekday_hour" else (1, 7 * weeks)
    naive = start.replace(tzinfo=None)
    # Built from the local wall-clock hour, so a DST shift (where one applies) keeps "the same hour of the day".
    return [timezone.make_aware(naive - dt.timedelta(days=step * k), tz) for k in range(1, count + 1)]


def seasonal(rule: Rule, stream: Datastream, points: list[Point], ctx: Context) -> list[Finding]:
    """A z-score against the seasonal baseline (the hourly means at the same local hour over the previous
    `weeks` weeks, from the hourly aggregates): z = (x − mean) / sd, with the sample sd; fires at z ≥ `z`
    (direction up, the default) or |z| ≥ `z` (both), given at least `min_samples` earlier hours."""
    zmax, minimum = float(rule.params.get("z", 3.0)), int(rule.params.get("min_samples", 7))
    direction = rule.params.get("direction", "up")
    found = []
    for p in valid(points):
        samples = ctx.baselines.get((stream.pk, hour_start(p.time)), [])
        if len(samples) < max(minimum, 2):
            continue
        mean, sd = statistics.fmean(samples), statistics.stdev(samples)
        if sd <= 0 or not math.isfinite(sd):
            continue  # a constant baseline has no spread to measure against (a flatline is health's concern)
        z = (p.value - mean) / sd
        if z >= zmax or (direction == "both" and -z >= zmax):
            summary = _("%(what)s %(value)g%(unit)s 偏离同时段基线 %(mean).1f（z=%(z).2f，%(n)d 个样本）") % {
                "what": _label(stream), "value": p.value, "unit": stream.unit, "mean": mean, "z": z,
                "n": len(samples),
            }  # fmt: skip
            evidence = {"mean": round(mean, 4), "sd": round(sd, 4), "z": round(z, 3), "samples": len(samples)}
            found.append(Finding(rule, stream, p.value, p.time, summary, evidence))
    return found
