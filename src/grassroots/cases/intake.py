"""Intake: every channel ends in `open_case` — locate, classify, route, record, notify.

Channels: the residents' portal (real-name; anonymous only where the category allows it), grid patrol,
assisted entry on a resident's behalf (recorded with who helped), hotline import, the JSON API, Open311,
and machine-raised cases from other apps (`open_machine_case`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import covers, has_perm, require_perm
from grassroots.areas import services as areas
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases import classify, evidence, numbering, routing
from grassroots.cases.evidence import Photo
from grassroots.cases.models import Case, CaseEvent, Category, Channel, Follower
from grassroots.cases.notify import ASSIGNED, notify, owners_of
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.time import now
from grassroots.registry.identifiers import normalise_phone
from grassroots.registry.models import House
from grassroots.registry.services import verified_person

STAFF_CHANNELS = {Channel.PATROL, Channel.ASSISTED, Channel.HOTLINE}
SYSTEM_CHANNELS = {Channel.MACHINE, Channel.OPEN311}


@dataclass
class Report:
    title: str
    description: str
    category: str = ""  # a category code; empty means classify automatically
    lng: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    door_number: str = ""
    address: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    anonymous: bool = False
    photos: list[Photo] = field(default_factory=list)
    source_ref: str = ""
    public: bool = False  # the reporter agrees to its being listed publicly (portal checkbox, default off)


def locate(report: Report) -> tuple[Region, House | None]:
    """The grid from the door number, else from the point. Outside the district is refused."""
    if report.door_number.strip():
        house = House.objects.select_related("region").filter(door_number=report.door_number.strip()).first()
        if house is None:
            raise DomainError(ErrorCode.UNKNOWN_DOOR_NUMBER, _("门牌号“%(door)s”未登记") % {"door": report.door_number})
        return house.region, house
    if report.lng is None or report.lat is None:
        raise DomainError(ErrorCode.LOCATION_REQUIRED, _("请在地图上选点或填写门牌号"))
    grid = areas.locate_point(report.lng, report.lat, crs=report.crs)
    if grid is None:
        raise DomainError(ErrorCode.OUT_OF_RANGE, _("该位置不在本辖区内"))
    return grid, None


def _category(report: Report) -> tuple[Category, float | None, bool]:
    if report.category:
        category = Category.objects.filter(code=report.category, is_active=True).first()
        if category is None:
            raise DomainError(ErrorCode.UNKNOWN_CATEGORY, _("未知事件类别：%(code)s") % {"code": report.category})
        return category, None, True
    code, confidence = classify.predict(f"{report.title}。{report.description}")
    return Category.objects.get(code=code), confidence, False


def _check_text(report: Report) -> None:
    report.title, report.description = report.title.strip(), report.description.strip()
    if not 2 <= len(report.title) <= 80:
        raise DomainError(ErrorCode.INVALID_INPUT, _("标题应为 2–80 个字"))
    if not 5 <= len(report.description) <= 2000:
        raise DomainError(ErrorCode.INVALID_INPUT, _("描述应为 5–2000 个字"))


def _public(category: Category, channel: Channel, report: Report) -> bool:
    """Whether the public feeds (Open311 GET requests) may list the case, coarsened and without its text.

    Never outside a public-space category. Inside one: a resident's report (portal, API, assisted, hotline) only
    if they agreed; a grid patrol finding has no reporter to protect; an Open311 POST comes from an app whose
    channel is itself a public issue tracker, so it is public exactly when its category is (the only ones
    Open311 accepts). Machine alerts stay internal: they may rest on monitoring the public is not shown.
    """
    if not category.is_public_space:
        return False
    return channel in (Channel.PATROL, Channel.OPEN311) or (channel != Channel.MACHINE and report.public)


def _top(category: Category) -> Category:
    while category.parent_id:
        category = category.parent
    return category


@transaction.atomic
def open_case(actor, report: Report, *, channel: Channel) -> Case:
    """Create a case from any channel. `actor` None is the system (machine alerts, Open311 with an API key)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        require_perm(actor, Perm.REPORT_CASES)
    # The channel decides whose identity a case carries, so a staff channel needs a staff role: a resident posting
    # "patrol" or "assisted" would otherwise drop their verified identity; system channels have no signed-in actor.
    if channel in STAFF_CHANNELS and not has_perm(actor, Perm.VIEW_CASES):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("只有工作人员可以巡查上报、代办或录入热线"))
    if channel in SYSTEM_CHANNELS and actor is not None:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("系统预警和 Open311 事件不能以个人身份提交"))
    _check_text(report)
    grid, house = locate(report)
    if channel in STAFF_CHANNELS and not covers(actor, Perm.REPORT_CASES, grid.path):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("只能在本人负责的区域内上报或代办"))
    photos = evidence.check_photos(report.photos)  # read only once every permission check has passed
    category, confidence, by_staff = _category(report)
    if report.anonymous and not (category.allow_anonymous and _top(category).allow_anonymous):
        raise DomainError(
            ErrorCode.ANONYMITY_NOT_ALLOWED, _("“%(category)s”类事件需实名反映") % {"category": category.name}
        )
    assisted = channel in (Channel.ASSISTED, Channel.HOTLINE)
    if assisted and not (report.reporter_name.strip() and report.reporter_phone.strip()):
        raise DomainError(ErrorCode.REPORTER_REQUIRED, _("代办和热线事件须填写反映人姓名和电话"))
    phone = normalise_phone(report.reporter_phone) if report.reporter_phone.strip() else ""
    path = routing.route(category, grid)
    moment = now()
    due, warn = routing.deadlines(moment, path.sla_hours, path.warn_hours)
    resident = actor if channel in (Channel.PORTAL, Channel.API) and getattr(actor, "pk", None) else None
    verified = verified_person(resident) if resident is not None and not report.anonymous else None
    if verified is not None:  # real name: the registry's checked identity, not what was typed
        report.reporter_name, phone = verified.name, verified.phone
    case = Case(
        number=numbering.next_number(moment),
        title=report.title,
        description=report.description,
        category=category,
        category_confidence=confidence,
        category_by_staff=by_staff,
        region=grid,
        region_path=grid.path,
        lng=report.lng if house is None else house.lng,
        lat=report.lat if house is None else house.lat,
        house=house,
        address=report.address.strip()[:200] or (house.door_number if house else ""),
        channel=channel,
        reporter=None if report.anonymous else resident,
        reporter_name="" if report.anonymous else report.reporter_name.strip(),
        reporter_phone="" if report.anonymous else phone,
        reporter_door=verified.house.door_number if verified is not None and verified.house_id else "",
        reporter_verified=verified is not None,
        anonymous=report.anonymous,
        public=_public(category, channel, report),
        assisted_by=actor if assisted or channel == Channel.PATROL else None,
        source_ref=report.source_ref[:80],
        owner_region=path.owner_region,
        owner_department_id=path.department_id,
        owner_since=moment,
        due_at=due,
        warn_at=warn,
        created_at=moment,
    )
    case.save(force_insert=True)
    event = CaseEvent.objects.create(
        case=case,
        at=moment,
        actor=actor if getattr(actor, "pk", None) else None,
        kind="open",
        to_status=case.status,
        data={
            "channel": channel,
            "category": category.code,
            "confidence": confidence,
            "owner": path.owner_region.code,
            "department": path.department_id,
            "due_at": due.isoformat(),
        },
    )
    evidence.attach(case, photos, stage="report", actor=actor, event=event)
    if case.reporter_id:
        Follower.objects.create(case=case, user=case.reporter, reason="reporter")
    record(
        actor=actor,
        event=AuditEvent.CASE_OPENED,
        target=case,
        extra={"channel": channel, "assisted": assisted, "region": grid.code},
    )
    notify(
        case,
        owners_of(case),
        f"新事件 {case.number}：{case.title}（{category.name}），请于 {due:%m-%d %H:%M} 前办结",
        topic=ASSIGNED,
    )
    return case


def open_machine_case(
    *,
    title: str,
    description: str,
    category: str,
    lng: float,
    lat: float,
    source: str,
    evidence_links: list[str] | None = None,
) -> Case:
    """For other apps (environment, opinion, emergency, finance): a case raised by an alert, with evidence."""
    links = "\n".join(evidence_links or [])
    report = Report(
        title=title,
        description=f"{description}\n{links}".strip(),
        category=category,
        lng=lng,
        lat=lat,
        source_ref=source,
    )
    return open_case(None, report, channel=Channel.MACHINE)


@transaction.atomic
def note_machine_case(*, source: str, note: str, actor=None, data: dict | None = None) -> CaseEvent:
    """For the app that opened a machine case: a note in its timeline from outside the case's handlers (a firm's
    rectification and staff's review of it, in environment's joint disposal). The case is found by the `source`
    it was opened with, so an app can only write into its own cases; the status does not change. Whoever acts
    for the app is its own check (the caller has verified `actor`); the owners are told."""
    case = Case.objects.select_for_update().filter(source_ref=source[:80], channel=Channel.MACHINE).first()
    if case is None or not source:
        raise DomainError(ErrorCode.NOT_FOUND)
    text = (note or "").strip()
    if not 2 <= len(text) <= 2000:
        raise DomainError(ErrorCode.INVALID_INPUT, _("说明应为 2–2000 个字"))
    event = CaseEvent.objects.create(
        case=case, at=now(), actor=actor if getattr(actor, "pk", None) else None, kind="machine_note",
        from_status=case.status, to_status=case.status, note=text, data=data or {},
    )  # fmt: skip
    record(actor=actor, event=AuditEvent.CASE_UPDATED, target=case, extra={"verb": "machine_note", "source": source})
    notify(case, owners_of(case), f"{case.number}：{text[:120]}")
    return event
