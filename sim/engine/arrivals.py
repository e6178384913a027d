"""New customers arriving as a non-homogeneous Poisson process.

The rate is constant within each hour of the week (base rate x hour-of-day x weekday
multiplier), so the next arrival is found exactly by spending one Exp(1) draw of
"cumulative rate" hour by hour: no thinning, no rejected draws, and one draw per customer.

Campaigns (a launch, a sale) change the rate inside windows of given days: within a window the
rate is ``weekly rate x multiplier + extra``. The rate is still piecewise constant, now between
hour boundaries *and* window edges, so the same inversion stays exact. A scenario without
campaigns takes the plain path, unchanged, and gets the same arrivals as before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from sim.clock import MINUTES_PER_HOUR, at_day
from sim.scenario.schema import Arrivals

HOURS_PER_WEEK = 168


class Window(NamedTuple):
    """A stretch of sim time where the rate is ``weekly rate x multiplier + extra_per_min`` (campaigns combined)."""

    start: float
    end: float
    multiplier: float
    extra_per_min: float


def weekly_rates_per_min(spec: Arrivals) -> list[float]:
    """Arrival rate in customers per minute for each of the 168 hours of the week, Monday 00:00 first."""
    return [
        spec.customers_per_hour * spec.weekday_profile[h // 24] * spec.hour_profile[h % 24] / MINUTES_PER_HOUR
        for h in range(HOURS_PER_WEEK)
    ]


def campaign_windows(spec: Arrivals) -> list[Window]:
    """The campaigns as disjoint windows in time order; where campaigns overlap their multipliers multiply and extras add."""
    spans = [
        (at_day(c.day, c.start), at_day(c.day, c.end), c.multiplier, c.extra_per_hour / MINUTES_PER_HOUR) for c in spec.campaigns
    ]
    edges = sorted({t for a, b, _, _ in spans for t in (a, b)})
    out: list[Window] = []
    for a, b in pairwise(edges):
        factor, extra, inside = 1.0, 0.0, False
        for start, end, mult, add in spans:
            if start <= a and b <= end:
                factor *= mult
                extra += add
                inside = True
        if inside:
            out.append(Window(a, b, factor, extra))
    return out


def next_arrival(t: float, budget: float, rates: Sequence[float]) -> float:
    """Time of the next arrival after ``t`` given an Exp(1) draw ``budget``; inf if the rate is 0 for ever."""
    if not any(rates):
        return math.inf
    while True:
        hour = int(t // MINUTES_PER_HOUR)
        rate = rates[hour % HOURS_PER_WEEK]
        end = (hour + 1) * MINUTES_PER_HOUR
        if rate > 0:
            step = budget / rate
            if t + step < end:
                return t + step
            budget = max(0.0, budget - rate * (end - t))
        t = float(end)


def next_arrival_with_campaigns(t: float, budget: float, rates: Sequence[float], windows: Sequence[Window]) -> float:
    """``next_arrival`` when campaign ``windows`` (from ``campaign_windows``) change the rate; the plain path after the last."""
    i = 0
    while i < len(windows) and windows[i].end <= t:
        i += 1
    while i < len(windows):
        w = windows[i]
        hour = int(t // MINUTES_PER_HOUR)
        base = rates[hour % HOURS_PER_WEEK]
        if t < w.start:
            rate, end = base, min(float((hour + 1) * MINUTES_PER_HOUR), w.start)
        else:
            rate, end = base * w.multiplier + w.extra_per_min, min(float((hour + 1) * MINUTES_PER_HOUR), w.end)
        if rate > 0:
            step = budget / rate
            if t + step < end:
                return t + step
            budget = max(0.0, budget - rate * (end - t))
        t = end
        if t >= w.end:
            i += 1
    return next_arrival(t, budget, rates)
