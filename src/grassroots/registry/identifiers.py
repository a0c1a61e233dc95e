"""Checksums of Chinese identifiers, with the reason when one is invalid.

- Citizen ID number: GB 11643-1999 §5 (composition) and §8.2 (check character, ISO 7064:1983 MOD 11-2).
- Unified social credit code: GB 32100-2015 §4 (composition) and §5 (check character, modulus 31).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from grassroots.core.errors import DomainError, ErrorCode

# GB 11643-1999 §8.2: weight W_i = 2^(i-1) mod 11 for positions i = 18..2 (left to right below).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Check character for (sum mod 11) = 0..10, i.e. the a_1 with (sum + a_1) ≡ 1 (mod 11); 10 is written X.
ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes (first two digits of the address code).
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


@dataclass(frozen=True)
class IdNumberFacts:
    normalised: str
    birth_date: dt.date
    sex: str  # "M" or "F": GB 11643 §5.3, odd sequence code for men


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def parse_id_number(raw: str) -> IdNumberFacts:
    value = (raw or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise DomainError(ErrorCode.INVALID_ID_NUMBER, _("身份证号应为18位：17位数字加1位数字或X"))
    if value[:2] not in PROVINCE_CODES:
        raise DomainError(ErrorCode.INVALID_ID_NUMBER, _("身份证号的地址码前两位不是有效的省级代码"))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise DomainError(ErrorCode.INVALID_ID_NUMBER, _("身份证号中的出生日期无效")) from None
    if birth.year < 1880 or birth > dt.date.today():
        raise DomainError(ErrorCode.INVALID_ID_NUMBER, _("身份证号中的出生日期超出合理范围"))
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise DomainError(
            ErrorCode.INVALID_ID_NUMBER,
            _("身份证号校验码错误：应为 %(expected)s，实为 %(actual)s") % {"expected": expected, "actual": value[17]},
        )
    return IdNumberFacts(value, birth, "M" if int(value[16]) % 2 else "F")


# GB 32100-2015 §4.3: the 31 code characters (digits and capitals without I, O, Z, S, V), values 0..30.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# §5: weight W_i = 3^(i-1) mod 31 for positions 1..17.
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
USCC_AUTHORITIES = frozenset(["1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "N", "Y"])


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def parse_uscc(raw: str) -> str:
    value = (raw or "").strip().upper()
    if len(value) != 18:
        raise DomainError(ErrorCode.INVALID_USCC, _("统一社会信用代码应为18位"))
    bad = sorted({c for c in value if c not in USCC_CHARS})
    if bad:
        raise DomainError(ErrorCode.INVALID_USCC, _("统一社会信用代码含非法字符：%(chars)s") % {"chars": "".join(bad)})
    if value[0] not in USCC_AUTHORITIES:
        raise DomainError(ErrorCode.INVALID_USCC, _("统一社会信用代码的登记管理部门码无效"))
    if not value[2:8].isdigit():
        raise DomainError(ErrorCode.INVALID_USCC, _("统一社会信用代码的第3至8位应为行政区划码"))
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise DomainError(
            ErrorCode.INVALID_USCC,
            _("统一社会信用代码校验码错误：应为 %(expected)s，实为 %(actual)s")
            % {"expected": expected, "actual": value[17]},
        )
    return value


def normalise_phone(raw: str) -> str:
    """Mainland mobile (11 digits from 13–19) or landline with area code; returns digits (and one dash)."""
    value = re.sub(r"[\s()（）]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    if re.fullmatch(r"1[3-9]\d{9}", value):
        return value
    if re.fullmatch(r"0\d{2,3}-?\d{7,8}", value):
        return value
    raise DomainError(ErrorCode.INVALID_PHONE, _("电话号码格式无效：应为11位手机号或带区号的固定电话"))
