"""Cells for CSV and Excel exports that a spreadsheet cannot turn into a formula.

OWASP's CSV-injection guidance: a cell whose text starts with = + - @, a tab (0x09) or a carriage
return (0x0D) may be read as a formula by Excel, LibreOffice or WPS. We prefix such text with a single
quote so that it is shown, never run. Every cell of every export goes through `safe_cell`, lists
included: they are joined first and guarded as the text the spreadsheet will see.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object, *, true: str = "是", false: str = "否") -> object:
    """Numbers stay numbers; booleans become 是/否; lists are joined with 、; text is guarded."""
    if isinstance(value, bool):
        return true if value else false
    if isinstance(value, (list, tuple, set)):
        value = "、".join("" if v is None else str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in values]
