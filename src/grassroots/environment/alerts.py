"""Raising alerts and maintenance tasks from the rules' findings, and the scoped reads of both.

A storm folds: while an alert of the same (rule, station) is open or acknowledged and its last exceedance lies
within the fold window (ENVIRONMENT_ALERT_FOLD_MINUTES, or the rule's `fold_minutes`), a new exceedance only
counts up on it (count, last_at, peak_value): one warning, one signal, one case. A new alert raises a risk signal
(`risk.services.raise_signal`), opens a case when its rule says so (`cases.intake.open_machine_case`, routed by
the cases routing to the responsible department) and tells the firm operating the station (joint disposal,
disposal.py). A health finding opens or refreshes a maintenance task for the operator instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm, scoped
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.errors import DomainError, NotFound
from grassroots.environment.models import (
    ACTIVE_ALERT_STATUSES,
    Alert,
    MaintenanceTask,
    OperatorContact,
    Rule,
    Station,
    StationKind,
    TaskStatus,
)
from grassroots.environment.rule_checks import Finding
from grassroots.notifications.services import notify
from grassroots.notifications.topics import register_topic

logger = logging.getLogger(__name__)

ALERT_TOPIC = "environment.alert"  # to a firm: an alert at a station it operates, and the review of its report
TASK_TOPIC = "environment.maintenance"  # to a firm: a maintenance task for its station's sensors
DOMAIN = "environment"
# A case category per station kind when the rule names none: the environment leaves of the default category tree
# (cases/defaults.py). Air and soil have no leaf of their own there, so they go to 环境卫生 as a whole.
CASE_CATEGORY = {
    StationKind.WATER: "sewage",
    StationKind.DRINKING_WATER: "sewage",
    StationKind.DISCHARGE: "sewage",
    StationKind.NOISE: "noise",
    StationKind.WASTE: "garbage",
}
FALLBACK_CATEGORY = "sanitation"


def register_topics() -> None:
    register_topic(ALERT_TOPIC, gettext_lazy("环境告警与整改"))
    register_topic(TASK_TOPIC, gettext_lazy("监测设备运维任务"))


def fold_window(rule: Rule) -> dt.timedelta:
    minutes = rule.params.get("fold_minutes") or getattr(settings, "ENVIRONMENT_ALERT_FOLD_MINUTES", 360)
    return dt.timedelta(minutes=int(minutes))


def alert_link(alert: Alert) -> str:
    return reverse("environment:alert", args=[alert.pk])


def contacts_of(station: Station) -> list:
    """The logins speaking for the firm that operates the station (none for a station without a firm)."""
    if not station.operator_id:
        return []
    rows = OperatorContact.objects.filter(legal_person_id=station.operator_id, user__is_active=True)
    return [c.user for c in rows.select_related("user")]


def _peak(rule: Rule, datastream, old: float | None, new: float) -> float:
    # A minimum limit (a "below" threshold, dissolved oxygen): the worst reading is the lowest.
    below = rule.kind == "threshold" and rule.params.get("op") in ("<", "<=")
    low = below or (datastream is not None and datastream.property.code == "do")
    if old is None:
        return new
    return min(old, new) if low else max(old, new)


@transaction.atomic
def raise_alert(
    rule: Rule,
    station: Station,
    datastream,
    value: float,
    at: dt.datetime,
    evidence: dict | None = None,
    *,
    summary: str = "",
    count: int = 1,
    first_at: dt.datetime | None = None,
) -> tuple[Alert, bool]:
    """Fold `count` findings (the worst `value`, the last at `at`) into the open alert of (rule, station), or
    open a new one and raise its signal, case and notices. Returns the alert and whether it is new."""
    Station.objects.select_for_update().filter(pk=station.pk).first()  # one alert per (rule, station) at a time
    at = min(at, timezone.now())  # a reading a little ahead of our clock (ingest's tolerance) is "now"
    first_at = min(first_at or at, at)
    alert = (
        Alert.objects.select_for_update()
        .filter(rule=rule, station=station, status__in=ACTIVE_ALERT_STATUSES)
        .filter(last_at__gte=first_at - fold_window(rule))
        .order_by("-last_at")
        .first()
    )
    if alert is not None:
        alert.count += count
        alert.last_at = max(alert.last_at, at)
        alert.peak_value = _peak(rule, datastream, alert.peak_value, value)
        alert.save(update_fields=["count", "last_at", "peak_value"])
        return alert, False
    alert = Alert.objects.create(
        rule=rule, station=station, datastream=datastream, region_path=station.region_path, level=rule.level,
        summary=(summary or rule.name)[:200], first_at=first_at, last_at=at, count=count, peak_value=value,
    )  # fmt: skip
    _signal(alert, rule, station, datastream, value, at)
    if rule.open_case:
        _open_case(alert, rule, station, evidence or {})
    extra = {"rule": rule.pk, "station": station.code, "value": value, "evidence": evidence or {}}
    record(actor=None, event=AuditEvent.ENV_ALERT_RAISED, target=alert, extra=extra)
    people = contacts_of(station)
    if people:
        message = _("贵单位运营的站点“%(station)s”告警：%(summary)s，请及时整改并报告") % {
            "station": station.name, "summary": alert.summary,
        }  # fmt: skip
        notify(people, message, topic=ALERT_TOPIC, link=reverse("environment:firm"), ref=f"env-alert:{alert.pk}")
    return alert, True


@dataclass(frozen=True)
class Fold:
    """Findings of one (rule, station) in a batch: how many, the worst value and the time span."""

    rule: Rule
    station: Station
    datastream: object
    value: float
    at: dt.datetime
    first_at: dt.datetime
    count: int


@transaction.atomic
def fold_into_open(folds: list[Fold]) -> set[tuple[int, int]]:
    """raise_alert's fold for a whole batch in two statements: each (rule, station) with an open alert inside its
    fold window counts up; the (rule id, station id) pairs folded are returned, the rest need raise_alert.
    Locking the alert rows is enough here: only raise_alert creates alerts, under the station's lock."""
    if not folds:
        return set()
    now = timezone.now()
    open_alerts = (
        Alert.objects.select_for_update()
        .filter(rule_id__in={f.rule.pk for f in folds}, station_id__in={f.station.pk for f in folds})
        .filter(status__in=ACTIVE_ALERT_STATUSES)
        .order_by("-last_at")
    )
    newest: dict[tuple[int, int], Alert] = {}
    for alert in open_alerts:
        newest.setdefault((alert.rule_id, alert.station_id), alert)
    changed, folded = [], set()
    for fold in folds:
        key = (fold.rule.pk, fold.station.pk)
        alert = newest.get(key)
        at = min(fold.at, now)
        if alert is None or alert.last_at < min(fold.first_at, at) - fold_window(fold.rule):
            continue
        alert.count += fold.count
        alert.last_at = max(alert.last_at, at)
        alert.peak_value = _peak(fold.rule, fold.datastream, alert.peak_value, fold.value)
        changed.append(alert)
        folded.add(key)
    Alert.objects.bulk_update(changed, ["count", "last_at", "peak_value"])
    return folded


def _signal(alert: Alert, rule: Rule, station: Station, datastream, value: float, at: dt.datetime) -> None:
    from grassroots.risk.services import raise_signal  # risk is a lower layer; imported where it is used

    kind = (
        datastream.property.code if datastream is not None else (rule.property.code if rule.property_id else rule.kind)
    )
    raised = raise_signal(
        domain=DOMAIN, region=station.region, kind=kind, value=value, severity=rule.level,
        evidence=[alert_link(alert)], occurred_at=at, source=f"environment:{alert.pk}",
    )  # fmt: skip
    alert.signal_id = raised.signal.pk
    alert.warning_id = raised.warning.pk if raised.warning else None
    alert.save(update_fields=["signal_id", "warning_id"])


def _open_case(alert: Alert, rule: Rule, station: Station, evidence: dict) -> None:
    """Opened inside a savepoint: a station the case intake cannot place (outside the district) keeps its alert
    and signal, and the refusal is logged for the operators, rather than losing the warning."""
    from grassroots.cases.intake import open_machine_case

    category = rule.case_category or CASE_CATEGORY.get(station.kind, FALLBACK_CATEGORY)
    basis = evidence.get("basis", "")
    description = _("%(summary)s。规则“%(rule)s”%(basis)s；监测站点 %(code)s。系统根据环境预警规则自动立案。") % {
        "summary": alert.summary, "rule": rule.name, "basis": f"（{basis}）" if basis else "", "code": station.code,
    }  # fmt: skip
    try:
        with transaction.atomic():
            case = open_machine_case(
                title=_("环境告警：%(station)s %(rule)s") % {"station": station.name, "rule": rule.name},
                description=description, category=category, lng=station.lng, lat=station.lat,
                source=f"environment:{alert.pk}", evidence_links=[alert_link(alert)],
            )  # fmt: skip
    except DomainError as error:
        logger.warning("environment alert %s: no case opened (%s: %s)", alert.pk, error.code, error.message)
        return
    alert.case_id, alert.case_number = case.pk, case.number
    alert.save(update_fields=["case_id", "case_number"])


@transaction.atomic
def open_task(finding: Finding) -> tuple[MaintenanceTask, bool]:
    """A health finding: the open task of the same (stream, problem) is refreshed, else one is opened and the
    operating firm told. Returns the task and whether it is new."""
    stream = finding.stream
    Station.objects.select_for_update().filter(pk=stream.station_id).first()
    task = (
        MaintenanceTask.objects.select_for_update()
        .filter(datastream=stream, problem=finding.problem, status=TaskStatus.OPEN)
        .first()
    )
    if task is not None:
        task.detail = finding.summary[:200]
        task.save(update_fields=["detail"])
        return task, False
    station = stream.station
    task = MaintenanceTask.objects.create(
        station=station, datastream=stream, region_path=station.region_path, problem=finding.problem,
        detail=finding.summary[:200], opened_at=min(finding.at, timezone.now()),
    )  # fmt: skip
    extra = {"station": station.code, "problem": finding.problem, "evidence": finding.evidence}
    record(actor=None, event=AuditEvent.ENV_TASK_OPENED, target=task, extra=extra)
    people = contacts_of(station)
    if people:
        message = _("贵单位运营的站点“%(station)s”设备异常：%(detail)s，请安排运维") % {
            "station": station.name, "detail": task.detail,
        }  # fmt: skip
        notify(people, message, topic=TASK_TOPIC, link=reverse("environment:firm"), ref=f"env-task:{task.pk}")
    return task, True


def alerts_for(actor):
    return scoped(
        Alert.objects.select_related("station", "rule", "datastream__property"), actor, Perm.VIEW_ENVIRONMENT,
        path_field="region_path",
    )  # fmt: skip


def get_alert_for(actor, alert_id: int) -> Alert:
    require_perm(actor, Perm.VIEW_ENVIRONMENT)  # a role that never sees alerts: 403, not "missing"
    alert = alerts_for(actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert


def tasks_for(actor):
    return scoped(
        MaintenanceTask.objects.select_related("station", "datastream__property"), actor, Perm.VIEW_ENVIRONMENT,
        path_field="region_path",
    )  # fmt: skip


def get_task_for(actor, task_id: int) -> MaintenanceTask:
    require_perm(actor, Perm.VIEW_ENVIRONMENT)
    task = tasks_for(actor).filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    return task
