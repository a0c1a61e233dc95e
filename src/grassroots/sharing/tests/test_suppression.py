"""Small-cell suppression: primary, complementary, and an intruder who tries to recover hidden cells."""

import numpy as np
import pytest

from grassroots.sharing.suppression import feasible_ranges, suppress

TABLE = [
    [25, 3, 40, 12],
    [18, 22, 5, 30],
    [31, 14, 27, 16],
]


def attack(result, table):
    """What an intruder can infer about the small cells: their feasible ranges from the published figures."""
    known = np.array([[0 if v is None else v for v in row] for row in result.cells], dtype=float)
    mask = np.array([[v is None for v in row] for row in result.cells])
    small = {(r, c) for r, row in enumerate(table) for c, v in enumerate(row) if 0 < v < 10}
    return feasible_ranges(known, mask, result.row_totals, result.column_totals, cells=small)


def test_small_counts_are_hidden_and_totals_stay_true():
    result = suppress(TABLE, threshold=10)
    assert result.cells[0][1] is None and result.cells[1][2] is None
    assert result.row_totals == [80, 75, 88] and result.column_totals == [74, 39, 72, 58]
    assert all(v is None or v >= 10 or v == 0 for row in result.cells for v in row)
    assert all(t is None or t >= 10 for t in result.row_totals + result.column_totals)


def test_no_hidden_cell_can_be_recovered_from_the_totals():
    result = suppress(TABLE, threshold=10)
    ranges = attack(result, TABLE)
    assert ranges, "something must be hidden"
    assert all(high - low >= 1 for low, high in ranges.values())


def test_primary_suppression_alone_would_leak():
    """Without the complementary step, the row total gives the single hidden cell away: the attack works."""
    values = np.array(TABLE, dtype=float)
    mask = (values > 0) & (values < 10)
    ranges = feasible_ranges(values, mask, list(values.sum(axis=1)), list(values.sum(axis=0)))
    assert any(high - low < 1 for low, high in ranges.values())


@pytest.mark.parametrize("seed", range(20))
def test_random_tables_resist_the_attack(seed):
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 40, size=(rng.integers(2, 6), rng.integers(2, 7))).tolist()
    result = suppress(table, threshold=10)
    for low, high in attack(result, table).values():
        assert high - low >= 1
    for row, original in zip(result.cells, table, strict=True):
        for shown, value in zip(row, original, strict=True):
            assert shown is None or shown == value


def test_bad_tables_are_refused():
    with pytest.raises(ValueError):
        suppress([[1, -2]])
    with pytest.raises(ValueError):
        suppress([])


def test_a_small_line_total_is_withheld_too():
    result = suppress([[12, 0, 0], [3, 0, 0]], threshold=10)
    assert result.row_totals[1] is None and result.cells[1][0] is None
    for low, high in attack(result, [[12, 0, 0], [3, 0, 0]]).values():
        assert high - low >= 1
