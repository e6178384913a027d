"""What every response effect is: a table of the scenario format that also carries its behaviour.

A response is something the brand does (apologise, fix the failure, add agents...). Each kind
of response, an *effect*, is one class in one module of this package, registered in
``sim.effects.EFFECTS``. The class is at once:

- the pydantic model of its TOML table (``effect = "..."`` plus its own keys, each with a
  description: the format reference and the JSON Schema are generated from it);
- its documentation (the class docstring heads its section in docs/scenario-format.md);
- its behaviour: an *operational* effect changes the running system in ``apply``; a
  *customer-facing* one is put in force for an incident and reaches each affected customer
  (on contact, or first when a notice goes out), adding to the recovery quality through
  ``recovery_component``.

Effects see the running simulation only through ``EffectContext``, a small protocol the engine's
``RunContext`` satisfies, so this package never imports the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

from pydantic import Field

from sim.scenario.types import Strict

if TYPE_CHECKING:
    import simpy

RecoveryComponent = Literal["apology", "compensation"]


class AgentPool(Protocol):
    """A staffed touchpoint as effects see it: its extra agents and its call-back offer."""

    @property
    def extra_agents(self) -> int: ...

    def set_staffing(self, *, scheduled: int | None = None, extra: int | None = None) -> None: ...

    def offer_callbacks(self, offer_after_wait_min: float, accept_probability: float) -> None: ...


class IncidentHandle(Protocol):
    """An incident as effects see it."""

    name: str
    fix_applied: bool

    @property
    def active(self) -> bool: ...

    @property
    def fixed(self) -> simpy.Event: ...


class TouchSpec(Protocol):
    """An experience touch as the engine reads it (``sim.effects.touch.Touch``)."""

    @property
    def at(self) -> str: ...

    @property
    def affect(self) -> float: ...

    @property
    def audience(self) -> str: ...

    @property
    def cost_per_customer(self) -> float: ...


class EffectContext(Protocol):
    """What an operational effect may touch in a running simulation."""

    @property
    def env(self) -> simpy.Environment: ...

    def active_incidents(self) -> list[IncidentHandle]: ...

    def agent_pool(self, touchpoint: str) -> AgentPool: ...

    def thank_reviewers(self, cost_per_reviewer: float) -> None: ...

    def start_touch(self, touch: TouchSpec) -> None: ...


class ResponseSpec(Strict):
    """Base of every response table: the keys every effect takes."""

    label: str = Field("", description="What the brand does, in a few words (shown on decision cards).")
    cost_fixed: float = Field(0.0, ge=0, description="One-off cost when the response is applied, currency.")
    cost_per_customer: float = Field(0.0, ge=0, description="Cost for each customer it reaches, currency.")

    # Set by each effect class:
    attaches: ClassVar[bool] = False  # put in force for incidents and delivered to affected customers
    recovery_component: ClassVar[RecoveryComponent | None] = None
    after_incident: ClassVar[bool] = False  # delivered once the incident is over (a follow-up), not on contact
    per_incident: ClassVar[bool] = False  # answers one incident at a time, so a standing rule repeats it for each new one

    def apply(self, ctx: EffectContext, incident: IncidentHandle | None) -> None:
        """Change the running system now (operational effects); ``incident`` is the failure answered, if any."""

    @property
    def target_failure(self) -> str | None:
        """The one failure this response is for (a fix of the crash), or None: it answers whatever failure it is applied to."""
        return None

    @property
    def callers_only(self) -> bool:
        """Delivered only to customers who contact service, never with a notice or a follow-up."""
        return False

    def effect_tag(self) -> str:
        """The ``effect`` tag of this table, as the trainer wrote it."""
        tag: str = getattr(self, "effect")  # noqa: B009  (each effect class declares it as a Literal)
        return tag

    def compensation_amount(self, order_value: float = 0.0) -> float:
        """Value given to each customer reached, currency (compensation only); ``order_value`` is their order's."""
        return 0.0


class CustomerFacing(ResponseSpec):
    """Reaches affected customers: on contact (reactive) or first, with a notice in force (proactive)."""

    attaches: ClassVar[bool] = True
    per_incident: ClassVar[bool] = True


class Operational(ResponseSpec):
    """Changes the system at once: fixes, staffing, call-back offers."""


def after(env: simpy.Environment, minutes: float, action: Callable[[], None]) -> None:
    """Run ``action`` ``minutes`` from now (at once for 0)."""
    if minutes <= 0:
        action()
    else:
        env.timeout(minutes).callbacks.append(lambda _event: action())
