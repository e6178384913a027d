"""``cxsim lint``: things that are valid but probably wrong, found before a training session.

Validation says whether a file *can* run; linting says whether it will *play* well: touchpoints
no customer reaches, a decision that never comes up, options that do the same thing, more
options than the game's decision card shows, staffing that cannot keep up with the work (or
has almost none), the load returning customers add, responses nothing uses, numbers in the
wrong unit (a 3-minute outage, a 5-hour call, arrivals that cannot be meant), a horizon too
short for customers to come back, a scenario that states no lesson, a failure that hits almost
nobody, a lesson whose two sides never differ.
Each finding is a located warning, ``FILE:LINE: key.path: warning: ...``.
"""

from __future__ import annotations

from collections.abc import Iterator

from sim.authoring.lessons import Side, lesson_value, sides
from sim.authoring.lint_staffing import arrivals_per_min, busy_channels, idle_channels, overloaded_channels, unanswered_hours
from sim.clock import MINUTES_PER_DAY
from sim.engine.simulation import Simulation
from sim.errors import Problem
from sim.experiments.experiment import run_flat
from sim.experiments.workload import LIMIT, NOTICE, Workload, amount, customers_per_run, describe, repeated
from sim.records import DecisionRequested
from sim.rng import replication_seeds
from sim.scenario.loader import LoadedScenario, _located
from sim.scenario.schema import (
    CONTACT,
    GAME_OPTIONS,
    FailureTrigger,
    KpiTrigger,
    RandomFailure,
    Scenario,
    ScheduledFailure,
    Staffed,
)
from sim.scenario.toml_lines import KeyLines
from sim.session.paths import path_choices

TRIGGER_RUNS = 20
TRIGGER_CUSTOMERS = 200_000  # new customers the trigger check simulates at most, over all its runs (seconds, not minutes)
WEEK_MIN = 7 * MINUTES_PER_DAY


def lint(
    loaded: LoadedScenario, text: str, *, allow_large: bool = False, play: bool = False, runs: bool = True
) -> list[Problem]:  # fmt: skip
    """Every warning for a loaded scenario (``text`` is its source, for line numbers).

    The seeded runs that look for silent decisions are skipped, with a warning saying so, when
    they would simulate more customers than cxsim runs without asking, unless ``allow_large``.
    Without ``runs`` only the checks that read the file are made, none that simulates (the
    watch shows those at every save: they take milliseconds, the seeded runs up to seconds).
    """
    lines = KeyLines(text)
    s = loaded.scenario
    seeded = allow_large or not seeded_workload(s).large
    found: list[tuple[tuple[str | int, ...], str]] = [
        *identical_options(s),
        *crowded_decisions(s),
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
        *((silent_decisions(s) if seeded else unchecked_decisions(s)) if runs else ()),
        *(played_checks(s) if runs and play and (allow_large or played_customers(s) <= PLAYED_CUSTOMERS) else ()),
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


def crowded_decisions(s: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """A decision with more options than the game's card shows: a trainee playing it cannot pick the last ones.

    Headless (run, compare, sweep, preview) a policy answers and any number is fine, so this is
    a lint warning about playing, never a validation error.
    """
    for name, dec in s.decisions.items():
        extra = len(dec.options) - GAME_OPTIONS
        if extra > 0:
            hidden = ", ".join(f"'{o}'" for o in list(dec.options)[GAME_OPTIONS:])
            yield (
                ("decisions", name, "options"),
                f"{len(dec.options)} options: the game's decision card shows {GAME_OPTIONS} (keys 1-{GAME_OPTIONS}), so a trainee "
                f"playing it cannot choose {hidden}; fine headless, where policies answer",
            )


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
