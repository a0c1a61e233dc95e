"""What an entry is about and where it belongs: the indexes record() writes beside each leaf.

Neither is part of the hashed leaf (audit/log.py `canonical`), so both can be derived again, or backfilled,
without changing any hash.

- Subjects: the target, plus the records named in the details of reads that show many records at once.
  Registry reads name the people they showed under these keys (registry/services.py, registry/places.py):
  `ids` (a person list page or API list), `hits` (a person search), `residents` (a house page). A new event
  that shows people by id belongs in SUBJECT_KEYS too.
- Region: the target's region path when it has one; otherwise the common ancestor of the actor's grants,
  which contains every record the actor could have touched; otherwise "" (district-wide).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from grassroots.audit.events import AuditEvent

PERSON = "registry.person"

# event → detail key → kind of the ids listed under it
SUBJECT_KEYS: dict[int, dict[str, str]] = {
    AuditEvent.PERSON_LISTED: {"ids": PERSON},
    AuditEvent.PERSON_SEARCHED: {"hits": PERSON},
    AuditEvent.HOUSE_VIEWED: {"residents": PERSON},
    AuditEvent.SHARED_DATA_ACCESSED: {"ids": PERSON, "cases": "cases.case"},
    AuditEvent.AUDIT_SEARCHED: {"person": PERSON},
    AuditEvent.AUDIT_PROOF_VIEWED: {"person": PERSON},
}
MAX_ID_LENGTH = 64


def subjects_of(event: int, target_type: str, target_id: str, extra: dict) -> Iterator[tuple[str, str]]:
    """(kind, object id) pairs, without duplicates."""
    seen: set[tuple[str, str]] = set()
    if target_type and target_id:
        seen.add((target_type, target_id))
        yield target_type, target_id
    for key, kind in SUBJECT_KEYS.get(int(event), {}).items():
        value = extra.get(key) if isinstance(extra, dict) else None
        values = value if isinstance(value, list) else [value] if value not in (None, "") else []
        for item in values:
            pair = (kind, str(item)[:MAX_ID_LENGTH])
            if pair not in seen:
                seen.add(pair)
                yield pair


def common_ancestor(paths: list[str]) -> str:
    """The deepest region path that contains all of `paths` ('/1/7/' and '/1/8/42/' → '/1/'); '' for none."""
    parts = [[p for p in path.split("/") if p] for path in paths]
    if not parts:
        return ""
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return f"/{'/'.join(common)}/" if common else ""


def target_region_path(target: models.Model | None) -> str:
    if target is None:
        return ""
    if target._meta.label_lower == "areas.region":
        return getattr(target, "path", "") or ""
    path = getattr(target, "region_path", None)
    if isinstance(path, str) and path:
        return path
    try:
        field = target._meta.get_field("region")
    except FieldDoesNotExist:
        return ""
    if not field.is_relation or field.related_model is None or field.related_model._meta.label_lower != "areas.region":
        return ""
    region = getattr(target, "region", None)
    return getattr(region, "path", "") or ""


def actor_region_path(actor) -> str:
    if getattr(actor, "pk", None) is None:
        return ""
    from grassroots.accounts.scope import ROOT_PATH, grants

    paths = [g.path for g in grants(actor)]
    if ROOT_PATH in paths:
        return ""
    return common_ancestor(paths)


def region_path_for(target: models.Model | None, actor) -> str:
    return target_region_path(target) or actor_region_path(actor)
