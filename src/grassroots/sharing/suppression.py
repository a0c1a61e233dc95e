"""Small-cell suppression for published count tables, with complementary suppression and an attack check.

The published table is a linear system: every row's cells sum to its row total, every column's cells to
its column total, and the row totals and the column totals each sum to the grand total. Cells and totals
alike are values of that system, and any of them may be withheld.

1. Primary: every count with 0 < n < threshold is withheld: cells, row and column totals, the grand total.
2. Complementary: an equation with exactly one withheld value gives it away, so one more of its values is
   withheld: the one that leaves no other equation with a lone withheld value, then a non-zero cell, the
   grand total (one figure, where a line total is a street's or a category's), a line total, smallest
   first, and zeros last.
3. Attack: linear programming over everything published (with non-negativity) finds the least and greatest
   value each withheld cell AND each withheld total can take. A value whose interval is narrower than
   MIN_WIDTH gets a partner withheld from one of its equations, the cheapest that widens it, and 2–3
   repeat until no withheld value can be pinned down.

It always ends: each round withholds one more value, and with everything withheld nothing can be pinned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

MIN_WIDTH = 1  # a withheld value must have at least two possible (integer) values
_EPS = 1e-6
_MAX_TRIALS = 12


@dataclass(frozen=True)
class Suppressed:
    cells: list[list[int | None]]  # None where withheld
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    hidden: int  # withheld cells (totals not counted)


@dataclass(frozen=True)
class _Layout:
    """Flat indices: the cells row by row, then the row totals, the column totals, and the grand total."""

    rows: int
    cols: int

    @property
    def size(self) -> int:
        return self.rows * self.cols + self.rows + self.cols + 1

    def cell(self, r: int, c: int) -> int:
        return r * self.cols + c

    def row(self, r: int) -> int:
        return self.rows * self.cols + r

    def column(self, c: int) -> int:
        return self.rows * self.cols + self.rows + c

    @property
    def grand(self) -> int:
        return self.size - 1

    def key(self, index: int) -> tuple:
        if index == self.grand:
            return ("grand",)
        if index >= self.column(0):
            return ("column", index - self.column(0))
        if index >= self.row(0):
            return ("row", index - self.row(0))
        return ("cell", *divmod(index, self.cols))

    def equations(self) -> list[tuple[list[int], int]]:
        """(parts, total): the parts sum to the total."""
        eqs = [([self.cell(r, c) for c in range(self.cols)], self.row(r)) for r in range(self.rows)]
        eqs += [([self.cell(r, c) for r in range(self.rows)], self.column(c)) for c in range(self.cols)]
        eqs.append(([self.row(r) for r in range(self.rows)], self.grand))
        eqs.append(([self.column(c) for c in range(self.cols)], self.grand))
        return eqs


class _System:
    """The equations restricted to the withheld values, ready for the LP attack."""

    def __init__(self, layout: _Layout, values: np.ndarray, withheld: np.ndarray):
        self.unknown = [int(i) for i in np.nonzero(withheld)[0]]
        position = {index: k for k, index in enumerate(self.unknown)}
        a_eq, b_eq = [], []
        for parts, total in layout.equations():
            members = [(p, 1.0) for p in parts] + [(total, -1.0)]
            if not any(withheld[i] for i, _ in members):
                continue
            row = np.zeros(len(self.unknown))
            constant = 0.0
            for index, sign in members:
                if withheld[index]:
                    row[position[index]] += sign
                else:
                    constant += sign * values[index]
            a_eq.append(row)
            b_eq.append(-constant)
        self.a_eq, self.b_eq, self.position = (np.array(a_eq) if a_eq else None), b_eq, position

    def interval(self, index: int) -> tuple[float, float]:
        if self.a_eq is None:
            return 0.0, float("inf")
        objective = np.zeros(len(self.unknown))
        objective[self.position[index]] = 1.0
        low = linprog(objective, A_eq=self.a_eq, b_eq=self.b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=self.a_eq, b_eq=self.b_eq, bounds=(0, None), method="highs")
        return float(low.fun), float("inf") if high.status == 3 else float(-high.fun)

    def certified_free(self, cap: float, samples: int = 4) -> set[int]:
        """Values seen to differ by MIN_WIDTH between feasible points: a few LPs instead of two per value.

        The points come from the system with every value capped at `cap`; they are feasible for the real
        system too, so a value they disagree on cannot be pinned. The rest get the exact two-LP check.
        """
        if self.a_eq is None:
            return set(self.unknown)
        n = len(self.unknown)
        rng = np.random.default_rng(n)
        objectives = [np.ones(n), -np.ones(n), *(rng.normal(size=n) for _ in range(samples - 2))]
        points = []
        for objective in objectives:
            result = linprog(objective, A_eq=self.a_eq, b_eq=self.b_eq, bounds=(0, cap), method="highs")
            if result.status == 0:
                points.append(result.x)
        if len(points) < 2:
            return set()
        spread = np.ptp(np.array(points), axis=0)
        return {index for index, width in zip(self.unknown, spread, strict=True) if width >= MIN_WIDTH - _EPS}


def _pinned(low: float, high: float) -> bool:
    return high - low < MIN_WIDTH - _EPS


def feasible_intervals(
    cells: list[list[int | None]],
    row_totals: list[int | None],
    column_totals: list[int | None],
    grand_total: int | None,
) -> dict[tuple, tuple[float, float]]:
    """The intruder's view: (least, greatest) of every withheld value given what is published (None = withheld).

    Keys are ("cell", r, c), ("row", r), ("column", c) and ("grand",).
    """
    layout = _Layout(len(cells), len(cells[0]) if cells else 0)
    published = [v for row in cells for v in row] + list(row_totals) + list(column_totals) + [grand_total]
    withheld = np.array([v is None for v in published])
    values = np.array([0.0 if v is None else float(v) for v in published])
    system = _System(layout, values, withheld)
    return {layout.key(i): system.interval(i) for i in system.unknown}


def _cost(layout: _Layout, values: np.ndarray, withheld: np.ndarray, index: int, eqs) -> tuple:
    """Cheaper first: creates no new lone withheld value; a non-zero cell, the grand total, a line total, a zero."""
    lonely = sum(1 for parts, total in eqs if (index in parts or index == total) and not any(withheld[[*parts, total]]))
    if index == layout.grand:
        rank = 1
    elif index >= layout.row(0):
        rank = 2
    else:
        rank = 0 if values[index] > 0 else 3
    return (lonely, rank, values[index], index)


def _candidates(layout: _Layout, values, withheld, eqs, index: int) -> list[int]:
    near = {m for parts, total in eqs if index in parts or index == total for m in (*parts, total)}
    return sorted((m for m in near if not withheld[m]), key=lambda m: _cost(layout, values, withheld, m, eqs))


def _complete_equations(layout: _Layout, values, withheld, eqs) -> bool:
    """Withhold a partner in every equation that has exactly one withheld value."""
    changed = False
    for parts, total in eqs:
        members = [*parts, total]
        if sum(withheld[m] for m in members) != 1:
            continue
        free = sorted((m for m in members if not withheld[m]), key=lambda m: _cost(layout, values, withheld, m, eqs))
        if free:
            withheld[free[0]] = changed = True
    return changed


def _first_pinned(layout: _Layout, values, withheld) -> int | None:
    system = _System(layout, values, withheld)
    free = system.certified_free(cap=2 * values[layout.grand] + 1)
    for index in system.unknown:
        if index not in free and _pinned(*system.interval(index)):
            return index
    return None


def _protect(layout: _Layout, values, withheld, eqs, index: int) -> None:
    """Withhold the cheapest partner that widens `index`; failing that the cheapest near it, or anywhere."""
    candidates = _candidates(layout, values, withheld, eqs, index) or sorted(
        (m for m in range(layout.size) if not withheld[m]), key=lambda m: _cost(layout, values, withheld, m, eqs)
    )
    for candidate in candidates[:_MAX_TRIALS]:
        trial = withheld.copy()
        trial[candidate] = True
        if not _pinned(*_System(layout, values, trial).interval(index)):
            withheld[candidate] = True
            return
    withheld[candidates[0]] = True


def suppress(table: list[list[int]], threshold: int = 10) -> Suppressed:
    cells = np.asarray(table, dtype=float)
    if cells.ndim != 2 or cells.size == 0 or (cells < 0).any():
        raise ValueError("a table of non-negative counts is required")
    layout = _Layout(*cells.shape)
    values = np.concatenate([cells.ravel(), cells.sum(axis=1), cells.sum(axis=0), [cells.sum()]])
    withheld = (values > 0) & (values < threshold)
    eqs = layout.equations()
    for _ in range(layout.size + 1):
        if _complete_equations(layout, values, withheld, eqs):
            continue
        pinned = _first_pinned(layout, values, withheld)
        if pinned is None:
            break
        _protect(layout, values, withheld, eqs, pinned)
    shown = [None if w else int(v) for v, w in zip(values, withheld, strict=True)]
    n = layout.rows * layout.cols
    return Suppressed(
        cells=[shown[r * layout.cols : (r + 1) * layout.cols] for r in range(layout.rows)],
        row_totals=shown[n : n + layout.rows],
        column_totals=shown[n + layout.rows : n + layout.rows + layout.cols],
        grand_total=shown[-1],
        hidden=int(withheld[:n].sum()),
    )
