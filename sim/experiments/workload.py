"""How much work a command asks for, estimated from the scenario before anything runs.

A scenario may bring up to 100,000 customers in its busiest hour, for up to ten years: one run
can be hundreds of millions of customers, hours of work that looks like a hang. Before a run,
``run``, ``compare``, ``sweep``, ``preview``, ``lint`` (its seeded runs) and ``play`` add up the
expected new customers of every run they will do (the arrival rate of each hour of the week,
over the horizon, from ``sim.engine.arrivals.weekly_rates_per_min``); above ``NOTICE`` they say
so on stderr, above ``LIMIT`` they refuse unless given ``--allow-large``.

The estimate counts new customers only (a loyal customer's later purchases and referrals come
on top), so it is a floor on the work, not a forecast. Pure functions, no engine run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sim.clock import MINUTES_PER_DAY, MINUTES_PER_HOUR
from sim.engine.arrivals import HOURS_PER_WEEK, weekly_rates_per_min
from sim.scenario.schema import Arrivals, Scenario

LIMIT = 5_000_000  # customers one command simulates without --allow-large (minutes to an hour of CPU)
NOTICE = 1_000_000  # above this, the estimate is printed before the work starts
MAX_RUNS = 100_000  # runs one command does without --allow-large, however small each is
WEEK_MIN = HOURS_PER_WEEK * MINUTES_PER_HOUR


def expected_arrivals(arrivals: Arrivals, days: float) -> float:
    """Expected new customers over ``days`` from Monday 00:00 (the engine's clock), in closed form.

    Whole weeks count the weekly total; the rest of the run adds its hours one by one. Not finite
    (inf) if a rate or the length is not.
    """
    minutes = days * MINUTES_PER_DAY
    rates = weekly_rates_per_min(arrivals)
    if not math.isfinite(minutes) or not all(math.isfinite(r) for r in rates):
        return math.inf
    weeks, rest = divmod(max(minutes, 0.0), WEEK_MIN)
    total = weeks * sum(rates) * MINUTES_PER_HOUR
    hour = 0
    while rest > 0:
        span = min(float(MINUTES_PER_HOUR), rest)
        total += rates[hour] * span
        rest -= span
        hour += 1
    return total


def customers_per_run(scenario: Scenario, days: float | None = None) -> float:
    """Expected new customers in one run of the scenario (``days``: a shorter or longer run than its horizon)."""
    return expected_arrivals(scenario.arrivals, scenario.horizon_days if days is None else days)


@dataclass(frozen=True)
class Workload:
    """The runs a command will do: expected customers in all of them, and how they multiply (for the message)."""

    customers: float
    runs: int
    largest_run: float
    parts: str  # e.g. "30 replications x 2 policies"

    @property
    def large(self) -> bool:
        """Above ``LIMIT`` customers or ``MAX_RUNS`` runs: needs ``--allow-large``."""
        return not self.customers <= LIMIT or self.runs > MAX_RUNS  # inf and nan are large

    @property
    def worth_saying(self) -> bool:
        """Above ``NOTICE``: the estimate is printed before the work starts."""
        return not self.customers <= NOTICE


def workload(groups: Iterable[tuple[float, int]], parts: str) -> Workload:
    """The workload of groups of runs, each ``(expected customers per run, number of runs)``."""
    customers: list[float] = []
    runs = 0
    largest = 0.0
    for per_run, n in groups:
        if n <= 0:
            continue
        runs += n
        largest = max(largest, per_run) if math.isfinite(per_run) else math.inf
        customers.append(per_run * n)
    total = math.fsum(customers) if all(math.isfinite(c) for c in customers) else math.inf
    return Workload(total, runs, largest, parts)


def repeated(customers: float, runs: int, parts: str) -> Workload:
    """``runs`` runs of the same expected size (replications, policies)."""
    return workload([(customers, runs)], parts)


def amount(n: float) -> str:
    """A count as people say it: 31,123; 1.9 million; 2.2 billion."""
    if not math.isfinite(n):
        return "an unbounded number of"
    if n < 1_000_000:
        return f"{n:,.0f}"
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if n >= size:
            return f"{n / size:,.1f}".removesuffix(".0") + f" {word}"
    return f"{n:,.0f}"  # pragma: no cover


def describe(w: Workload) -> str:
    """'about 1.9 million customers (30 replications x 2 policies, about 31,123 each)'."""
    each = f", about {amount(w.largest_run)} each" if w.runs > 1 else ""
    how = f" ({w.parts}{each})" if w.parts else ""
    return f"about {amount(w.customers)} customers{how}"


def refusal(w: Workload, what: str) -> str:
    """The one line that refuses a workload above the limits (``what``: 'this run', 'this sweep'...)."""
    if w.customers <= LIMIT:  # many small runs
        return (
            f"{what} would do {w.runs:,} runs ({w.parts}), more than the {MAX_RUNS:,} cxsim does without asking: "
            "add --allow-large to run it anyway, or lower --reps"
        )
    return (
        f"{what} would simulate {describe(w)}, more than the {amount(LIMIT)} cxsim runs without asking: "
        "add --allow-large to run it anyway, or lower --reps or --days"
    )


def notice(w: Workload) -> str:
    """The line printed before a large (but allowed) workload starts."""
    return f"note: {describe(w)} to simulate; this may take a while (Ctrl-C stops it)"


def check(w: Workload, what: str, allow_large: bool) -> tuple[str | None, str | None]:
    """``(refusal, notice)``: the line refusing the work (None if it may run), and the line to print first (or None)."""
    if w.large and not allow_large:
        return refusal(w, what), None
    return None, notice(w) if w.worth_saying else None
