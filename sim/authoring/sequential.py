"""Sequential stopping for lesson checks: stop adding replications once every lesson is settled.

``cxsim preview --watch`` refines the lessons' verdicts in the background. It runs the paired
replications in batches and looks at the intervals after each batch; a lesson is *settled* when
its interval clears zero or its margin (it holds, or is contradicted), or when no replication
differs at all (more of them cannot help: ``LessonResult.unchanged``). Settled lessons keep the
verdict of the look that settled them and their sides stop running; the check ends when every
lesson is settled or the cap is reached.

Looking more than once gives chance more than one try at an interval that misses zero by luck:
five looks at 95 % would wrongly declare an effect more often than 5 % of the time. The plan
therefore fixes the looks in advance (after ``first`` replications, then every ``step``, up to
``cap``) and makes every look's interval wider: each uses confidence ``1 - alpha / looks``
(Bonferroni over the looks), so the chance that *any* look of a lesson wrongly says it holds (or
is contradicted) stays at most ``alpha``. That is conservative: a verdict that needs all 20
replications may stay "not shown" where a single 95 % look at 20 (``cxsim preview --reps 20``)
would call it. The replication seeds are the first seeds of the fixed-size check, so a watch
that runs to the cap ran the same replications as ``cxsim preview --reps CAP``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.authoring.lessons import LessonResult, Runs, Side, judge, lesson_jobs, sides
from sim.experiments.experiment import Job
from sim.rng import replication_seeds
from sim.scenario.schema import Scenario

ALPHA = 0.05  # the chance, per lesson, that any look wrongly settles it


@dataclass(frozen=True)
class Plan:
    """When to look: after ``first`` replications, then every ``step``, never past ``cap``."""

    cap: int = 20
    first: int = 5
    step: int = 5

    def __post_init__(self) -> None:
        if not 2 <= self.first <= self.cap or self.step < 1:
            raise ValueError(f"a sequential plan needs 2 <= first <= cap and step >= 1 (got {self})")

    @property
    def looks(self) -> tuple[int, ...]:
        """The replication counts at which the intervals are looked at, the cap last."""
        points = list(range(self.first, self.cap, self.step))
        return (*points, self.cap)

    @property
    def confidence(self) -> float:
        """Each look's confidence level: ``1 - ALPHA / looks`` (0.9875 for looks at 5, 10, 15 and 20)."""
        return 1 - ALPHA / len(self.looks)

    def next_look(self, done: int) -> int | None:
        """The replication count of the next look after ``done`` replications; None once the cap is reached."""
        return next((n for n in self.looks if n > done), None)


def settled(result: LessonResult) -> bool:
    """A lesson needs no more replications: it holds, is contradicted, or no replication differs."""
    return result.holds or result.contradicted or result.unchanged


@dataclass
class Verdict:
    """A lesson's latest judgement, and the replications it rests on."""

    result: LessonResult
    reps: int
    settled: bool


@dataclass
class Refinement:
    """One sequential lesson check: which jobs to run for the next look, and the verdicts so far.

    It runs nothing itself (``cxsim preview --watch`` runs the jobs on its own cancellable pool):
    ``next_jobs`` gives the jobs up to the next look, only for the sides an unsettled lesson
    still needs, and ``add`` takes their results back and judges every unsettled lesson.
    """

    scenario: Scenario
    data: bytes
    name: str
    days: float | None = None
    plan: Plan = field(default_factory=Plan)
    runs: Runs = field(default_factory=dict)
    done: int = 0
    verdicts: list[Verdict | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pairs = [sides(self.scenario, lesson) for lesson in self.scenario.lessons]
        self.seeds = replication_seeds(self.scenario.seed, self.plan.cap)
        self.verdicts = [None] * len(self.pairs)

    @property
    def finished(self) -> bool:
        """Every lesson settled, or the cap reached (or there is no lesson to check)."""
        return self.done >= self.plan.cap or all(v is not None and v.settled for v in self.verdicts)

    @property
    def stopped_early(self) -> bool:
        return self.finished and self.done < self.plan.cap

    def needed(self) -> list[Side]:
        """The sides of the lessons not yet settled, each once."""
        open_pairs = [p for p, v in zip(self.pairs, self.verdicts, strict=True) if v is None or not v.settled]
        return list(dict.fromkeys(side for pair in open_pairs for side in pair))

    def next_jobs(self) -> list[Job]:
        """The jobs that bring the unsettled lessons' sides to the next look ([] when finished)."""
        upto = self.plan.next_look(self.done)
        if upto is None or self.finished:
            return []
        return lesson_jobs(self.data, self.name, self.needed(), self.seeds[self.done : upto], self.days)

    def add(self, jobs: Sequence[Job], results: Sequence[dict[str, float]]) -> None:
        """Take the results of ``next_jobs`` (in its order) and judge every lesson not yet settled."""
        for job, run in zip(jobs, results, strict=True):
            self.runs.setdefault(Side(job.policy, job.choices), []).append(run)
        self.done = self.plan.next_look(self.done) or self.done
        for i, (lesson, pair) in enumerate(zip(self.scenario.lessons, self.pairs, strict=True)):
            verdict = self.verdicts[i]
            if verdict is not None and verdict.settled:
                continue
            window = {side: self.runs[side][: self.done] for side in pair}
            result = judge(self.scenario, lesson, pair, window, self.plan.confidence)
            self.verdicts[i] = Verdict(result, self.done, settled(result))
