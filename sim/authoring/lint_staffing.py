"""Lint checks on staffed lines: load against agents on duty, idle and busy lines, the load returning
customers add, and hours a line is open with nobody on duty.

The estimates are closed formulas from the routes, arrivals and handle times (no run), so lint
answers in seconds; where a line gets its work only from failures, no estimate is made.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from sim.authoring.flow import visits_from
from sim.clock import MINUTES_PER_DAY
from sim.engine.staffing import agents_at, open_at, staffing_timeline
from sim.experiments.workload import customers_per_run
from sim.scenario.schema import Scenario, Staffed

WEEK_MIN = 7 * MINUTES_PER_DAY


def mean_agents(spec: Staffed, horizon_min: float) -> float:
    """Agents on duty on average over the run (or a week, if longer)."""
    if not spec.shifts:
        return float(spec.agents or 0)
    span = min(horizon_min, WEEK_MIN) if horizon_min >= MINUTES_PER_DAY else MINUTES_PER_DAY
    timeline = staffing_timeline(spec.shifts, span)
    total = 0.0
    for (start, agents), (end, _) in zip(timeline, [*timeline[1:], (span, 0)], strict=True):
        total += agents * (min(end, span) - start)
    return total / span


def arrivals_per_min(s: Scenario) -> float:
    """New customers per minute on average over a week (returning and referred customers left out)."""
    a = s.arrivals
    return a.customers_per_hour / 60 * (sum(a.hour_profile) / 24) * (sum(a.weekday_profile) / 7)


def overloaded_channels(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Staffed channels whose offered work exceeds the agents on duty on average (utilisation > 1)."""
    per_min = arrivals_per_min(s)
    visits = visits_from(s, s.journey.entry)
    for name, spec in s.staffed().items():
        offered = per_min * visits.get(name, 0.0) * spec.handle_min.mean_value()  # erlangs
        capacity = mean_agents(spec, s.horizon_days * MINUTES_PER_DAY) * spec.concurrency
        if offered > 0.05 and offered > capacity:
            util = offered / capacity if capacity else float("inf")
            yield (
                ("touchpoints", name),
                f"staffing far below the offered load: about {offered:.1f} agents' worth of work arrives on average, "
                f"{capacity:.1f} on duty (utilisation {util:.0%}); the queue grows without bound: add agents or shifts",
            )


IDLE, FULL = 0.05, 0.95  # occupancy below IDLE: agents wait for work; above FULL: every small rise in demand shows as long waits
BUSY = 0.80  # from here up, waits grow steeply with load (Erlang C): a few % more contacts can double the mean wait
RETURNING_SHARE = 0.10  # returning customers adding more than this to a busy channel's load get a warning
ROUTED_VISITS = 0.05  # a channel fewer customers than this reach by a route gets its work from failures: no estimate


def returning_per_new(repeat_probability: float, return_after_days: float, horizon_days: float) -> float:
    """Returning journeys per new customer's journey, on average over a run of ``horizon_days``.

    Every journey brings the customer back with ``repeat_probability`` after a delay of mean
    ``return_after_days`` (taken as exponential), and a returning journey can bring them back
    again. With new journeys at rate λ, returning ones arrive at R(t) = λ p/(1-p) (1 - e^(-(1-p)t/D)),
    whose mean over [0, H] is λ p/(1-p) (1 - (1 - e^(-k))/k) with k = (1-p)H/D. The bundled runs
    agree within a few % (hike-launch: 0.230 estimated, 0.228 run on its seed).
    """
    p, d, h = repeat_probability, return_after_days, horizon_days
    if p <= 0 or h <= 0:
        return 0.0
    if p >= 1:
        return h / (2 * d)  # every journey comes back: R grows linearly, λ t/D, averaging λ H/(2D)
    k = (1 - p) * h / d
    return p / (1 - p) * (1 - (1 - math.exp(-k)) / k)


@dataclass(frozen=True)
class ChannelLoad:
    """A staffed channel's work on average over the run (or a week), in agents' worth (erlangs)."""

    declared: float  # from the new customers of [arrivals], along the routes
    returning: float  # from the customers who come back (journey.repeat_entry, else entry)
    capacity: float  # agents on duty on average, times concurrency: contacts that can be in hand at once
    agents: float  # agents on duty on average
    concurrency: int  # contacts one agent handles at a time
    contacts_per_hour: float  # new customers' contacts an hour
    returning_per_hour: float  # returning customers' contacts an hour

    @property
    def total(self) -> float:
        return self.declared + self.returning

    @property
    def on_duty(self) -> str:
        """'3.0 agents on duty', or with chat '3.0 agents on duty, 2 contacts each at a time'."""
        each = f", {self.concurrency} contacts each at a time" if self.concurrency > 1 else ""
        return f"{self.agents:.1f} agents on duty{each}"

    @property
    def occupancy(self) -> float:
        return self.total / self.capacity if self.capacity else math.inf


def channel_loads(s: Scenario) -> dict[str, ChannelLoad]:
    """The estimated load of each staffed channel that customers reach by a route (``ROUTED_VISITS`` or more per customer).

    A contact line reached only when a failure hits (the complaint model's contacts) is left
    out: how many call depends on the failures and the notices, which only a run can tell.
    """
    per_min = arrivals_per_min(s)
    m = s.customer_model
    returning = (
        returning_per_new(m.loyalty.repeat_base, m.loyalty.repeat_after_days.mean_value(), s.horizon_days)
        if m.enabled and m.feedback
        else 0.0
    )
    visits = visits_from(s, s.journey.entry)
    again = visits_from(s, s.journey.repeat_entry) if s.journey.repeat_entry is not None else visits
    loads = {}
    for name, spec in s.staffed().items():
        if visits.get(name, 0.0) < ROUTED_VISITS:
            continue
        handle = spec.handle_min.mean_value()
        new_per_min, back_per_min = per_min * visits[name], per_min * returning * again.get(name, 0.0)
        capacity = mean_agents(spec, s.horizon_days * MINUTES_PER_DAY) * spec.concurrency
        loads[name] = ChannelLoad(
            new_per_min * handle, back_per_min * handle, capacity, capacity / spec.concurrency, spec.concurrency,
            new_per_min * 60, back_per_min * 60,
        )  # fmt: skip
    return loads


def _percent(share: float) -> str:
    """0.009 as '0.9 %', 0.0004 as '0.04 %', 0.97 as '97 %'."""
    return f"{share * 100:.2g} %" if share < 0.1 else f"{share:.0%}".replace("%", " %")


def _amount(x: float) -> str:
    """A count as people write it: 0.5, 28.8, 2,223."""
    return f"{x:.3g}" if x < 1000 else f"{x:,.0f}"


def _staffing_key(s: Scenario, name: str) -> tuple[str | int, ...]:
    spec = s.staffed()[name]
    return ("touchpoints", name, "shifts" if spec.shifts else "agents")


def idle_channels(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Staffed channels whose agents would be busy less than ``IDLE`` of the time: no queue, nothing to teach about it.

    Typically agents written where hundreds were meant in the arrivals, or a handle time in
    seconds. Only channels customers reach by a route are estimated (``channel_loads``).
    """
    if customers_per_run(s) < 1:
        return  # implausible_arrivals says why
    for name, load in channel_loads(s).items():
        if load.capacity > 0 and load.occupancy < IDLE:
            yield (
                _staffing_key(s, name),
                f"agents busy only about {_percent(load.occupancy)} of the time: {_amount(load.contacts_per_hour + load.returning_per_hour)} "
                f"contacts an hour of {s.staffed()[name].handle_min.mean_value():g} min for {load.on_duty}, "
                "so nobody ever queues: fewer agents, more customers_per_hour, or a route that sends fewer here",
            )


def busy_channels(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Channels near or past full once returning customers are counted, and busy ones returning customers load by more than ``RETURNING_SHARE``.

    ``customers_per_hour`` counts new customers only; customers who come back add journeys the
    file does not show. A channel above ``BUSY`` occupancy feels 10 % more work as much longer
    waits (3 agents offered 31.3 calls an hour against 28.8 declared: the mean wait doubled).
    Channels whose declared load alone exceeds the agents are ``overloaded_channels``' warning.
    """
    for name, load in channel_loads(s).items():
        if load.capacity <= 0 or load.declared > load.capacity:
            continue
        share = load.returning / load.declared if load.declared else 0.0
        if not (load.occupancy > FULL or (share > RETURNING_SHARE and load.occupancy >= BUSY)):
            continue
        returning = (
            f"; returning customers add {_percent(share)} to the load the arrivals declare ({_amount(load.returning_per_hour)} "
            f"contacts an hour on top of {_amount(load.contacts_per_hour)})"
            if share > RETURNING_SHARE
            else ""
        )
        fix = (
            "the queue grows without bound: add agents or shifts"
            if load.occupancy > 1
            else "waits grow steeply at this occupancy: add an agent or a shift, or lower the arrivals"
        )
        yield (
            _staffing_key(s, name),
            f"agents busy about {_percent(load.occupancy)} of the time ({load.total:.1f} contacts in hand on average for "
            f"{load.on_duty}){returning}: {fix}",
        )


def unanswered_hours(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Hours a staffed channel is open with nobody on duty while customers arrive: calls queue for nobody.

    Such calls end as abandoned, which reads as a service failure: a line that is closed at night
    should say so with ``opening_hours``, so a call then is counted as closed, not abandoned.
    """
    profile = s.arrivals.hour_profile
    visits = visits_from(s, s.journey.entry)
    for name, spec in s.staffed().items():
        if not spec.shifts or visits.get(name, 0.0) <= 0:
            continue
        gaps = sorted({
            hour
            for weekday in range(7)
            if s.arrivals.weekday_profile[weekday] > 0
            for hour in range(24)
            if profile[hour] > 0
            and agents_at(spec.shifts, weekday, hour * 60) == 0
            and (not spec.opening_hours or open_at(spec.opening_hours, weekday, hour * 60))
        })  # fmt: skip
        if gaps:
            yield (
                ("touchpoints", name, "shifts"),
                f"no agent is on duty at {_hours(gaps)} while {name} is open and customers arrive: their contacts queue "
                "for nobody and count as abandoned; if the line is closed then, say so with opening_hours "
                '(e.g. opening_hours = [{ start = "08:00", end = "22:00" }]), or staff those hours',
            )


def _hours(hours: list[int]) -> str:
    """[0, 1, 2, 22, 23] as '00:00-03:00, 22:00-24:00'."""
    spans: list[list[int]] = []
    for h in hours:
        if spans and spans[-1][1] == h:
            spans[-1][1] = h + 1
        else:
            spans.append([h, h + 1])
    return ", ".join(f"{a:02d}:00-{b:02d}:00" for a, b in spans)
