import datetime as dt

import pytest

from grassroots.core.errors import DomainError, ErrorCode
from grassroots.registry.identifiers import (
    id_check_char,
    normalise_phone,
    parse_id_number,
    parse_uscc,
    uscc_check_char,
)


def test_id_check_character_of_the_standards_example():
    # GB 11643-1999 Appendix example 11010519491231002X, worked by hand:
    # digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 × weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    # = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → check character X.
    assert id_check_char("11010519491231002") == "X"
    facts = parse_id_number("11010519491231002x")
    assert facts.normalised == "11010519491231002X"
    assert facts.birth_date == dt.date(1949, 12, 31)
    assert facts.sex == "F"  # sequence 002 is even


def test_id_with_a_digit_check_character():
    # 440524188001010014: sum = 4·7+4·9+0+5·5+2·8+4·4+1·2+8·1+8·6+0+0+1·9+0+1·5+0+0+1·2 = 195;
    # 195 mod 11 = 8 → check character 4; sequence 001 is odd → male.
    facts = parse_id_number("440524188001010014")
    assert facts.sex == "M" and facts.birth_date == dt.date(1880, 1, 1)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010519491231002", "18位"),
        ("1101051949123100X2", "18位"),
        ("99010519491231002X", "省级代码"),
        ("110105194902300021", "出生日期无效"),
        ("110105194912310021", "校验码错误：应为 X，实为 1"),
    ],
)
def test_invalid_id_numbers_are_rejected_with_the_reason(value, reason):
    with pytest.raises(DomainError) as err:
        parse_id_number(value)
    assert err.value.code == ErrorCode.INVALID_ID_NUMBER
    assert reason in err.value.message


def test_uscc_check_character_worked_by_hand():
    # 91350100M000100Y4 (GB 32100 style): values 9 1 3 5 0 1 0 0 21 0 0 0 1 0 0 30 4
    # weights 3^0..3^16 mod 31 = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    # products 9 3 27 135 0 26 0 0 420 0 0 0 8 0 0 900 112 → sum 1640; 1640 mod 31 = 28;
    # 31 − 28 = 3 → check character "3".
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert parse_uscc("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91350100M000100Y4", "18位"),
        ("91350100M000100I43", "非法字符：I"),
        ("B1350100M000100Y43", "登记管理部门码"),
        ("91350100M000100Y44", "校验码错误：应为 3，实为 4"),
    ],
)
def test_invalid_usccs_are_rejected_with_the_reason(value, reason):
    with pytest.raises(DomainError) as err:
        parse_uscc(value)
    assert err.value.code == ErrorCode.INVALID_USCC
    assert reason in err.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("010-65123456", "010-65123456"),
    ],
)
def test_phones_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "12812345678", "abc"])
def test_bad_phones_are_rejected(raw):
    with pytest.raises(DomainError) as err:
        normalise_phone(raw)
    assert err.value.code == ErrorCode.INVALID_PHONE
