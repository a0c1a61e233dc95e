"""Masking of personal data by role (DESIGN.md §4). One policy serves API, pages, exports and sharing.

Patterns: ``full`` shows the value; ``partial`` keeps what staff need to recognise a person (phone
138****1234; ID number first 6 and last 4, i.e. the birthplace code and the check digits; name surname
plus asterisks); ``hidden`` shows only that a value exists.
"""

from __future__ import annotations

from enum import StrEnum


class Pattern(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    HIDDEN = "hidden"


def mask_phone(phone: str) -> str:
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def mask_id_number(id_number: str) -> str:
    if len(id_number) > 10:
        return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]
    return "*" * len(id_number)


def mask_name(name: str) -> str:
    # 张三 → 张*, 欧阳修远 → 欧***: the surname alone identifies no-one but helps a caller address them.
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def mask_text(text: str) -> str:
    return text[:2] + "***" if len(text) > 2 else "***"


PARTIAL_MASKERS = {"phone": mask_phone, "id_number": mask_id_number, "name": mask_name}


def apply(kind: str, value: str | None, pattern: Pattern) -> str | None:
    if value is None or value == "" or pattern == Pattern.FULL:
        return value
    if pattern == Pattern.HIDDEN:
        return "***"
    return PARTIAL_MASKERS.get(kind, mask_text)(value)
