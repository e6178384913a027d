"""Touch: an experience touch the brand designs into a step of the journey (a handwritten note, eco packaging, early access).

Unlike a recovery, a touch answers no failure: once applied (by a policy's ``at_start``, a
decision option or a command) it is in force for the rest of the run, and every later visit to
its touchpoint that goes as expected feels ``affect`` better, for everyone or only for customers
a failure hit this journey. Each customer reached costs ``cost_per_customer``. The engine's
side is ``sim.engine.touches``; the moment's equation and the sources are in docs/model.md §9.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.effects.base import EffectContext, IncidentHandle, Operational
from sim.scenario.types import Name

DEFAULT_TOUCH_AFFECT = 0.20  # as large as a delight (customer_model.moments.delight_bonus): X, see docs/model.md §9


class Touch(Operational):
    """Add an experience touch to a self-service step from now on (a handwritten note, eco packaging, early access)."""

    effect: Literal["touch"]
    at: Name = Field(description="Self-service touchpoint where the customer receives it, e.g. delivery.")
    affect: float = Field(
        DEFAULT_TOUCH_AFFECT,
        ge=-1,
        le=1,
        description=(
            "Extra affect of that step's moment (-1 to 1; a delight is 0.2, a step as expected 0.1). Felt only when"
            " the visit goes as expected: a failed or delayed step keeps its failure moment."
        ),
    )
    audience: Literal["everyone", "affected"] = Field(
        "everyone", description="Who receives it: 'everyone', or 'affected' (customers a failure hit this journey)."
    )

    def apply(self, ctx: EffectContext, incident: IncidentHandle | None) -> None:
        ctx.start_touch(self)
