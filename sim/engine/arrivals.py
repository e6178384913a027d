"""New customers arriving as a non-homogeneous Poisson process.

The rate is constant within each hour of the week (base rate x hour-of-day x weekday
multiplier), so the next arrival is found exactly by spending one Exp(1) draw of
"cumulative rate" hour by hour: no thinning, no rejected draws, and one draw per customer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.clock import MINUTES_PER_HOUR
from sim.scenario.schema import Arrivals

HOURS_PER_WEEK = 168


def weekly_rates_per_min(spec: Arrivals) -> list[float]:
    """Arrival rate in customers per minute for each of the 168 hours of the week, Monday 00:00 first."""
    return [
        spec.customers_per_hour * spec.weekday_profile[h // 24] * spec.hour_profile[h % 24] / MINUTES_PER_HOUR
        for h in range(HOURS_PER_WEEK)
    ]


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
