"""Thank reviewers: every later reviewer hears back personally (their next attitude rises a little)."""

from __future__ import annotations

from typing import Literal

from sim.effects.base import EffectContext, IncidentHandle, Operational


class ThankReviewers(Operational):
    """Answer reviewers with thanks (and perhaps early access)."""

    effect: Literal["thank_reviewers"]

    def apply(self, ctx: EffectContext, incident: IncidentHandle | None) -> None:
        ctx.thank_reviewers(self.cost_per_customer)
