"""Check a scenario's stated lessons over paired replications.

A lesson says "policy gives a higher (or lower) KPI than baseline". It holds when the 95 %
confidence interval of the paired difference (same seeds, so the same customers and failures)
lies wholly on the stated side of zero. ``cxsim preview`` runs this for trainers; the test
suite runs it on every bundled scenario with 20 replications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.experiments.experiment import Job, plan, run_jobs
from sim.experiments.stats import Interval, paired_interval
from sim.scenario.schema import Lesson, Scenario


@dataclass(frozen=True)
class LessonResult:
    """A lesson with the paired difference (policy - baseline) it was judged on."""

    lesson: Lesson
    difference: Interval
    baseline_mean: float

    @property
    def holds(self) -> bool:
        d = self.difference
        return d.low > 0 if self.lesson.direction == "higher" else d.high < 0

    @property
    def verdict(self) -> str:
        if self.holds:
            return "holds"
        d = self.difference
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
    """Run every policy a lesson needs on ``reps`` shared seeds and judge each lesson."""
    policies = list(dict.fromkeys(p for lesson in scenario.lessons for p in (lesson.baseline, lesson.policy)))
    if not policies:
        return []
    jobs: list[Job] = plan(data, name, policies, scenario.seed, reps, days)
    results = run_jobs(jobs, workers, on_done)
    runs: dict[str, list[dict[str, float]]] = {p: [] for p in policies}
    for job, result in zip(jobs, results, strict=True):
        runs[job.policy].append(result)
    out = []
    for lesson in scenario.lessons:
        pairs = [
            (a[lesson.kpi], b[lesson.kpi])
            for a, b in zip(runs[lesson.baseline], runs[lesson.policy], strict=True)
            if lesson.kpi in a and lesson.kpi in b
        ]
        if not pairs:
            out.append(LessonResult(lesson, Interval(0.0, 0.0, 0.0, 0), 0.0))
            continue
        base = [x for x, _ in pairs]
        out.append(LessonResult(lesson, paired_interval(base, [y for _, y in pairs]), sum(base) / len(base)))
    return out
