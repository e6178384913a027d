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
from typing import Any

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
    """A lesson with the paired difference (side - baseline) it was judged on."""

    lesson: Lesson
    difference: Interval
    baseline_mean: float
    names: tuple[str, str] = ("", "")

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
    def verdict(self) -> str:
        if self.holds:
            return "holds"
        d = self.difference
        if d.n == 0:
            return "not measured (the KPI is missing from the runs)"
        if d.low == d.high == 0:
            return "not shown (no difference in any replication: the sides never differ on this KPI)"
        if self.lesson.direction == "same":
            margin = self.lesson.margin or 0.0
            if d.low > margin or d.high < -margin:
                return "contradicted (the difference is larger than the margin)"
            return "not shown (the interval reaches past the margin: more replications?)"
        spans = d.low <= 0 <= d.high
        return "not shown (the interval spans 0: more replications?)" if spans else "contradicted"


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
    seeds = replication_seeds(scenario.seed, reps)
    jobs = [Job(data, name, side.policy, seed, days, choices=side.choices) for seed in seeds for side in needed]
    results = run_jobs(jobs, workers, on_done)
    runs: dict[Side, list[dict[str, Any]]] = {side: [] for side in needed}
    for job, result in zip(jobs, results, strict=True):
        runs[Side(job.policy, job.choices)].append(result)
    out = []
    for lesson, (mine, base) in zip(scenario.lessons, pairs_of, strict=True):
        names = side_names(scenario, lesson)
        values = [(lesson_value(lesson, b), lesson_value(lesson, a)) for a, b in zip(runs[mine], runs[base], strict=True)]
        pairs = [(x, y) for x, y in values if x is not None and y is not None]
        if not pairs:
            out.append(LessonResult(lesson, Interval(0.0, 0.0, 0.0, 0), 0.0, names))
            continue
        base_values = [x for x, _ in pairs]
        difference = paired_interval(base_values, [y for _, y in pairs])
        out.append(LessonResult(lesson, difference, sum(base_values) / len(base_values), names))
    return out
