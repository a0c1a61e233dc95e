"""Small-cell suppression for published count tables, with complementary suppression and an attack check.

1. Primary: every count with 0 < n < threshold is hidden, and so is any row or column total that small.
2. Complementary: a line (row or column) whose total is published and which has exactly one hidden cell would
   give that cell away, so its smallest other cell (preferring non-zero ones) is hidden too.
3. Attack: with everything published, linear programming finds the least and greatest value each small cell
   can take. A small cell pinned to one value gets another partner hidden in its row; if its row has none
   left, the totals of its row and column are withheld. Repeat until no small cell can be recovered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog


@dataclass(frozen=True)
class Suppressed:
    cells: list[list[int | None]]  # None where hidden
    row_totals: list[int | None]
    column_totals: list[int | None]
    hidden: int


def feasible_ranges(known, mask, row_totals, column_totals, cells=None) -> dict[tuple[int, int], tuple]:
    """(min, max) of hidden cells (all, or those in `cells`) given what is published; None totals are unknown."""
    known, mask = np.asarray(known, dtype=float), np.asarray(mask, dtype=bool)
    hidden = list(zip(*np.nonzero(mask), strict=True))
    if not hidden:
        return {}
    a_eq, b_eq = [], []
    for r, total in enumerate(row_totals):
        if total is not None and mask[r].any():
            a_eq.append([1.0 if cell[0] == r else 0.0 for cell in hidden])
            b_eq.append(total - known[r][~mask[r]].sum())
    for c, total in enumerate(column_totals):
        if total is not None and mask[:, c].any():
            a_eq.append([1.0 if cell[1] == c else 0.0 for cell in hidden])
            b_eq.append(total - known[:, c][~mask[:, c]].sum())
    ranges = {}
    for i, cell in enumerate(hidden):
        if cells is not None and cell not in cells:
            continue
        objective = np.zeros(len(hidden))
        objective[i] = 1.0
        if not a_eq:
            ranges[cell] = (0.0, float("inf"))
            continue
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        ranges[cell] = (low.fun, float("inf") if high.status == 3 else -high.fun)
    return ranges


def _hide_partner(values: np.ndarray, mask: np.ndarray, line: np.ndarray) -> bool:
    """Hide the smallest visible cell of a line, non-zero ones first; False if the line has none left."""
    candidates = [(values[cell] == 0, values[cell], cell) for cell in zip(*np.nonzero(line & ~mask), strict=True)]
    if not candidates:
        return False
    mask[min(candidates)[2]] = True
    return True


def _line(mask: np.ndarray, *, row: int | None = None, column: int | None = None) -> np.ndarray:
    selector = np.zeros_like(mask)
    if row is not None:
        selector[row] = True
    else:
        selector[:, column] = True
    return selector


def suppress(table: list[list[int]], threshold: int = 10) -> Suppressed:
    values = np.asarray(table, dtype=float)
    if values.ndim != 2 or values.size == 0 or (values < 0).any():
        raise ValueError("a table of non-negative counts is required")
    rows, cols = values.shape
    small = (values > 0) & (values < threshold)
    mask = small.copy()
    row_totals: list = [None if 0 < t < threshold else int(t) for t in values.sum(axis=1)]
    column_totals: list = [None if 0 < t < threshold else int(t) for t in values.sum(axis=0)]
    for _ in range(2 * rows * cols + 2):
        changed = False
        for r in range(rows):
            if row_totals[r] is not None and mask[r].sum() == 1:
                changed |= _hide_partner(values, mask, _line(mask, row=r))
        for c in range(cols):
            if column_totals[c] is not None and mask[:, c].sum() == 1:
                changed |= _hide_partner(values, mask, _line(mask, column=c))
        if changed:
            continue
        targets = set(zip(*np.nonzero(small), strict=True))
        ranges = feasible_ranges(values, mask, row_totals, column_totals, cells=targets)
        for (r, c), (low, high) in ranges.items():
            if high - low >= 1:
                continue
            if not _hide_partner(values, mask, _line(mask, row=r)):
                row_totals[r] = column_totals[c] = None
            changed = True
            break  # re-run the complementary pass before attacking again
        if not changed:
            break
    cells = [[None if mask[r, c] else int(values[r, c]) for c in range(cols)] for r in range(rows)]
    return Suppressed(cells, row_totals, column_totals, int(mask.sum()))
