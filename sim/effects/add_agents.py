"""Add agents: extra agents on a staffed touchpoint, for a while or for the rest of the run."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.effects.base import EffectContext, IncidentHandle, Operational
from sim.effects.move_agents import shift_agents
from sim.scenario.types import Name


class AddAgents(Operational):
    """Bring extra agents onto a staffed touchpoint."""

    effect: Literal["add_agents"]
    touchpoint: Name = Field(description="Staffed touchpoint that gets the agents.")
    agents: int = Field(ge=1, description="Number of extra agents.")
    for_hours: float | None = Field(None, gt=0, description="How long they stay, hours; omit for the rest of the run.")

    def apply(self, ctx: EffectContext, incident: IncidentHandle | None) -> None:
        shift_agents(ctx, None, self.touchpoint, self.agents, self.for_hours)
