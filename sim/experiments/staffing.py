"""Agents needed per interval of the week for a service-level target: Erlang C, Erlang A, then checked by simulation.

Why: a whole-run service level hides the Monday-morning peak (docs/experiments.md), and staffing
is decided interval by interval. ``cxsim staff`` answers "how many agents does each half hour
need to answer 80 % within 20 s?" three ways, each a check on the one before:

1. **The load** of each interval (weekday x time of day, as ``sim.results.intervals`` keys it) is
   measured, not derived: a few replications of the scenario as written, with the interval
   observer, count the contacts offered to the channel in each interval. That count already holds
   the rate profile by weekday and hour, campaigns, the routing share that reaches the channel and
   the callers who come back after a failure or an abandoned call. Contacts blocked by an outage
   are left out: no agent can answer them. Handle time and patience are the channel's means
   (patience scaled by the segments' ``patience_factor``, weighted by who uses the channel).
2. **Erlang C and Erlang A** (``sim.experiments.erlang``) give the fewest agents reaching the
   target at that stationary load.
3. **The simulation** runs the scenario with the Erlang A agents as a shifts table and adds an
   agent to every interval whose mean service level misses the target, round after round,
   until every interval meets it or the rounds run out. It sees what the formulas cannot: queues
   that carry over from one interval to the next, non-exponential handle times, retries.

The service level judged is the interval KPIs' own (answered within the target / answered +
abandoned + call-backs + balked), without the contacts blocked by an outage, for the reason above.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.clock import MINUTES_PER_DAY, WEEKDAYS
from sim.experiments.erlang import agents_erlang_a, agents_erlang_c
from sim.experiments.stats import Interval, mean_interval
from sim.scenario.distributions import Exponential
from sim.scenario.schema import Scenario, Staffed

Shift = dict[str, Any]  # a scenario shift: {"start": "HH:MM", "end": "HH:MM", "agents": n, "days": [...]}


class TargetError(ValueError):
    """A service-level target that is not 'PERCENT/SECONDS'."""


@dataclass(frozen=True)
class Target:
    """A service-level target: ``level`` (0-1) of contacts answered within ``answer_sec`` seconds."""

    level: float
    answer_sec: float

    @property
    def label(self) -> str:
        """'80 % within 20 s'."""
        return f"{self.level * 100:g} % within {self.answer_sec:g} s"


def parse_target(text: str) -> Target:
    """'80/20' -> 80 % answered within 20 s; a TargetError saying the format otherwise."""
    fmt = "a target is PERCENT/SECONDS, e.g. 80/20 for 80 % answered within 20 s"
    percent, sep, seconds = text.strip().partition("/")
    try:
        level, answer = float(percent.strip().rstrip("%")), float(seconds.strip().rstrip("s"))
    except ValueError:
        raise TargetError(f"{fmt} (got '{text}')") from None
    if not sep or not (math.isfinite(level) and math.isfinite(answer)):
        raise TargetError(f"{fmt} (got '{text}')")
    if not 1 <= level < 100:
        raise TargetError(f"the percentage must be from 1 to below 100, 80 for 80 % (got {level:g} in '{text}'); {fmt}")
    if answer <= 0:
        raise TargetError(f"the seconds must be above 0 (got {answer:g} in '{text}'); {fmt}")
    return Target(level / 100.0, answer)


@dataclass(frozen=True)
class ChannelModel:
    """What the formulas need of a channel: mean handle time and patience (minutes) and slots per agent."""

    handle_min: float
    patience_min: float | None  # None: customers never abandon
    concurrency: int
    exponential_patience: bool

    @property
    def mu(self) -> float:
        """Service rate of one slot, per minute."""
        return 1.0 / self.handle_min

    @property
    def theta(self) -> float:
        """Abandonment rate, per minute (0 without patience)."""
        return 0.0 if self.patience_min is None else 1.0 / self.patience_min


def patience_factor(scenario: Scenario, spec: Staffed) -> float:
    """The segments' mean ``patience_factor``, weighted by share x preference for this channel (by share if nobody prefers it)."""
    weights = {name: seg.share * seg.channel_preferences.get(spec.channel, 0.0) for name, seg in scenario.segments.items()}
    if not sum(weights.values()):
        weights = {name: seg.share for name, seg in scenario.segments.items()}
    total = sum(weights.values())
    if not total:
        return 1.0
    return sum(scenario.segments[name].patience_factor * w for name, w in weights.items()) / total


def channel_model(scenario: Scenario, channel: str) -> ChannelModel:
    """The channel's means from its spec (handle_min, patience_min x the segments' patience factor, concurrency)."""
    spec = scenario.staffed()[channel]
    patience = None if spec.patience_min is None else spec.patience_min.mean_value() * patience_factor(scenario, spec)
    return ChannelModel(
        handle_min=spec.handle_min.mean_value(),
        patience_min=patience,
        concurrency=spec.concurrency,
        exponential_patience=isinstance(spec.patience_min, Exponential),
    )


def agents_needed(offered_per_hour: float, model: ChannelModel, target: Target) -> tuple[int, int]:
    """Fewest agents by Erlang C and by Erlang A for this stationary load (slots / concurrency, rounded up)."""
    lam = offered_per_hour / 60.0
    t = target.answer_sec / 60.0
    c = agents_erlang_c(lam, model.mu, t, target.level)
    a = agents_erlang_a(lam, model.mu, model.theta, t, target.level)
    return math.ceil(c / model.concurrency), math.ceil(a / model.concurrency)


# --- the interval grid of the week ------------------------------------------------------------------


def cells_per_week(minutes: int) -> int:
    """Intervals of ``minutes`` in a week."""
    return 7 * (MINUTES_PER_DAY // minutes)


def cell_key(cell: int, minutes: int) -> tuple[str, str]:
    """(weekday, 'HH:MM') of a cell of the week, 0 = Monday 00:00."""
    per_day = MINUTES_PER_DAY // minutes
    start = (cell % per_day) * minutes
    return WEEKDAYS[cell // per_day], f"{start // 60:02d}:{start % 60:02d}"


def occurrences(warmup_min: float, horizon_min: float, minutes: int) -> list[float]:
    """How many times each cell of the week occurs in [warm-up, horizon), in whole intervals (a part counts its share).

    Offered contacts are counted per cell over every week of the run; this turns them into a
    rate per occurrence (all the Mondays 09:00 of a 4-week run are 4 occurrences).
    """
    cells = cells_per_week(minutes)
    out = [0.0] * cells
    t = warmup_min
    while t < horizon_min:
        k = int(t // minutes)
        end = min((k + 1) * minutes, horizon_min)
        out[k % cells] += (end - t) / minutes
        t = end
    return out


def staffing_shifts(levels: Sequence[int], minutes: int) -> list[Shift]:
    """A shifts table that puts ``levels[k]`` agents on duty in cell k: one shift per run of equal levels within a day."""
    per_day = MINUTES_PER_DAY // minutes
    out: list[Shift] = []
    for day in range(7):
        row = levels[day * per_day : (day + 1) * per_day]
        i = 0
        while i < per_day:
            j = i
            while j < per_day and row[j] == row[i]:
                j += 1
            if row[i] > 0:
                out.append(
                    {"start": _clock(i * minutes), "end": _clock(j * minutes), "agents": int(row[i]), "days": [WEEKDAYS[day]]}
                )
            i = j
    return out


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def with_shifts(raw: dict[str, Any], channel: str, shifts: list[Shift]) -> dict[str, Any]:
    """A copy of scenario data whose channel is staffed by ``shifts`` (``agents = 0`` when there are none)."""
    import copy

    data = copy.deepcopy(raw)
    table = data["touchpoints"][channel]
    table.pop("agents", None)
    table.pop("shifts", None)
    if shifts:
        table["shifts"] = shifts
    else:
        table["agents"] = 0
    return data


# --- measuring a run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunJob:
    """One replication of a scenario whose interval cells for ``channel`` are wanted."""

    scenario: Scenario
    policy: str | None
    seed: int
    days: float | None
    minutes: int
    channel: str


@dataclass(frozen=True)
class CellCounts:
    """One run's counts of one cell: contacts the channel could take (blocked left out) and those answered in target."""

    offered: int
    outcomes: int
    in_target: int


def run_cells(job: RunJob) -> list[CellCounts]:
    """Run one replication with the interval observer; per cell of the week, its counts (top-level: worker processes run it)."""
    from sim.engine.simulation import Simulation
    from sim.results.intervals import IntervalStats

    sim = Simulation(job.scenario, policy=job.policy, seed=job.seed, horizon_days=job.days)
    stats = IntervalStats.watch(sim, job.minutes)
    sim.run()
    c = stats.channels[job.channel]
    stats.rows(job.channel, sim.now)  # closes the levels at the horizon
    return [
        CellCounts(
            offered=c.offered[k] - c.blocked[k],
            outcomes=c.answered[k] + c.abandoned[k] + c.callbacks[k] + c.balked[k],
            in_target=c.in_target[k],
        )
        for k in range(stats.cells)
    ]


def run_all(jobs: Sequence[RunJob], workers: int, on_done: Callable[[], None] | None = None) -> list[list[CellCounts]]:
    """Run the jobs on ``workers`` processes (in this one if 1); results in job order."""
    results: list[list[CellCounts] | None] = [None] * len(jobs)
    if workers <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            results[i] = run_cells(job)
            if on_done:
                on_done()
    else:
        from sim.experiments.workers import run_on_workers

        def keep(i: int, result: list[CellCounts]) -> None:
            results[i] = result
            if on_done:
                on_done()

        run_on_workers(run_cells, jobs, workers, keep)
    return [r for r in results if r is not None]


def offered_per_hour(runs: Sequence[Sequence[CellCounts]], occurs: Sequence[float], minutes: int) -> list[Interval | None]:
    """Per cell, the mean contacts offered per hour over the replications with its 95 % CI (None: the run never covers it)."""
    out: list[Interval | None] = []
    for k, times in enumerate(occurs):
        if not times:
            out.append(None)
            continue
        out.append(mean_interval([run[k].offered / times * 60.0 / minutes for run in runs]))
    return out


def service_levels(runs: Sequence[Sequence[CellCounts]]) -> list[Interval | None]:
    """Per cell, the mean service level over the replications that had contacts there, with its 95 % CI (None: none had).

    The Student t interval is clipped to [0, 1]: a share cannot be above 100 %, however few the replications.
    """
    out: list[Interval | None] = []
    for k in range(len(runs[0])):
        values = [run[k].in_target / run[k].outcomes for run in runs if run[k].outcomes]
        if not values:
            out.append(None)
            continue
        iv = mean_interval(values)
        out.append(Interval(iv.mean, max(0.0, iv.low), min(1.0, iv.high), iv.n))
    return out


# --- the whole calculation ----------------------------------------------------------------------------


@dataclass
class StaffingPlan:
    """The agents each cell of the week needs, three ways, and how the simulation's staffing did."""

    minutes: int
    target: Target
    model: ChannelModel
    occurs: list[float]
    offered: list[Interval | None]  # contacts offered per hour, measured
    erlang_c: list[int]
    erlang_a: list[int]
    simulation: list[int]
    service_level: list[Interval | None]  # achieved with ``simulation`` agents
    rounds: int
    seeds: list[int]
    runs: int = 0
    missed: list[int] = field(default_factory=list)  # cells still below the target at the last round

    def covered(self) -> list[int]:
        """The cells the run covers (after its warm-up), in week order."""
        return [k for k, times in enumerate(self.occurs) if times]


Progress = Callable[[str, int], None]  # (what, runs) before a batch; the runs' on_done advances it


def plan_staffing(
    scenario: Scenario, raw: dict[str, Any], name: str, channel: str, target: Target, minutes: int, *,
    policy: str | None, seeds: Sequence[int], days: float | None, workers: int, max_rounds: int = 8,
    max_extra: int = 20, on_batch: Progress | None = None, on_done: Callable[[], None] | None = None,
) -> StaffingPlan:  # fmt: skip
    """Measure the load, size each cell by Erlang C and A, and check (and raise) the Erlang A agents by simulation.

    Each round runs ``seeds`` with the current agents as a shifts table; every cell whose mean
    service level is below the target gets one more agent, at most ``max_extra`` above Erlang A
    (a cell an outage keeps below the target would otherwise grow for ever).
    """
    from sim.scenario.loader import validate_data

    model = channel_model(scenario, channel)
    horizon = (days if days is not None else scenario.horizon_days) * MINUTES_PER_DAY
    warmup = min(scenario.warmup_days * MINUTES_PER_DAY, horizon)
    occurs = occurrences(warmup, horizon, minutes)

    def batch(s: Scenario, what: str) -> list[list[CellCounts]]:
        if on_batch:
            on_batch(what, len(seeds))
        jobs = [RunJob(s, policy, seed, days, minutes, channel) for seed in seeds]
        return run_all(jobs, workers, on_done)

    measured = batch(scenario, "measuring the load")
    offered = offered_per_hour(measured, occurs, minutes)
    needs = [agents_needed(iv.mean, model, target) if iv is not None else (0, 0) for iv in offered]
    erlang_c = [c for c, _ in needs]
    erlang_a = [a for _, a in needs]
    levels = list(erlang_a)
    runs = len(seeds)
    rounds = 0
    service: list[Interval | None] = []
    missed: list[int] = []
    while True:
        rounds += 1
        staffed = validate_data(with_shifts(raw, channel, staffing_shifts(levels, minutes)), name).scenario
        results = batch(staffed, f"simulation check, round {rounds}")
        runs += len(seeds)
        service = service_levels(results)
        missed = [k for k, iv in enumerate(service) if iv is not None and occurs[k] and iv.mean < target.level]
        growing = [k for k in missed if levels[k] < erlang_a[k] + max_extra]
        if not growing or rounds >= max_rounds:
            break
        for k in growing:
            levels[k] += 1
    return StaffingPlan(
        minutes=minutes, target=target, model=model, occurs=occurs, offered=offered, erlang_c=erlang_c, erlang_a=erlang_a,
        simulation=levels, service_level=service, rounds=rounds, seeds=list(seeds), runs=runs, missed=missed,
    )  # fmt: skip


# --- the roster ---------------------------------------------------------------------------------------


def roster_shifts(counts: dict[Any, int], minutes: int) -> list[Shift]:
    """Scenario shifts for a cover's counts (``sim.experiments.roster.Pattern`` -> agents), grouped by weekday.

    A shift past midnight is written as two, as the format asks (Sunday 22:00-06:00 is Sunday
    22:00-24:00 and Monday 00:00-06:00); shifts with the same hours and agents share one entry
    with their weekdays listed.
    """
    per_day = MINUTES_PER_DAY // minutes
    pieces: dict[tuple[int, int, int], int] = {}  # (weekday, start minute, end minute) -> agents
    for p, agents in counts.items():
        day, start = divmod(p.start, per_day)
        begin, end = start * minutes, start * minutes + p.length * minutes
        while end > begin:
            stop = min(end, MINUTES_PER_DAY)
            key = (day % 7, begin, stop)
            pieces[key] = pieces.get(key, 0) + agents
            day, begin, end = day + 1, 0, end - MINUTES_PER_DAY
    grouped: dict[tuple[int, int, int], list[int]] = {}
    for (day, begin, stop), agents in sorted(pieces.items()):
        grouped.setdefault((begin, stop, agents), []).append(day)
    return [
        {"start": _clock(begin), "end": _clock(stop), "agents": agents, "days": [WEEKDAYS[d] for d in sorted(days)]}
        for (begin, stop, agents), days in sorted(grouped.items())
    ]


def roster_patterns(counts: dict[Any, int], minutes: int) -> list[dict[str, Any]]:
    """The roster as a manager reads it: each shift's start day and time, its end (next day if past midnight), hours, agents.

    Shifts of the same hours and agents on several weekdays are one row with their days listed,
    earliest start first.
    """
    per_day = MINUTES_PER_DAY // minutes
    grouped: dict[tuple[int, int, int], list[int]] = {}
    for p, agents in counts.items():
        day, start = divmod(p.start, per_day)
        grouped.setdefault((start * minutes, p.length * minutes, agents), []).append(day)
    rows = []
    for (begin, length, agents), days in sorted(grouped.items()):
        end = begin + length
        rows.append(
            {
                "days": [WEEKDAYS[d] for d in sorted(days)], "start": _clock(begin), "end": _clock(end % MINUTES_PER_DAY if end > MINUTES_PER_DAY else end),
                "next_day": end > MINUTES_PER_DAY, "hours": length / 60, "agents": agents,
            }
        )  # fmt: skip
    return rows


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's for these characters)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def _toml_key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() and name.isascii() else _toml_string(name)


def shifts_toml(shifts: list[Shift]) -> str:
    """``shifts = [...]`` as one TOML line per shift (the value a ``[touchpoints.NAME]`` table takes)."""
    if not shifts:
        return "agents = 0\n"
    lines = ["shifts = ["]
    for s in shifts:
        days = ", ".join(_toml_string(d) for d in s["days"])
        lines.append(f'  {{ start = "{s["start"]}", end = "{s["end"]}", agents = {s["agents"]}, days = [{days}] }},')
    lines.append("]")
    return "\n".join(lines) + "\n"


def shifts_inline(shifts: list[Shift]) -> str:
    """The shifts as one TOML inline array, the value of ``--set touchpoints.NAME.shifts=...``."""
    items = []
    for s in shifts:
        days = ",".join(_toml_string(d) for d in s["days"])
        items.append(f'{{start="{s["start"]}",end="{s["end"]}",agents={s["agents"]},days=[{days}]}}')
    return "[" + ",".join(items) + "]"


def fragment_toml(channel: str, shifts: list[Shift], header: Sequence[str]) -> str:
    """A scenario fragment: comment lines, then ``[touchpoints.NAME]`` with its ``shifts``.

    Pasted over the channel's ``agents`` or ``shifts`` line of the scenario it staffs the channel
    with the roster; its ``shifts`` value is also what ``--set touchpoints.NAME.shifts=`` takes.
    """
    comments = "".join(f"# {line}\n" for line in header)
    return f"{comments}[touchpoints.{_toml_key(channel)}]\n{shifts_toml(shifts)}"
