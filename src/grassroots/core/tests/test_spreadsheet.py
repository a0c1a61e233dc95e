"""The formula guard, cell by cell, against the leads OWASP lists for CSV injection."""

import pytest

from grassroots.core.spreadsheet import safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_formula_lead_is_quoted(text):
    assert safe_cell(text) == "'" + text


def test_list_cells_are_guarded_after_joining():
    assert safe_cell(["=cmd", "安全"]) == "'=cmd、安全"
    assert safe_cell(["安全", "=cmd"]) == "安全、=cmd"  # only the lead is read as a formula


def test_numbers_booleans_and_plain_text_are_untouched():
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5
    assert safe_cell(True) == "是" and safe_cell(False) == "否"
    assert safe_cell("张三") == "张三" and safe_cell(None) is None
