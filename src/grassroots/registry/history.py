"""A person's change history (变更记录): written by the registry verbs, shown masked by the viewer's role.

Personal values (name, phone, ID number) are sealed in PersonChange.sealed, never stored in plaintext a second
time; everything else in an entry (residence type, status, house and household ids) is not personal on its own.
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.scope import pattern_for
from grassroots.core import masking
from grassroots.registry.models import ChangeKind, Person, PersonChange, PersonStatus, Residence

PERSONAL = ("name", "phone", "id_number")
MAX_SHOWN = 100
LABELS = {
    "name": gettext_lazy("姓名"),
    "phone": gettext_lazy("联系电话"),
    "id_number": gettext_lazy("身份证号"),
    "residence": gettext_lazy("人口类型"),
    "status": gettext_lazy("状态"),
    "house": gettext_lazy("居住房屋"),
    "household": gettext_lazy("户"),
    "region": gettext_lazy("网格"),
    "is_household_head": gettext_lazy("户主"),
}


def _kind_for(fields: list[str]) -> ChangeKind:
    return ChangeKind.PHONE if fields == ["phone"] else ChangeKind.EDITED


def record_change(
    actor,
    person: Person,
    *,
    before: dict,
    after: dict,
    kind: ChangeKind | None = None,
    on_date: dt.date | None = None,
) -> PersonChange:
    """Keep one entry for the fields that differ between `before` and `after` (called inside the verb's
    transaction, beside its audit row)."""
    fields = [f for f in before if before[f] != after.get(f)]
    personal = {f: [before[f], after.get(f)] for f in fields if f in PERSONAL}
    facts = {f: [before[f], after.get(f)] for f in fields if f not in PERSONAL}
    change = PersonChange(
        person=person,
        kind=kind or _kind_for(fields),
        actor=actor if getattr(actor, "pk", None) else None,
        on_date=on_date,
        fields=fields,
        facts=facts,
    )
    change.sealed = json.dumps(personal, ensure_ascii=False) if personal else ""
    change.save(force_insert=True)
    return change


def _names(viewer, changes: list[PersonChange]) -> dict[str, dict]:
    """Door numbers of the houses named, only for houses the viewer may see (an address elsewhere stays
    unseen), and grid names (not personal)."""
    from grassroots.areas.models import Region
    from grassroots.registry.places import houses_for

    houses = {i for c in changes for i in c.facts.get("house", []) if i}
    grids = {i for c in changes for i in c.facts.get("region", []) if i}
    return {
        "house": dict(houses_for(viewer).filter(pk__in=houses).values_list("pk", "door_number")),
        "region": dict(Region.objects.filter(pk__in=grids).values_list("pk", "name")),
    }


def _shown(field: str, value, *, names: dict, pattern_of) -> str:
    if value in (None, ""):
        return "—"
    if field in PERSONAL:
        return masking.apply(field, value, pattern_of(field)) or "—"
    if field == "house":
        return names["house"].get(value, _("辖区外房屋"))
    if field == "region":
        return names["region"].get(value, "—")
    if field == "residence":
        return str(Residence(value).label) if value in Residence.values else str(value)
    if field == "status":
        return str(PersonStatus(value).label) if value in PersonStatus.values else str(value)
    if field == "is_household_head":
        return _("是") if value else _("否")
    return str(value)


def history_rows(viewer, person: Person) -> list[dict]:
    """The person's history for display: personal values masked as the viewer sees the person's own fields."""
    changes = list(PersonChange.objects.filter(person=person).select_related("actor")[:MAX_SHOWN])
    names = _names(viewer, changes)
    path = person.region.path

    def pattern_of(field):
        return pattern_for(viewer, field, path)

    rows = []
    for change in changes:
        pairs = {**change.facts, **(json.loads(change.sealed) if change.sealed else {})}
        rows.append(
            {
                "id": str(change.pk),
                "kind": change.kind,
                "kind_label": change.get_kind_display(),
                "at": change.at,
                "on_date": change.on_date,
                "actor": change.actor.username if change.actor_id else _("系统"),
                "changes": [
                    {
                        "field": f,
                        "label": str(LABELS.get(f, f)),
                        "before": _shown(f, pairs[f][0], names=names, pattern_of=pattern_of),
                        "after": _shown(f, pairs[f][1], names=names, pattern_of=pattern_of),
                    }
                    for f in change.fields
                    if f in pairs
                ],
            }
        )
    return rows


def moved_facts(person: Person) -> dict:
    """The non-personal facts a move or departure changes, as they are now."""
    return {
        "house": person.house_id,
        "household": person.household_id,
        "region": person.region_id,
        "is_household_head": person.is_household_head,
        "status": person.status,
    }
