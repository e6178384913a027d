"""Fix: repair a failure, so it ends ``after_min`` minutes from now."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from sim.effects.base import EffectContext, IncidentHandle, Operational, after
from sim.scenario.types import Name


class Fix(Operational):
    """Repair the failure: it ends after_min minutes from now."""

    effect: Literal["fix"]
    per_incident: ClassVar[bool] = True
    failure: Name | None = Field(None, description="Failure to fix; default the one that triggered the response.")
    after_min: float = Field(0.0, ge=0, description="Minutes from the decision until the fix takes effect.")

    @property
    def target_failure(self) -> str | None:
        return self.failure

    def apply(self, ctx: EffectContext, incident: IncidentHandle | None) -> None:
        target = incident
        if self.failure is not None:
            target = next((i for i in ctx.active_incidents() if i.name == self.failure), None)
        if target is None or not target.active:
            return
        target.fix_applied = True
        fixed = target.fixed

        def end_now() -> None:
            if not fixed.triggered:
                fixed.succeed()

        after(ctx.env, self.after_min, end_now)
