"""Small-cell suppression: primary, complementary, and an intruder who tries to recover withheld cells and totals.

The intruder here is written independently of sharing/suppression.py: it sets up its own linear programme
over what was published (cells, row and column totals, the grand total) and asks, for every withheld value,
the least and greatest value it can take.
"""

import numpy as np
import pytest
from scipy.optimize import linprog

from grassroots.sharing.suppression import feasible_intervals, suppress

TABLE = [
    [25, 3, 40, 12],
    [18, 22, 5, 30],
    [31, 14, 27, 16],
]


def intruder(cells, row_totals, column_totals, grand_total, *, only=None) -> dict[tuple, tuple[float, float]]:
    """Every withheld value's feasible interval (or those of the kinds in `only`), from the published figures."""
    rows, cols = len(cells), len(cells[0])
    names = [("cell", r, c) for r in range(rows) for c in range(cols) if cells[r][c] is None]
    names += [("row", r) for r in range(rows) if row_totals[r] is None]
    names += [("column", c) for c in range(cols) if column_totals[c] is None]
    names += [("grand",)] if grand_total is None else []
    if not names:
        return {}
    index = {name: i for i, name in enumerate(names)}

    def term(name, value):  # (coefficients, constant) for one published-or-withheld value
        coefficients = np.zeros(len(names))
        if value is None:
            coefficients[index[name]] = 1.0
            return coefficients, 0.0
        return coefficients, float(value)

    equations = []  # each: list of (sign, name, value); the signed sum is zero
    for r in range(rows):
        equations.append([(1, ("cell", r, c), cells[r][c]) for c in range(cols)] + [(-1, ("row", r), row_totals[r])])
    for c in range(cols):
        equations.append(
            [(1, ("cell", r, c), cells[r][c]) for r in range(rows)] + [(-1, ("column", c), column_totals[c])]
        )
    equations.append([(1, ("row", r), row_totals[r]) for r in range(rows)] + [(-1, ("grand",), grand_total)])
    equations.append([(1, ("column", c), column_totals[c]) for c in range(cols)] + [(-1, ("grand",), grand_total)])
    a_eq, b_eq = [], []
    for equation in equations:
        coefficients, constant = np.zeros(len(names)), 0.0
        for sign, name, value in equation:
            a, b = term(name, value)
            coefficients += sign * a
            constant += sign * b
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(-constant)
    out = {}
    for name, i in index.items():
        if only is not None and name[0] not in only:
            continue
        objective = np.zeros(len(names))
        objective[i] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        out[name] = (low.fun, float("inf") if high.status == 3 else -high.fun)
    return out


def attack(result, only=None) -> dict[tuple, tuple[float, float]]:
    return intruder(result.cells, result.row_totals, result.column_totals, result.grand_total, only=only)


def pinned(ranges: dict) -> dict:
    return {name: r for name, r in ranges.items() if r[1] - r[0] < 1 - 1e-6}


def random_table(seed: int) -> list[list[int]]:
    """Counts 0–39, and often a whole row or column of small counts, so that small totals come up."""
    rng = np.random.default_rng(seed)
    rows, cols = int(rng.integers(2, 6)), int(rng.integers(2, 7))
    table = rng.integers(0, 40, size=(rows, cols))
    if rng.random() < 0.5:
        table[rng.integers(rows)] = rng.integers(0, 4, size=cols)
    if rng.random() < 0.5:
        table[:, rng.integers(cols)] = rng.integers(0, 4, size=rows)
    return table.tolist()


def test_small_counts_are_hidden_and_totals_stay_true():
    result = suppress(TABLE, threshold=10)
    assert result.cells[0][1] is None and result.cells[1][2] is None
    assert result.row_totals == [80, 75, 88] and result.column_totals == [74, 39, 72, 58]
    assert result.grand_total == 243
    assert all(v is None or v >= 10 or v == 0 for row in result.cells for v in row)
    assert all(t is None or t >= 10 for t in result.row_totals + result.column_totals)


def test_no_hidden_cell_can_be_recovered_from_the_totals():
    ranges = attack(suppress(TABLE, threshold=10))
    assert ranges, "something must be hidden"
    assert pinned(ranges) == {}


def test_primary_suppression_alone_would_leak():
    """Without the complementary step, the row total gives the single hidden cell away: the attack works."""
    cells = [[None if 0 < v < 10 else v for v in row] for row in TABLE]
    ranges = intruder(cells, [80, 75, 88], [74, 39, 72, 58], 243)
    assert pinned(ranges) == {("cell", 0, 1): (3.0, 3.0), ("cell", 1, 2): (5.0, 5.0)}


def test_a_withheld_column_total_is_not_given_away_by_the_grand_total():
    """The reviewer's table, worked by hand.

    12 10  4  6 | 32        column 3 totals 4 + 3 + 0 = 7 < 10, so it is withheld, with its small cells.
    11 12  3  5 | 31        Publishing the other column totals 36, 34, 18 and the grand total 95 (or
    13 12  0  7 | 32        the row totals, which sum to it) gives it away: 95 − 36 − 34 − 18 = 7.
    36 34  7 18 | 95
    """
    table = [[12, 10, 4, 6], [11, 12, 3, 5], [13, 12, 0, 7]]
    leaky = intruder(
        [[12, 10, None, None], [11, 12, None, None], [13, 12, 0, None]], [32, 31, 32], [36, 34, None, 18], 95
    )
    assert leaky[("column", 2)] == (7.0, 7.0)

    result = suppress(table, threshold=10)
    # Column 4's total goes with column 3's, and so does the zero beside the 7 in row 3, so that row does not
    # give the 7 away either. What is left: columns 3 and 4 together hold 95 − 36 − 34 = 25, row 1 puts 10
    # there, row 2 puts 8 and row 3 puts 7, with any split between the two columns.
    assert result.cells == [[12, 10, None, None], [11, 12, None, None], [13, 12, None, None]]
    assert result.row_totals == [32, 31, 32]
    assert result.column_totals == [36, 34, None, None]
    assert result.grand_total == 95
    ranges = attack(result)
    assert ranges[("column", 2)] == ranges[("column", 3)] == (0.0, 25.0)
    assert ranges[("cell", 0, 2)] == (0.0, 10.0) and ranges[("cell", 2, 3)] == (0.0, 7.0)
    assert pinned(ranges) == {}
    assert feasible_intervals(result.cells, result.row_totals, result.column_totals, result.grand_total) == ranges


def test_the_grand_total_is_withheld_when_the_row_totals_would_give_it_away():
    """A small row total with every column total published: the grand total would reveal it, so it goes too."""
    table = [[20, 15, 0], [3, 0, 2], [0, 30, 12]]  # row 2 totals 5
    result = suppress(table, threshold=10)
    assert result.row_totals[1] is None
    ranges = attack(result)
    assert ranges[("row", 1)][1] - ranges[("row", 1)][0] >= 1
    assert pinned(ranges) == {}


TOTALS = ("row", "column", "grand")


@pytest.mark.parametrize("chunk", range(2))
def test_no_withheld_total_is_recoverable_in_random_tables(chunk):
    """400 random tables (fixed seeds, 200 per test): the intruder cannot pin down any withheld total."""
    withheld = 0
    for seed in range(chunk * 200, chunk * 200 + 200):
        ranges = attack(suppress(random_table(seed), threshold=10), only=TOTALS)
        assert pinned(ranges) == {}, seed
        withheld += len(ranges)
    assert withheld > 100  # the tables do exercise withheld totals (the old code left 144 of 419 recoverable)


def test_no_withheld_cell_is_recoverable_and_what_is_shown_is_true_in_random_tables():
    for seed in range(1000, 1100):
        table = random_table(seed)
        result = suppress(table, threshold=10)
        assert pinned(attack(result)) == {}, (seed, table)
        values = np.array(table)
        shown = [v for row in result.cells for v in row] + result.row_totals + result.column_totals
        true = values.ravel().tolist() + values.sum(axis=1).tolist() + values.sum(axis=0).tolist()
        assert all(s is None or s == t for s, t in zip(shown, true, strict=True)), seed
        assert result.grand_total in (None, int(values.sum()))
        assert all(result.cells[r][c] is None for r, row in enumerate(table) for c, v in enumerate(row) if 0 < v < 10)


def test_small_totals_are_always_withheld():
    for seed in range(100):
        table = np.array(random_table(seed))
        result = suppress(table.tolist(), threshold=10)
        for total, shown in zip(table.sum(axis=1), result.row_totals, strict=True):
            assert shown is None or not 0 < total < 10
        for total, shown in zip(table.sum(axis=0), result.column_totals, strict=True):
            assert shown is None or not 0 < total < 10


def test_bad_tables_are_refused():
    with pytest.raises(ValueError):
        suppress([[1, -2]])
    with pytest.raises(ValueError):
        suppress([])


def test_a_small_line_total_is_withheld_too():
    result = suppress([[12, 0, 0], [3, 0, 0]], threshold=10)
    assert result.row_totals[1] is None and result.cells[1][0] is None
    assert pinned(attack(result)) == {}
