"""Check a scenario's stated lessons over paired replications.

A lesson says "this side gives a higher (lower, or the same) KPI than its baseline", where a
side is a policy or a *decision path* (the answers a trainee can give, on the default policy:
``sim.session.paths``). Both sides run on the same seeds, so they meet the same customers and
failures, and the lesson is judged on the paired differences: "higher" holds when the 95 %
interval of the difference lies wholly above zero, "lower" below it, and "same" when it lies
wholly within plus or minus the lesson's margin (an equivalence test: two one-sided tests at
2.5 % each, conservative). ``cxsim preview`` and ``cxsim lint --lessons`` run this for trainers;
the test suite runs it on every bundled scenario with 20 replications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.experiments.experiment import Job, run_jobs
from sim.experiments.stats import Interval, paired_interval
from sim.results.kpis import DAILY_RATES
from sim.rng import replication_seeds
from sim.scenario.schema import Lesson, Scenario
from sim.session.paths import describe_path, path_choices


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a policy, with a decision path's answers (empty for a policy lesson)."""

    policy: str
    choices: tuple[tuple[str, str], ...] = ()


def sides(scenario: Scenario, lesson: Lesson) -> tuple[Side, Side]:
    """(the side the lesson is about, its baseline)."""
    if not lesson.on_paths:
        return Side(lesson.policy_name), Side(lesson.baseline_name)
    policy = scenario.default_policy_name
    mine = path_choices(scenario, lesson.answers, lesson.choices)
    base = path_choices(scenario, lesson.baseline_answers, lesson.baseline_choices)
    return Side(policy, tuple(sorted(mine.items()))), Side(policy, tuple(sorted(base.items())))


def side_names(scenario: Scenario, lesson: Lesson) -> tuple[str, str]:
    """The two sides in words, as preview prints them."""
    if not lesson.on_paths:
        return lesson.policy_name, lesson.baseline_name
    return describe_path(scenario, lesson.answers, lesson.choices), describe_path(
        scenario, lesson.baseline_answers, lesson.baseline_choices
    )


def lesson_value(lesson: Lesson, flat: dict[str, float]) -> float | None:
    """The lesson's KPI in one replication's flattened results (a window of days summed, rates averaged)."""
    if lesson.days is None:
        return flat.get(lesson.kpi)
    first, last = lesson.days
    values = [flat[k] for d in range(first, last + 1) if (k := f"daily.{lesson.kpi}.{d}") in flat]
    if not values:
        return None
    return sum(values) / len(values) if lesson.kpi in DAILY_RATES else sum(values)


@dataclass(frozen=True)
class LessonResult:
    """A lesson with the paired difference (side - baseline) it was judged on.

    ``reason`` says why, when the difference is exactly zero in every replication (or the KPI has
    no value): then more replications cannot help, and the verdict says what to change instead.
    """

    lesson: Lesson
    difference: Interval
    baseline_mean: float
    names: tuple[str, str] = ("", "")
    reason: str = ""
    confidence: float = 0.95  # of the interval: a sequential check's looks are wider (sim.authoring.sequential)

    @property
    def holds(self) -> bool:
        d, lesson = self.difference, self.lesson
        if d.n == 0:
            return False
        if lesson.direction == "same":
            margin = lesson.margin or 0.0
            return -margin < d.low and d.high < margin
        return d.low > 0 if lesson.direction == "higher" else d.high < 0

    @property
    def contradicted(self) -> bool:
        """The interval lies wholly on the wrong side: of zero, or (for "same") outside the margin."""
        d, lesson = self.difference, self.lesson
        if d.n == 0 or self.holds:
            return False
        if lesson.direction == "same":
            margin = lesson.margin or 0.0
            return d.low > margin or d.high < -margin
        return d.high < 0 if lesson.direction == "higher" else d.low > 0

    @property
    def unchanged(self) -> bool:
        """No replication differs, or none has the KPI: more replications would not change the verdict."""
        d = self.difference
        return d.n == 0 or (d.low == d.high == 0 and not self.holds)

    @property
    def verdict(self) -> str:
        if self.holds:
            return "holds"
        d = self.difference
        if d.n == 0:
            return f"not measured ({self.reason or 'the KPI is missing from the runs'})"
        if d.low == d.high == 0:
            why = self.reason or "the sides never differ on this KPI"
            return f"not shown (no difference in any replication: {why})"
        if self.contradicted:
            return (
                "contradicted (the difference is larger than the margin)" if self.lesson.direction == "same" else "contradicted"
            )
        if self.lesson.direction == "same":
            return "not shown (the interval reaches past the margin: more replications?)"
        return "not shown (the interval spans 0: more replications?)"


Runs = dict[Side, list[dict[str, float]]]


def zero_reason(scenario: Scenario, lesson: Lesson, pair: tuple[Side, Side], runs: Runs) -> str:
    """Why a lesson's KPI is the same (or missing) in every replication, in words a trainer can act on.

    A failure that hit nobody makes its own KPIs and those of affected customers zero or empty
    on both sides; two sides that ran identically (the same answers in effect) agree on every
    KPI. Neither is a matter of more replications. "" when none of these explains it.
    """
    both = [*runs[pair[0]], *runs[pair[1]]]
    kpi = lesson.kpi
    if kpi.startswith("failures."):
        failure = kpi.split(".")[1]
        if all(r.get(f"failures.{failure}.customers_affected", 0.0) == 0 for r in both):
            return f"no customer was affected by {failure} in any replication"
    if kpi.startswith(("experience.affected.", "recovery.")) and all(
        r.get("recovery.customers_affected", 0.0) == 0 for r in both
    ):
        return "no customer was hit by a failure in any replication"
    if all(a == b for a, b in zip(runs[pair[0]], runs[pair[1]], strict=True)):
        what = "decision paths" if lesson.on_paths else "policies"
        return f"the {what} did the same thing: every result is identical in every replication"
    return ""


def judge(scenario: Scenario, lesson: Lesson, pair: tuple[Side, Side], runs: Runs, confidence: float = 0.95) -> LessonResult:
    """Judge one lesson on the replications in ``runs`` (the same seeds, in the same order, for both sides)."""
    mine, base = pair
    names = side_names(scenario, lesson)
    values = [(lesson_value(lesson, b), lesson_value(lesson, a)) for a, b in zip(runs[mine], runs[base], strict=True)]
    pairs = [(x, y) for x, y in values if x is not None and y is not None]
    if not pairs:
        return LessonResult(lesson, Interval(0.0, 0.0, 0.0, 0), 0.0, names, zero_reason(scenario, lesson, pair, runs), confidence)
    base_values = [x for x, _ in pairs]
    difference = paired_interval(base_values, [y for _, y in pairs], confidence)
    reason = zero_reason(scenario, lesson, pair, runs) if difference.low == difference.high == 0 else ""
    return LessonResult(lesson, difference, sum(base_values) / len(base_values), names, reason, confidence)


def lesson_jobs(data: bytes, name: str, needed: list[Side], seeds: list[int], days: float | None) -> list[Job]:
    """One job per seed and side, seed by seed (so the first jobs to finish cover the first seeds)."""
    return [Job(data, name, side.policy, seed, days, choices=side.choices) for seed in seeds for side in needed]


def check_lessons(
    data: bytes,
    name: str,
    scenario: Scenario,
    *,
    reps: int = 20,
    workers: int = 1,
    days: float | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[LessonResult]:
    """Run every side a lesson needs on ``reps`` shared seeds and judge each lesson."""
    pairs_of = [sides(scenario, lesson) for lesson in scenario.lessons]
    needed = list(dict.fromkeys(s for pair in pairs_of for s in pair))
    if not needed:
        return []
    jobs = lesson_jobs(data, name, needed, replication_seeds(scenario.seed, reps), days)
    results = run_jobs(jobs, workers, on_done)
    runs: Runs = {side: [] for side in needed}
    for job, result in zip(jobs, results, strict=True):
        runs[Side(job.policy, job.choices)].append(result)
    return [judge(scenario, lesson, pair, runs) for lesson, pair in zip(scenario.lessons, pairs_of, strict=True)]
