"""Offer call-backs: waiting customers may take a call back instead of holding."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.effects.base import EffectContext, IncidentHandle, Operational
from sim.scenario.types import Name, Probability


class OfferCallback(Operational):
    """Start offering call-backs on a staffed touchpoint."""

    effect: Literal["offer_callback"]
    touchpoint: Name = Field(description="Staffed touchpoint that offers call-backs.")
    offer_after_wait_min: float = Field(2.0, gt=0, description="Offer once a customer has waited this long, minutes.")
    accept_probability: Probability = Field(0.37, description="Chance a customer accepts.")

    def apply(self, ctx: EffectContext, incident: IncidentHandle | None) -> None:
        ctx.agent_pool(self.touchpoint).offer_callbacks(self.offer_after_wait_min, self.accept_probability)
