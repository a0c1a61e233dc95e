import pytest

from grassroots.core.masking import Pattern, apply


@pytest.mark.parametrize(
    ("kind", "value", "pattern", "expected"),
    [
        ("phone", "13812341234", Pattern.PARTIAL, "138****1234"),
        ("id_number", "11010519491231002X", Pattern.PARTIAL, "110105********002X"),
        ("name", "张三", Pattern.PARTIAL, "张*"),
        ("name", "欧阳修远", Pattern.PARTIAL, "欧***"),
        ("phone", "13812341234", Pattern.FULL, "13812341234"),
        ("phone", "13812341234", Pattern.HIDDEN, "***"),
        ("phone", "", Pattern.PARTIAL, ""),
        ("phone", None, Pattern.PARTIAL, None),
    ],
)
def test_it_masks_by_pattern(kind, value, pattern, expected):
    assert apply(kind, value, pattern) == expected
