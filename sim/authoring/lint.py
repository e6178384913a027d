"""``cxsim lint``: things that are valid but probably wrong, found before a training session.

Validation says whether a file *can* run; linting says whether it will *play* well: touchpoints
no customer reaches, a decision that never comes up, options that do the same thing, staffing
that cannot keep up with the work (or has almost none), the load returning customers add, responses
nothing uses, numbers in the wrong unit (a 3-minute outage, a 5-hour call, arrivals that cannot be
meant), a horizon too short for customers to come back, a scenario that states no lesson, a
failure that hits almost nobody, a lesson whose two sides never differ.
Each finding is a located warning, ``FILE:LINE: key.path: warning: ...``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from sim.authoring.flow import visits_from
from sim.authoring.lessons import Side, lesson_value, sides
from sim.clock import MINUTES_PER_DAY
from sim.engine.simulation import Simulation
from sim.engine.staffing import agents_at, staffing_timeline
from sim.errors import Problem
from sim.experiments.experiment import run_flat
from sim.experiments.workload import LIMIT, NOTICE, Workload, amount, customers_per_run, describe, repeated
from sim.records import DecisionRequested
from sim.rng import replication_seeds
from sim.scenario.loader import LoadedScenario, _located
from sim.scenario.schema import (
    CONTACT,
    FailureTrigger,
    KpiTrigger,
    OpeningHours,
    RandomFailure,
    Scenario,
    ScheduledFailure,
    Shift,
    Staffed,
)
from sim.scenario.toml_lines import KeyLines
from sim.session.paths import path_choices

TRIGGER_RUNS = 20
TRIGGER_CUSTOMERS = 200_000  # new customers the trigger check simulates at most, over all its runs (seconds, not minutes)
WEEK_MIN = 7 * MINUTES_PER_DAY


def lint(loaded: LoadedScenario, text: str, *, allow_large: bool = False, play: bool = False) -> list[Problem]:
    """Every warning for a loaded scenario (``text`` is its source, for line numbers).

    The seeded runs that look for silent decisions are skipped, with a warning saying so, when
    they would simulate more customers than cxsim runs without asking, unless ``allow_large``.
    """
    lines = KeyLines(text)
    s = loaded.scenario
    seeded = allow_large or not seeded_workload(s).large
    found: list[tuple[tuple[str | int, ...], str]] = [
        *identical_options(s),
        *contact_routes_on_failing_steps(s),
        *overloaded_channels(s),
        *idle_channels(s),
        *busy_channels(s),
        *unanswered_hours(s),
        *unused_responses(s),
        *short_outages(s),
        *long_handle_times(s),
        *short_horizon(s),
        *implausible_arrivals(s),
        *large_runs(s),
        *(silent_decisions(s) if seeded else unchecked_decisions(s)),
        *(played_checks(s) if play and (allow_large or played_customers(s) <= PLAYED_CUSTOMERS) else ()),
        *missing_lessons(s),
    ]
    return [*loaded.warnings, *(_located(loaded.path, lines, path, "warning: " + msg) for path, msg in found)]


def identical_options(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Two options of one decision that apply the same responses: the choice makes no difference."""
    for name, dec in s.decisions.items():
        seen: dict[tuple[str, ...], str] = {}
        for opt_name, opt in dec.options.items():
            key = tuple(sorted(opt.responses))
            if key in seen:
                yield (
                    ("decisions", name, "options", opt_name),
                    f"does the same as option '{seen[key]}' (same responses), so the choice makes no difference",
                )
            else:
                seen[key] = opt_name


def contact_routes_on_failing_steps(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """An ``on_failure`` route that sends customers to contact from a self-service step that has failures.

    When the step fails because of one of its failures, whether the customer contacts is the
    complaint model's decision (severity, the notice in force), once; the route's contact share
    is ignored (docs/authoring.md, "Who contacts the brand, and how often"). It still applies to
    the step's natural failures, if it has any.
    """
    staffed = s.staffed()
    service = {n for n, spec in staffed.items() if spec.stage == "service"} or set(staffed)
    failing: dict[str, list[str]] = {}
    for name, failure in s.failures.items():
        failing.setdefault(failure.touchpoint, []).append(name)
    for src, route in s.journey.routes.items():
        spec = s.touchpoints.get(src)
        if src not in failing or spec is None or isinstance(spec, Staffed):
            continue
        tables: list[tuple[tuple[str | int, ...], dict[str, float]]] = [(("journey", "routes", src, "on_failure"), route.on_failure)]
        tables += [
            (("journey", "routes", src, "segments", seg, "on_failure"), o.on_failure)
            for seg, o in route.segments.items()
            if o.on_failure is not None
        ]
        for path, targets in tables:
            contact = sum(p for t, p in targets.items() if t == CONTACT or t in service)
            if contact <= 0:
                continue
            natural = (
                f"it applies only to the step's natural failures (success_probability {spec.success_probability:g})"
                if spec.success_probability < 1
                else "the step never fails otherwise (success_probability 1), so it is never used"
            )
            yield (
                path,
                f"sends {contact:.0%} of customers to contact, but when '{src}' fails because of "
                f"{', '.join(repr(f) for f in failing[src])} the complaint model decides who contacts (severity, the notice "
                f"in force) and this share is ignored; {natural}",
            )


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


def unused_responses(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Responses no policy, decision option or standing rule applies: they never happen, in any run or game."""
    used = {r for policy in s.policies.values() for r in (*policy.at_start, *policy.on_failure)}
    used |= {r for dec in s.decisions.values() for opt in dec.options.values() for r in opt.responses}
    for name in s.responses:
        if name not in used:
            yield (
                ("responses", name),
                "no policy, decision option or standing rule uses it, so it never happens: add it to a policy's "
                "at_start or on_failure, or to a decision option's responses, or delete it",
            )


SHORT_OUTAGE_MIN = 10.0  # an outage shorter than this is usually hours written as minutes (3 for 180)
LONG_HANDLE_MIN = 120.0  # a contact longer than this is usually seconds or hours written as minutes


def short_outages(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Failures that last (or take to repair) under ``SHORT_OUTAGE_MIN`` minutes: probably hours meant, and they hit almost nobody."""
    for name, failure in s.failures.items():
        if isinstance(failure, ScheduledFailure) and failure.duration_min < SHORT_OUTAGE_MIN:
            yield (
                ("failures", name, "duration_min"),
                f"the outage lasts {_count(failure.duration_min)} and hits almost nobody: duration_min is in minutes "
                "(180 for three hours)",
            )
        elif isinstance(failure, RandomFailure) and failure.mttr_min.mean_value() < SHORT_OUTAGE_MIN:
            yield (
                ("failures", name, "mttr_min"),
                f"each failure is repaired in {_count(failure.mttr_min.mean_value())} on average and hits almost nobody: "
                "mttr_min is in minutes (60 for an hour)",
            )


def _count(x: float, unit: str = "minute") -> str:
    """3 as '3 minutes', 1 as '1 minute' (or another unit)."""
    return f"{x:g} {unit}" + ("" if x == 1 else "s")


def long_handle_times(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Staffed channels whose contacts take over ``LONG_HANDLE_MIN`` minutes on average: probably seconds or hours written as minutes."""
    for name, spec in s.staffed().items():
        mean = spec.handle_min.mean_value()
        if mean > LONG_HANDLE_MIN:
            yield (
                ("touchpoints", name, "handle_min"),
                f"a contact takes {mean:g} minutes on average ({mean / 60:.1f} hours): handle_min is in minutes "
                "(6 for a six-minute call; a case worked over days is better a failure's mttr_min or a delay_min)",
            )


def implausible_arrivals(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Arrivals that cannot be meant for the horizon: under one customer in the whole run, or over ``NOTICE`` (a million).

    Above cxsim's limit for a run, ``large_runs`` says so instead.
    """
    n = customers_per_run(s)
    where = ("arrivals", "customers_per_hour")
    if n < 1:
        yield (
            where,
            f"about {n:.2g} new customers arrive in the whole run of {_count(s.horizon_days, 'day')}: customers_per_hour is per hour "
            "(24 a day is 1), and the hour and weekday profiles multiply it",
        )
    elif NOTICE < n <= LIMIT:
        yield (
            where,
            f"about {n:,.0f} new customers arrive in {_count(s.horizon_days, 'day')} ({n / (s.horizon_days * 24):,.0f} an hour on "
            "average): customers_per_hour is per hour, not per day; runs of this size take minutes each",
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
            and (not spec.opening_hours or agents_at(_as_shifts(spec.opening_hours), weekday, hour * 60) > 0)
        })  # fmt: skip
        if gaps:
            yield (
                ("touchpoints", name, "shifts"),
                f"no agent is on duty at {_hours(gaps)} while {name} is open and customers arrive: their contacts queue "
                "for nobody and count as abandoned; if the line is closed then, say so with opening_hours "
                '(e.g. opening_hours = [{ start = "08:00", end = "22:00" }]), or staff those hours',
            )


def _as_shifts(hours: list[OpeningHours]) -> list[Shift]:
    return [Shift(start=h.start, end=h.end, agents=1, days=h.days) for h in hours]


def _hours(hours: list[int]) -> str:
    """[0, 1, 2, 22, 23] as '00:00-03:00, 22:00-24:00'."""
    spans: list[list[int]] = []
    for h in hours:
        if spans and spans[-1][1] == h:
            spans[-1][1] = h + 1
        else:
            spans.append([h, h + 1])
    return ", ".join(f"{a:02d}:00-{b:02d}:00" for a, b in spans)


def short_horizon(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """A run shorter than the time customers take to come back: repeat purchases cannot show."""
    m = s.customer_model
    if not (m.enabled and m.feedback):
        return
    days = m.loyalty.repeat_after_days.mean_value()
    if s.horizon_days < days:
        yield (
            ("horizon_days",),
            f"{s.horizon_days:g} days is shorter than the {days:g} days customers take on average to come back, so repeat "
            "purchases barely show: lengthen the run, or set [customer_model] feedback = false for a queueing study",
        )


def chancy_decisions(s: Scenario) -> list[str]:
    """Decisions on random failures or KPI thresholds: whether they come up takes seeded runs to tell."""
    return [
        name
        for name, dec in s.decisions.items()
        if isinstance(dec.trigger, KpiTrigger)
        or (isinstance(dec.trigger, FailureTrigger) and isinstance(s.failures.get(dec.trigger.failure), RandomFailure))
    ]


def seeded_workload(s: Scenario, runs: int = TRIGGER_RUNS) -> Workload:
    """The customers of the seeded runs ``silent_decisions`` does (none if no decision needs them)."""
    n = runs if chancy_decisions(s) else 0
    return repeated(customers_per_run(s), n, f"{n} seeded runs")


def large_runs(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """One run of the scenario is more than cxsim runs without --allow-large: probably a typo in the rates."""
    one = repeated(customers_per_run(s), 1, "")
    if one.large:
        yield (
            ("arrivals", "customers_per_hour"),
            f"one run of {s.horizon_days:g} days brings {describe(one)}, more than the {amount(LIMIT)} cxsim runs "
            "without asking: run, compare and play will need --allow-large; lower the rate or shorten horizon_days",
        )


def unchecked_decisions(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The seeded runs were skipped as too large: say which decisions were not checked."""
    work = seeded_workload(s)
    for name in chancy_decisions(s)[:1]:
        yield (
            ("decisions", name, "trigger"),
            f"decisions on random triggers were not checked: {work.runs} seeded runs would simulate about "
            f"{amount(work.customers)} customers; add --allow-large to check them",
        )


def silent_decisions(
    s: Scenario, runs: int = TRIGGER_RUNS, customers: float = TRIGGER_CUSTOMERS
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Decisions on random failures or KPI thresholds that never come up in ``runs`` seeded runs.

    The check simulates about ``customers`` new customers at most: a busy scenario gets fewer
    runs, and one whose single run brings more gets only the first days of one run checked (so
    lint answers in seconds on any valid file). The budget depends only on the file: the same
    file always gets the same check.
    """
    chancy = chancy_decisions(s)
    if not chancy:
        return
    fired: set[str] = set()

    def watch(record: object) -> None:
        if isinstance(record, DecisionRequested):
            fired.add(record.decision)

    horizon = s.horizon_days * MINUTES_PER_DAY
    per_min = arrivals_per_min(s)
    per_run = per_min * horizon
    span = horizon
    if per_run > customers:
        runs, span = 1, max(customers / per_min, 1.0)
    elif per_run > 0:
        runs = max(1, min(runs, int(customers // per_run)))
    for seed in replication_seeds(s.seed, runs):
        sim = Simulation(s, seed=seed, observers=[watch])
        while sim.now < span and not set(chancy) <= fired:
            before = sim.now
            sim.advance_to(min(sim.now + MINUTES_PER_DAY, span))
            if sim.now <= before:  # pragma: no cover - a run that answers by policy never pauses
                break
        if set(chancy) <= fired:
            return
    if span < horizon:
        checked = f"the first {span / MINUTES_PER_DAY:.3g} days of a seeded run (the whole run brings about {per_run:,.0f} customers)"
    else:
        checked = f"{runs} seeded run{'s' if runs > 1 else ''} of the whole horizon"
    for name in chancy:
        if name not in fired:
            yield (("decisions", name, "trigger"), f"never came up in {checked}: trainees may never see it")


def missing_lessons(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """A scenario that states no lesson cannot be checked by ``cxsim preview`` or the tests."""
    if not s.lessons:
        yield (("lessons",), "the scenario states no [[lessons]]: add one so `cxsim preview` can check what it teaches")


FEW_HIT = 1  # a failure that hits fewer customers in a run teaches nothing (the small teaching files hit 1 to 4: a higher bar needs them redesigned)
PLAYED_CUSTOMERS = 70_000  # the played checks run only while they stay this small (lint answers in seconds)


def played_customers(s: Scenario) -> float:
    """New customers the played checks would simulate: one run per side of the lessons, and the default policy."""
    return customers_per_run(s) * len({default_side(s), *(side for lesson in s.lessons for side in sides(s, lesson))})


def default_side(s: Scenario) -> Side:
    """What the game plays (the default policy and its answers), as the lessons' sides name it, so one run serves both."""
    if any(lesson.on_paths for lesson in s.lessons):
        return Side(s.default_policy_name, tuple(sorted(path_choices(s, None, {}).items())))
    return Side(s.default_policy_name)


def played_checks(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """What one run of each side of the lessons shows, on the scenario's seed.

    A failure that hits fewer than ``FEW_HIT`` customers (none) gives its decision and lessons
    nobody to be about (a 3-minute outage written where 180 was meant). A lesson whose two sides
    (policies, or the trainee's decision paths) give exactly the same value cannot be taught by
    the choices it compares: no number of replications will show a difference.
    """
    pairs = [sides(s, lesson) for lesson in s.lessons]
    default = default_side(s)  # what the game plays: the failures' hits are counted on it
    wanted = list(dict.fromkeys([default, *(side for pair in pairs for side in pair)]))
    flat = {side: run_flat(s, side.policy, side.choices) for side in wanted}
    first = flat[default]
    too_short = {path[1] for path, _ in short_outages(s)}  # already said: one mistake, one warning
    for name in s.failures:
        hit = first.get(f"failures.{name}.customers_affected", 0.0)
        if hit < FEW_HIT and name not in too_short:
            yield (
                ("failures", name),
                f"hit {hit:.0f} customers in a run of policy '{default.policy}' on seed {s.seed}: nobody to teach anything about "
                "(a longer duration, a busier touchpoint, or a random failure that comes more often?)",
            )
    for i, (lesson, (mine, base)) in enumerate(zip(s.lessons, pairs, strict=True)):
        a, b = lesson_value(lesson, flat[mine]), lesson_value(lesson, flat[base])
        if a is not None and b is not None and a == b:
            what = "decision paths" if lesson.on_paths else "policies"
            yield (
                ("lessons", i, "kpi"),
                f"the two {what} give exactly the same {lesson.kpi} ({a:g}) on seed {s.seed}: the choices they compare "
                "cannot move it, so no number of replications will show the lesson",
            )
