"""Sensor health: a flatline, a stuck value, a gap in reporting, a reading outside the physically possible range.

A finding here is work for the station's operator (a maintenance task, alerts.open_task), never a pollution
alarm: no signal, no case. Flatline, stuck and range run over each batch (rules.evaluate_batch); a gap is the
absence of readings, so no batch can show it: `detect_gaps` runs from the beat schedule (environment-gaps).
"""

from __future__ import annotations

import datetime as dt
import statistics

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.environment.models import Datastream, MaintenanceTask, Rule, RuleKind, TaskStatus
from grassroots.environment.rule_checks import Context, Finding, Point

CHECKS = ("flatline", "stuck", "gap", "range")
PROBLEMS = {"flatline": "flatline", "stuck": "stuck", "gap": "gap", "range": "out_of_range"}
DEFAULTS = {
    "flatline": {"window_minutes": 360, "epsilon": 0.001, "min_samples": 6},
    "stuck": {"repeats": 6},
    "gap": {"intervals": 3},
    "range": {},
}


def param(rule: Rule, name: str) -> float:
    return rule.params.get(name, DEFAULTS[rule.params["check"]][name])


def lookback(rule: Rule, stream: Datastream) -> dt.timedelta:
    """How far before the batch the check must see earlier readings."""
    check = rule.params.get("check")
    if check == "flatline":
        return dt.timedelta(minutes=int(param(rule, "window_minutes")))
    if check == "stuck":  # the last N readings, at the stream's interval, with room for late ones
        return dt.timedelta(minutes=int(param(rule, "repeats")) * stream.interval_minutes * 2)
    return dt.timedelta(0)


def check(rule: Rule, stream: Datastream, points: list[Point], ctx: Context) -> list[Finding]:
    kind = rule.params.get("check")
    if kind == "range":
        return _range(rule, stream, points)
    history = ctx.history.get(stream.pk, [])
    if not history or not points:
        return []
    last = max(points, key=lambda p: p.time)
    if kind == "flatline":
        return _flatline(rule, stream, history, last)
    if kind == "stuck":
        return _stuck(rule, stream, history, last)
    return []  # gap: detect_gaps


def _finding(rule: Rule, stream: Datastream, point: Point, problem: str, summary: str, evidence: dict) -> Finding:
    return Finding(rule, stream, point.value, point.time, summary, evidence, problem=problem)


def _range(rule: Rule, stream: Datastream, points: list[Point]) -> list[Finding]:
    low, high = stream.property.physical_min, stream.property.physical_max
    outside = [p for p in points if (low is not None and p.value < low) or (high is not None and p.value > high)]
    if not outside:
        return []
    worst = outside[-1]
    summary = _("%(what)s 读数 %(value)g 超出物理范围 [%(low)s, %(high)s]，疑似设备故障") % {
        "what": stream.property.name, "value": worst.value, "low": low, "high": high,
    }  # fmt: skip
    return [_finding(rule, stream, worst, "out_of_range", summary, {"low": low, "high": high, "n": len(outside)})]


def _flatline(rule: Rule, stream: Datastream, history: list[Point], last: Point) -> list[Finding]:
    window = dt.timedelta(minutes=int(param(rule, "window_minutes")))
    values = [p.value for p in history if last.time - window <= p.time <= last.time]
    if len(values) < max(int(param(rule, "min_samples")), 2):
        return []
    spread = statistics.pstdev(values)
    if spread > float(param(rule, "epsilon")):
        return []
    minutes = int(window.total_seconds() // 60)
    summary = _("%(what)s %(minutes)d 分钟内 %(n)d 个读数几乎不变（标准差 %(sd).4g），疑似传感器失灵") % {
        "what": stream.property.name, "minutes": minutes, "n": len(values), "sd": spread,
    }  # fmt: skip
    return [_finding(rule, stream, last, "flatline", summary, {"sd": spread, "n": len(values), "minutes": minutes})]


def _stuck(rule: Rule, stream: Datastream, history: list[Point], last: Point) -> list[Finding]:
    repeats = int(param(rule, "repeats"))
    recent = [p.value for p in history if p.time <= last.time][-repeats:]
    if len(recent) < repeats or any(v != recent[0] for v in recent):
        return []
    summary = _("%(what)s 连续 %(n)d 次读数均为 %(value)g，疑似数值卡滞") % {
        "what": stream.property.name, "n": repeats, "value": recent[0],
    }  # fmt: skip
    return [_finding(rule, stream, last, "stuck", summary, {"repeats": repeats, "value": recent[0]})]


def detect_gaps(now: dt.datetime | None = None) -> dict[str, int]:
    """Every active stream whose newest reading is older than `intervals` × its reporting interval, for each
    active gap rule that applies to it, gets (or refreshes) a maintenance task. A stream that never reported
    is not a gap: it has not started yet."""
    from grassroots.environment import alerts

    now = now or timezone.now()
    rules = [r for r in Rule.objects.filter(active=True, kind=RuleKind.HEALTH) if r.params.get("check") == "gap"]
    found = opened = 0
    if not rules:
        return {"gaps": 0, "tasks": 0}
    streams = Datastream.objects.filter(station__active=True, last_time__isnull=False).select_related(
        "station", "station__region", "property"
    )
    open_gaps = set(
        MaintenanceTask.objects.filter(problem="gap", status=TaskStatus.OPEN).values_list("datastream_id", flat=True)
    )
    for stream in streams.iterator(chunk_size=2000):
        for rule in rules:
            if not applies(rule, stream):
                continue
            limit = dt.timedelta(minutes=stream.interval_minutes * float(param(rule, "intervals")))
            silent = now - stream.last_time
            if silent <= limit:
                continue
            found += 1
            hours = silent.total_seconds() / 3600
            summary = _("%(what)s 已 %(hours).1f 小时无数据（上报间隔 %(interval)d 分钟）") % {
                "what": stream.property.name, "hours": hours, "interval": stream.interval_minutes,
            }  # fmt: skip
            point = Point(stream.last_time, stream.last_value or 0.0)
            finding = _finding(
                rule, stream, point, "gap", summary, {"silent_minutes": int(silent.total_seconds() // 60)}
            )
            if stream.pk not in open_gaps:
                opened += 1
            alerts.open_task(finding)
            break
    return {"gaps": found, "tasks": opened}


def applies(rule: Rule, stream: Datastream) -> bool:
    """An empty station kind or property on the rule means every one."""
    if rule.station_kind and rule.station_kind != stream.station.kind:
        return False
    return rule.property_id is None or rule.property_id == stream.property_id
