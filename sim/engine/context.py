"""``RunContext``: what the processes of one run are handed, and nothing more.

SimPy's processes are generator functions that get their environment and their dependencies
passed in; cxsim's get one ``RunContext``: the environment, the scenario and policy, the random
streams and keyed draws, the record channels (``emit`` and the ``hot`` fast path), the
touchpoints, the router, and the three boards that hold a run's shared state (incidents,
outcomes, decisions). A process can be tested with a context built by hand, and no process
module imports ``Simulation``.

The boards are typed by the protocols below, not by their classes, so this module sits below
every process module in the import graph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Generator
from typing import TYPE_CHECKING, Any, Literal, Protocol

import simpy

from sim.engine.channels import StaffedChannel
from sim.engine.entities import Customer, Incident
from sim.engine.hot_records import HotRecords
from sim.engine.routing import Router
from sim.engine.touches import Touches
from sim.records import Record
from sim.rng import KeyedUniform, RandomStreams
from sim.scenario.customer_model import CustomerModel
from sim.scenario.distributions import Sampler
from sim.scenario.schema import Policy, Scenario

if TYPE_CHECKING:
    from sim.effects.base import AgentPool, IncidentHandle, TouchSpec


class Touchpoint(Protocol):
    """One touchpoint at run time, of the kind its scenario table names (see ``sim.engine.touchpoints``)."""

    name: str
    stage: str

    def visit(self, ctx: RunContext, customer: Customer) -> Generator[simpy.Event, Any, bool]:
        """Spend the customer's time here; return True if they got what they came for."""
        ...


class IncidentBoard(Protocol):
    """Incidents in progress and who they affect (``sim.engine.incidents``)."""

    incidents: list[Incident]
    standing: dict[str, frozenset[str] | None]

    def active(self) -> list[Incident]: ...

    def active_names(self) -> set[str]: ...

    def add_rule(self, name: str, failures: Collection[str] = ()) -> None: ...

    def answers(self, name: str, incident: Incident) -> bool: ...

    def start(self, incident: Incident) -> None: ...

    def end(self, incident: Incident) -> None: ...

    def release(self, incident: Incident) -> None: ...

    def affect(self, customer: Customer, incident: Incident, *, voice: bool) -> None: ...

    def send_needless_notices(self, incident: Incident, reached: int) -> None: ...

    def detect_draw(self, incident: Incident) -> float: ...


class OutcomeBoard(Protocol):
    """What happens after journeys (``sim.engine.outcomes``)."""

    pending: deque[tuple[float, Customer]]
    nwom_pool: int
    thanks_reviewers: bool
    thanks_cost: float

    def journey_ended(self, customer: Customer) -> None: ...


class PopulationBoard(Protocol):
    """Where customers come from (``sim.engine.population``)."""

    def pick_segment(self, draw: Sampler) -> str: ...

    def new_customer(self, seg_name: str, source: Literal["new", "referral"], cid: int) -> None: ...


class DecisionTrigger(Protocol):
    """What a failure tells the decision points (``sim.engine.decisions.DecisionBoard``)."""

    def failure_started(self, incident: Incident) -> None: ...


class KeyedDraws:
    """The keyed uniform draws of one run: the same (customer, journey) faces the same dice under every policy."""

    __slots__ = ("detect", "deter", "needless", "transfer", "voice")

    def __init__(self, seed: int) -> None:
        self.voice = KeyedUniform(seed, "voice")
        self.detect = KeyedUniform(seed, "detect")
        self.deter = KeyedUniform(seed, "deter")
        self.transfer = KeyedUniform(seed, "transfer")
        self.needless = KeyedUniform(seed, "needless")


class RunContext:
    """Everything the processes of one run share (see the module docstring)."""

    __slots__ = (
        "channels",
        "decisions",
        "draws",
        "emit",
        "env",
        "halt_at_decisions",
        "horizon",
        "hot",
        "incident_at",
        "incidents",
        "interactive",
        "model",
        "order_value",
        "outcomes",
        "policy",
        "population",
        "request_pause",
        "router",
        "scenario",
        "seed",
        "streams",
        "touches",
        "touchpoints",
        "tracks_experience",
    )

    # Set once the boards exist (they are built with the context).
    incidents: IncidentBoard
    outcomes: OutcomeBoard
    decisions: DecisionTrigger
    population: PopulationBoard

    def __init__(
        self, *, env: simpy.Environment, scenario: Scenario, policy: Policy, seed: int, interactive: bool, horizon: float,
        emit: Callable[[Record], None], hot: HotRecords, request_pause: Callable[[], None],
    ) -> None:  # fmt: skip
        self.env = env
        self.scenario = scenario
        self.policy = policy
        self.seed = seed
        self.interactive = interactive
        self.halt_at_decisions = False  # stop advance_to at every decision, pausing or not (autoplay answers at once)
        self.horizon = horizon
        self.emit = emit
        self.hot = hot
        self.request_pause = request_pause
        self.streams = RandomStreams(seed)
        self.draws = KeyedDraws(seed)
        self.model: CustomerModel = scenario.customer_model
        self.tracks_experience = self.model.enabled
        self.channels: dict[str, StaffedChannel] = {}  # the touchpoints with agents, by name
        self.touchpoints: dict[str, Touchpoint] = {}
        self.incident_at: dict[str, Incident] = {}  # the newest incident in progress at each failing touchpoint
        self.router = Router(scenario, self.streams)
        self.order_value: dict[str, Sampler] = {}
        self.touches = Touches(scenario, seed, env, emit)  # experience touches in force and product moments

    # --- what response effects may use (sim.effects.base.EffectContext) -----------------------------------

    def active_incidents(self) -> list[IncidentHandle]:
        """Incidents still in progress, oldest first."""
        return list(self.incidents.active())

    def agent_pool(self, touchpoint: str) -> AgentPool:
        """The staffed touchpoint ``touchpoint``'s agents."""
        return self.channels[touchpoint]

    def thank_reviewers(self, cost_per_reviewer: float) -> None:
        """From now on every reviewer hears back personally, at ``cost_per_reviewer`` each."""
        self.outcomes.thanks_reviewers = True
        self.outcomes.thanks_cost = cost_per_reviewer

    def start_touch(self, touch: TouchSpec) -> None:
        """From now on every visit to ``touch.at`` that goes as expected carries the touch, for its audience."""
        self.touches.start(touch)
