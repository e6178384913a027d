"""The balanced scorecard: a few weighted KPIs with targets, turned into one score from 0 to 1.

A classroom session ranks teams on it (``cxsim host``'s leaderboard), so a trainer can say what
"doing well" means in this scenario: profit alone rewards cutting the service that keeps
customers; a scorecard weighs it against what customers remember. Each measure scores 0 at its
``baseline`` and 1 at its ``target`` (linear between, clamped), whichever way round they are, so
"fewer is better" is a target below its baseline. The score is the weighted mean of the measures
that have a value: a KPI nobody has a value for yet (no customer surveyed on the first day) is left
out and the other weights count, rather than scoring a team zero for what no team can have.

``per_day = true`` divides a KPI by the days played so far, so a total such as profit compares
teams at any moment of a session, and a session shortened with ``--days``, on the same target.

A file without a ``[scorecard]`` gets ``DEFAULT_SCORECARD``: three customer-experience measures
on their natural scales, with equal weights (no profit: it has no scale every scenario shares).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, model_validator

from sim.scenario.types import Strict

MINUTES_PER_DAY = 1440.0


class Measure(Strict):
    """One KPI of the scorecard: scores 0 at ``baseline``, 1 at ``target`` (a target below the baseline: lower is better)."""

    kpi: str = Field(
        min_length=1, max_length=120,
        description="The results key it reads, as a lesson's kpi (money.profit, experience.affected.nps, ...).",
    )  # fmt: skip
    label: str = Field("", max_length=60, description="What the dashboard calls it (default: the key).")
    weight: float = Field(1.0, gt=0, le=100, description="Its weight in the score (weights are normalised to sum to 1).")
    baseline: float = Field(description="The value that scores 0 (and anything worse).")
    target: float = Field(description="The value that scores 1 (and anything better).")
    per_day: bool = Field(False, description="Divide the KPI by the days played so far (for totals such as profit).")

    @model_validator(mode="after")
    def _apart(self) -> Measure:
        if self.target == self.baseline:
            raise ValueError("target and baseline must differ (the score runs from baseline to target)")
        return self

    @property
    def name(self) -> str:
        """The label, or the key when it has none."""
        return self.label or self.kpi

    def value(self, kpis: Mapping[str, float | None], sim_minutes: float) -> float | None:
        """The KPI as this measure reads it (per day if asked); None when it has no value yet."""
        raw = kpis.get(self.kpi)
        if raw is None:
            return None
        if not self.per_day:
            return float(raw)
        days = sim_minutes / MINUTES_PER_DAY
        return float(raw) / days if days > 0 else None

    def score(self, value: float | None) -> float | None:
        """0 at the baseline, 1 at the target, linear between and clamped; None without a value."""
        if value is None:
            return None
        return min(1.0, max(0.0, (value - self.baseline) / (self.target - self.baseline)))


class Scorecard(Strict):
    """The balanced scorecard teams are ranked on in a classroom session (``cxsim host``): weighted KPIs with targets."""

    title: str = Field("Balanced scorecard", min_length=1, max_length=80, description="Its title on the dashboard.")
    measures: list[Measure] = Field(
        min_length=1, max_length=12, description="The KPIs it weighs, each scoring 0 at its baseline and 1 at its target."
    )

    @property
    def kpis(self) -> list[str]:
        """The results keys the measures read, without repeats, in order."""
        return list(dict.fromkeys(m.kpi for m in self.measures))

    def scores(self, kpis: Mapping[str, float | None], sim_minutes: float) -> list[float | None]:
        """Each measure's score (None where its KPI has no value yet)."""
        return [m.score(m.value(kpis, sim_minutes)) for m in self.measures]

    def score(self, kpis: Mapping[str, float | None], sim_minutes: float) -> float | None:
        """The weighted mean of the measures' scores that have a value, 0..1; None when none has one."""
        pairs = [(m.weight, s) for m, s in zip(self.measures, self.scores(kpis, sim_minutes), strict=True) if s is not None]
        total = sum(w for w, _ in pairs)
        return sum(w * s for w, s in pairs) / total if total > 0 else None


DEFAULT_SCORECARD = Scorecard(
    title="Customer experience (default scorecard)",
    measures=[
        Measure(kpi="experience.affected.nps", label="NPS of customers hit by a failure", baseline=-100, target=100),
        Measure(kpi="experience.repeat_purchase_rate", label="repeat purchase", baseline=0, target=1),
        Measure(kpi="experience.contacted.csat_mean", label="CSAT of callers (1-5)", baseline=1, target=5),
    ],
)
"""What a scenario without a ``[scorecard]`` is scored on: every KPI on its full scale, equal weights."""


def scorecard_of(declared: Scorecard | None) -> Scorecard:
    """The scorecard a session ranks teams on: the scenario's own, else ``DEFAULT_SCORECARD``."""
    return declared if declared is not None else DEFAULT_SCORECARD
