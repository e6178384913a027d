"""Shifts from agents needed per interval: the cheapest roster of allowed shift patterns that covers every interval.

Why: agents come in shifts, not in half hours. Given the agents each interval of the week needs
and the shift lengths a centre allows (starting on any interval of the grid), the roster that
covers every interval at least cost is a small integer covering problem:

    minimise  sum_j cost_j x_j   subject to  sum_{j covers k} x_j >= need_k  for every interval k,  x_j >= 0 integer

A greedy cover (put shifts where the gap is largest) is not minimal, so it is solved exactly by
HiGHS's branch and bound through ``scipy.optimize.milp`` (scipy is already a dependency, for
Student t), with a zero relative gap: the roster it returns is proven cheapest. The week is a
cycle: a shift that starts Sunday 22:00 covers Monday 00:00-06:00, as the scenario's repeating
week does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix


@dataclass(frozen=True)
class Pattern:
    """An allowed shift: it starts at interval ``start`` of the cycle and lasts ``length`` intervals."""

    start: int
    length: int


@dataclass(frozen=True)
class Cover:
    """A roster: how many agents work each pattern, its cost, and whether it is proven cheapest."""

    counts: dict[Pattern, int]
    cost: float
    optimal: bool

    def on_duty(self, cells: int) -> list[int]:
        """Agents on duty in each interval of the cycle under this roster."""
        return on_duty(self.counts, cells)


def on_duty(counts: dict[Pattern, int], cells: int) -> list[int]:
    """Agents on duty in each of ``cells`` intervals of the cycle when ``counts[p]`` agents work pattern p."""
    level = [0] * cells
    for p, x in counts.items():
        for i in range(p.length):
            level[(p.start + i) % cells] += x
    return level


def patterns(cells: int, lengths: Sequence[int], *, cyclic: bool = True) -> list[Pattern]:
    """Every shift of the given lengths (in intervals) starting on an interval of the grid.

    Without ``cyclic`` a shift must end by the last interval (a horizon shorter than a week).
    """
    out = []
    for length in sorted(set(lengths)):
        if not 0 < length <= cells:
            raise ValueError(f"a shift of {length} intervals does not fit a cycle of {cells}")
        last = cells if cyclic else cells - length + 1
        out += [Pattern(s, length) for s in range(last)]
    return out


def cheapest_cover(
    need: Sequence[int], allowed: Sequence[Pattern], cost: Sequence[float], *, time_limit_s: float = 60.0
) -> Cover:
    """The cheapest counts of ``allowed`` patterns that put at least ``need[k]`` agents on duty in every interval k.

    ``cost[j]`` is what one agent on pattern j costs (its hours x the hourly cost). Intervals no
    pattern covers must need 0 agents. If HiGHS stops at ``time_limit_s`` before proving the
    optimum, the best roster found is returned with ``optimal`` False.
    """
    cells = len(need)
    if len(cost) != len(allowed):
        raise ValueError("one cost per pattern")
    if not any(need):
        return Cover({}, 0.0, True)
    a = lil_matrix((cells, len(allowed)))
    for j, p in enumerate(allowed):
        for i in range(p.length):
            a[(p.start + i) % cells, j] = 1
    covered = np.asarray(a.sum(axis=1)).ravel() > 0
    missing = [k for k in range(cells) if need[k] > 0 and not covered[k]]
    if missing:
        raise ValueError(f"no allowed shift covers interval {missing[0]}, which needs {need[missing[0]]} agents")
    result = milp(
        c=np.asarray(cost, dtype=float),
        constraints=LinearConstraint(a.tocsr(), lb=np.asarray(need, dtype=float), ub=np.inf),
        integrality=np.ones(len(allowed)),
        bounds=Bounds(0, np.inf),
        options={"mip_rel_gap": 0.0, "time_limit": time_limit_s},
    )
    if result.x is None:
        raise RuntimeError(f"the shift cover found no roster ({result.message})")
    counts = {p: round(x) for p, x in zip(allowed, result.x, strict=True) if round(x) > 0}
    total = float(sum(cost[j] * round(x) for j, x in enumerate(result.x)))
    return Cover(counts, total, bool(result.status == 0))
