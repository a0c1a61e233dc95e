"""Registry verbs for people, households and tags. Houses and legal persons are in places.py."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_in_scope, require_perm, scoped
from grassroots.areas.models import Level, Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core import crypto
from grassroots.core.errors import DomainError, ErrorCode, NotFound
from grassroots.registry.identifiers import normalise_phone, parse_id_number
from grassroots.registry.models import House, Household, Person, Residence, Tag, Tagging, TagTarget

MAX_LIST_AUDIT_IDS = 200


def require_grid(region: Region) -> None:
    if region.level != Level.GRID:
        raise DomainError(ErrorCode.NOT_A_GRID, _("人、房、法人必须登记到网格"))


def persons_for(actor, perm: Perm = Perm.VIEW_REGISTRY) -> QuerySet[Person]:
    tags = Prefetch("taggings", queryset=Tagging.objects.select_related("tag"))
    return scoped(Person.objects.all(), actor, perm).select_related("region", "house").prefetch_related(tags)


@transaction.atomic
def create_person(
    actor,
    *,
    region: Region,
    name: str,
    id_number: str,
    phone: str = "",
    residence: str = Residence.REGISTERED,
    house: House | None = None,
    household: Household | None = None,
    is_household_head: bool = False,
    is_demo: bool = False,
) -> Person:
    """Register a person. Birth date and sex come from the ID number; the same ID cannot be registered twice."""
    require_grid(region)
    if actor is not None:
        require_in_scope(actor, Perm.EDIT_REGISTRY, region.path)
    name = (name or "").strip()
    if not 1 <= len(name) <= 40:
        raise DomainError(ErrorCode.INVALID_INPUT, _("姓名不能为空且不超过40字"))
    facts = parse_id_number(id_number)
    _check_residence(residence)
    if house is not None and house.region_id != region.pk:
        raise DomainError(ErrorCode.OUTSIDE_GRID, _("房屋不在该网格内"))
    person = Person(
        region=region,
        name=name,
        id_number=facts.normalised,
        phone=normalise_phone(phone) if phone else "",
        birth_date=facts.birth_date,
        sex=facts.sex,
        residence=residence,
        house=house,
        household=household,
        is_household_head=is_household_head,
        is_demo=is_demo,
    )
    if Person.objects.filter(id_number_bidx=person.id_number_bidx).exists():
        raise DomainError(ErrorCode.DUPLICATE, _("该身份证号已登记"))
    try:
        with transaction.atomic():
            person.save(force_insert=True)
    except IntegrityError:
        raise DomainError(ErrorCode.DUPLICATE, _("该身份证号已登记")) from None
    record(actor=actor, event=AuditEvent.PERSON_CREATED, target=person, extra={"region": region.code})
    return person


def _check_residence(residence: str) -> None:
    if residence not in Residence.values:
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("未知的人口类型：%(value)s") % {"value": residence})


def check_version(model, obj, version: int | None):
    """Lock the row and compare the version the editor saw: a stale edit is refused (409), never merged."""
    current = model.objects.select_for_update().filter(pk=obj.pk).values_list("version", flat=True).first()
    if current is None:
        raise NotFound()
    if version is not None and version != current:
        raise DomainError(ErrorCode.STALE_VERSION, _("该记录已被他人修改，请刷新后再改"))
    obj.version = current + 1


@transaction.atomic
def update_person(
    actor,
    person: Person,
    *,
    version: int | None = None,
    name: str | None = None,
    phone: str | None = None,
    residence: str | None = None,
) -> Person:
    """Correct a person's name, phone or residence type. Moves, 迁出 and deaths are registry.edits verbs.

    `version` is the one the editor was shown (pages and the API always send it); each change goes into the
    person's history (registry/history.py), sealed where personal, and the audit names the fields only.
    """
    from grassroots.registry import history

    require_in_scope(actor, Perm.EDIT_REGISTRY, person.region.path)
    before = {"name": person.name, "phone": person.phone, "residence": person.residence}
    after = dict(before)
    if name is not None:
        after["name"] = name.strip()
        if not 1 <= len(after["name"]) <= 40:
            raise DomainError(ErrorCode.INVALID_INPUT, _("姓名不能为空且不超过40字"))
    if phone is not None:
        after["phone"] = normalise_phone(phone) if phone.strip() else ""
    if residence is not None:
        _check_residence(residence)
        after["residence"] = residence
    changed = [f for f in before if before[f] != after[f]]
    check_version(Person, person, version)
    if not changed:
        raise DomainError(ErrorCode.INVALID_INPUT, _("没有需要保存的修改"))
    for field in changed:
        setattr(person, field, after[field])
    bidx = [f"{f}_bidx" for f in changed if f in ("name", "phone")]
    person.save(update_fields=[*changed, *bidx, "version", "updated_at"])  # only what was checked
    history.record_change(actor, person, before={f: before[f] for f in changed}, after=after)
    # Field names only: the audit log must not become a second copy of the personal data.
    record(actor=actor, event=AuditEvent.PERSON_UPDATED, target=person, extra={"fields": changed})
    return person


@transaction.atomic
def get_person_for(actor, person_id: int) -> Person:
    """Fetch one person for display and record the access; NotFound outside the actor's scope."""
    require_perm(actor, Perm.VIEW_REGISTRY)  # a role that never sees the registry: 403, not "missing"
    person = persons_for(actor).filter(pk=person_id).first()
    if person is None:
        raise NotFound()
    record(actor=actor, event=AuditEvent.PERSON_VIEWED, target=person)
    return person


def record_listing(actor, persons: list[Person], *, filters: dict) -> None:
    """A list of masked people is still an access to personal data: log who saw which rows."""
    record(
        actor=actor,
        event=AuditEvent.PERSON_LISTED,
        target_type="registry.person",
        extra={"filters": filters, "count": len(persons), "ids": [str(p.pk) for p in persons[:MAX_LIST_AUDIT_IDS]]},
    )


@transaction.atomic
def reveal_person_field(actor, person: Person, *, field: str, reason: str) -> str:
    """Show one field unmasked, for a stated reason. Only roles with REVEAL_PII over the person's grid."""
    if field not in ("name", "id_number", "phone"):
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("未知字段：%(field)s") % {"field": field})
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(ErrorCode.REASONS_REQUIRED, _("查看完整信息必须填写事由"))
    require_in_scope(actor, Perm.REVEAL_PII, person.region.path)
    record(actor=actor, event=AuditEvent.PERSON_REVEALED, target=person, extra={"field": field, "reason": reason[:200]})
    return getattr(person, field)


@transaction.atomic
def find_persons(actor, *, id_number: str = "", phone: str = "", name: str = "") -> list[Person]:
    """Exact lookup through the blind indexes; the query itself is never stored in plaintext."""
    require_perm(actor, Perm.VIEW_REGISTRY)
    qs = persons_for(actor)
    if id_number:
        qs = qs.filter(id_number_bidx=crypto.blind_index(id_number, purpose="id_number"))
    if phone:
        qs = qs.filter(phone_bidx=crypto.blind_index(phone, purpose="phone"))
    if name:
        qs = qs.filter(name_bidx=crypto.blind_index(name, purpose="name"))
    if not (id_number or phone or name):
        raise DomainError(ErrorCode.INVALID_INPUT, _("请提供身份证号、电话或姓名"))
    found = list(qs[:50])
    record(
        actor=actor,
        event=AuditEvent.PERSON_SEARCHED,
        target_type="registry.person",
        extra={
            "by": [k for k, v in (("id_number", id_number), ("phone", phone), ("name", name)) if v],
            "hits": [str(p.pk) for p in found],
        },
    )
    return found


@transaction.atomic
def create_household(actor, *, house: House, kind: str = Household.Kind.FAMILY, is_demo: bool = False) -> Household:
    if actor is not None:
        require_in_scope(actor, Perm.EDIT_REGISTRY, house.region.path)
    household = Household.objects.create(house=house, kind=kind, is_demo=is_demo)
    record(actor=actor, event=AuditEvent.HOUSEHOLD_CREATED, target=household)
    return household


def _target_path_and_kind(target) -> tuple[str, str]:
    kinds = {Person: TagTarget.PERSON, House: TagTarget.HOUSE}
    from grassroots.registry.models import LegalPerson

    kinds[LegalPerson] = TagTarget.LEGAL_PERSON
    return target.region.path, kinds[type(target)]


@transaction.atomic
def add_tag(actor, target, tag: Tag, *, note: str = "") -> Tagging:
    path, kind = _target_path_and_kind(target)
    if actor is not None:
        require_in_scope(actor, Perm.EDIT_REGISTRY, path)
    if tag.applies_to != kind:
        raise DomainError(ErrorCode.UNKNOWN_CHOICE, _("标签“%(tag)s”不适用于此类对象") % {"tag": tag.name})
    tagging, created = Tagging.objects.get_or_create(
        tag=tag,
        **{kind: target},
        defaults={"tagged_by": actor if getattr(actor, "pk", None) else None, "note": note[:200]},
    )
    if created:
        record(actor=actor, event=AuditEvent.TAG_ADDED, target=target, extra={"tag": tag.code})
    return tagging


@transaction.atomic
def remove_tag(actor, target, tag: Tag) -> None:
    path, kind = _target_path_and_kind(target)
    require_in_scope(actor, Perm.EDIT_REGISTRY, path)
    deleted, _count = Tagging.objects.filter(tag=tag, **{kind: target}).delete()
    if deleted:
        record(actor=actor, event=AuditEvent.TAG_REMOVED, target=target, extra={"tag": tag.code})


def age_cutoff(years: int) -> dt.date:
    today = dt.date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


@transaction.atomic
def link_account(actor, person: Person, user) -> Person:
    """Real-name verification: staff who checked the resident's ID link their login to their registry record.

    From then on their reports carry the verified name, phone and door number (shown to handlers only). A person
    already linked to another login keeps it: replacing it is relink_account, for the community's staff.
    """
    if actor is not None:
        require_in_scope(actor, Perm.EDIT_REGISTRY, person.region.path)
    current = _locked_account_id(person)
    if current == user.pk:
        return person
    if current is not None:
        raise DomainError(ErrorCode.ACCOUNT_LINKED, _("该人员已关联其他账号，更换须由社区工作人员重新关联"))
    _refuse_account_linked_elsewhere(person, user)
    person.account = user
    person.save(update_fields=["account", "updated_at"])
    record(actor=actor, event=AuditEvent.PERSON_UPDATED, target=person, extra={"fields": ["account"]})
    return person


@transaction.atomic
def relink_account(actor, person: Person, user) -> Person:
    """Replace the login linked to a person (the first link was wrong, or the resident has a new account).

    Only community staff over the person's community (RELINK_ACCOUNT) may, after checking the ID again; the
    audit entry names both the old and the new account.
    """
    require_in_scope(actor, Perm.RELINK_ACCOUNT, person.region.path)
    previous = _locked_account_id(person)
    if previous == user.pk:
        return person
    _refuse_account_linked_elsewhere(person, user)
    person.account = user
    person.save(update_fields=["account", "updated_at"])
    record(
        actor=actor,
        event=AuditEvent.PERSON_ACCOUNT_RELINKED,
        target=person,
        extra={"fields": ["account"], "previous_account": previous, "account": user.pk},
    )
    return person


def _locked_account_id(person: Person) -> int | None:
    """The link as stored now, with the row locked: two staff linking at once cannot both see it empty."""
    return Person.objects.select_for_update().filter(pk=person.pk).values_list("account_id", flat=True).get()


def _refuse_account_linked_elsewhere(person: Person, user) -> None:
    if Person.objects.filter(account=user).exclude(pk=person.pk).exists():
        raise DomainError(ErrorCode.ACCOUNT_LINKED, _("该账号已关联其他人员"))


def verified_person(user) -> Person | None:
    """The registry record a resident's login is linked to, if any."""
    if not getattr(user, "pk", None):
        return None
    return Person.objects.select_related("house").filter(account=user).first()
