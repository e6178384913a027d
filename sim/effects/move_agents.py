"""Move agents: take agents off one staffed touchpoint and put them on another."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.clock import MINUTES_PER_HOUR
from sim.effects.base import EffectContext, IncidentHandle, Operational
from sim.scenario.types import Name


class MoveAgents(Operational):
    """Move agents from one staffed touchpoint to another."""

    effect: Literal["move_agents"]
    from_touchpoint: Name = Field(description="Staffed touchpoint that gives up agents.")
    touchpoint: Name = Field(description="Staffed touchpoint that receives them.")
    agents: int = Field(ge=1, description="Number of agents moved.")
    for_hours: float | None = Field(None, gt=0, description="How long they stay, hours; omit for the rest of the run.")

    def apply(self, ctx: EffectContext, incident: IncidentHandle | None) -> None:
        shift_agents(ctx, self.from_touchpoint, self.touchpoint, self.agents, self.for_hours)


def shift_agents(ctx: EffectContext, source: str | None, target: str, agents: int, for_hours: float | None) -> None:
    """Move ``agents`` extra agents from ``source`` (None: from nowhere) to ``target``, back after ``for_hours``."""

    def move(sign: int) -> None:
        if source is not None:
            src = ctx.agent_pool(source)
            src.set_staffing(extra=src.extra_agents - sign * agents)
        dst = ctx.agent_pool(target)
        dst.set_staffing(extra=dst.extra_agents + sign * agents)

    move(+1)
    if for_hours is not None:
        ctx.env.timeout(for_hours * MINUTES_PER_HOUR).callbacks.append(lambda _event: move(-1))
