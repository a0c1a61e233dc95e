"""Masking of personal data by role (DESIGN.md §4). One policy serves API, pages, exports and sharing.

Patterns: ``full`` shows the value; ``partial`` keeps what staff need to recognise a person (phone
138****1234; ID number first 6 and last 4, i.e. the birthplace code and the check digits; name surname
plus asterisks); ``hidden`` shows only that a value exists.

Fields derived from an identifier are masked with it (``derived``): the first 6 and last 4 digits of an ID number
hide exactly digits 7-14, the birth date, so a full birth date beside a partial ID would rebuild the whole ID. Under
``partial`` only the birth year shows, which leaves about 365 / 11 ≈ 33 candidate IDs once the check digit is used;
sex needs no masking of its own there, since digit 17 (its parity) is among the last four shown anyway.
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


def derived_from_id(birth_date, sex: str, pattern: Pattern) -> dict:
    """Birth date and sex, which come from the ID number, shown no more than the ID number itself is."""
    if pattern == Pattern.FULL:
        return {"birth_date": birth_date, "birth_year": birth_date.year, "sex": sex}
    if pattern == Pattern.PARTIAL:
        return {"birth_date": None, "birth_year": birth_date.year, "sex": sex}
    return {"birth_date": None, "birth_year": None, "sex": None}


PARTIAL_MASKERS = {"phone": mask_phone, "id_number": mask_id_number, "name": mask_name}


def apply(kind: str, value: str | None, pattern: Pattern) -> str | None:
    if value is None or value == "" or pattern == Pattern.FULL:
        return value
    if pattern == Pattern.HIDDEN:
        return "***"
    return PARTIAL_MASKERS.get(kind, mask_text)(value)
