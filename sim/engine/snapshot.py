"""What a view may read of a running simulation: a frozen snapshot of its state at one instant.

Front ends (the game, a dashboard) draw from this instead of reaching into the engine's
channels and incidents, so the engine can change inside without breaking them. A snapshot is
plain data: frozen dataclasses, tuples and read-only mappings, detached from the run (taking
one changes nothing, and the run going on does not change it).

``take_snapshot`` reads only the engine's public contract, described by ``SimulationView``
below, so this module imports nothing of the engine and any object with those attributes
(a test double, a recorded run) can be snapshotted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

# --- what take_snapshot reads (the engine's public contract) -------------------------------------


class _FailureSpec(Protocol):
    @property
    def touchpoint(self) -> str: ...
    @property
    def effect(self) -> str: ...
    @property
    def severity(self) -> float: ...


class IncidentView(Protocol):
    """An incident in progress, as the engine exposes it."""

    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> _FailureSpec: ...
    @property
    def started(self) -> float: ...
    @property
    def affected_count(self) -> int: ...


class ChannelView(Protocol):
    """A staffed channel, as the engine exposes it."""

    @property
    def agents(self) -> int: ...
    @property
    def busy(self) -> int: ...
    @property
    def free(self) -> int: ...
    @property
    def waiting(self) -> int: ...
    @property
    def concurrency(self) -> int: ...


class _DecisionSpec(Protocol):
    @property
    def pause(self) -> bool: ...
    @property
    def respond_within_min(self) -> float | None: ...


class PendingView(Protocol):
    """A decision waiting for an answer, as the engine exposes it."""

    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> _DecisionSpec: ...
    @property
    def since(self) -> float: ...
    @property
    def incident(self) -> IncidentView | None: ...


class SimulationView(Protocol):
    """The parts of a ``Simulation`` a snapshot reads (all of them kept stable by the engine)."""

    @property
    def now(self) -> float: ...
    @property
    def horizon(self) -> float: ...
    @property
    def finished(self) -> bool: ...
    @property
    def paused(self) -> bool: ...
    @property
    def scenario(self) -> Scenario: ...
    @property
    def policy_name(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def channels(self) -> Mapping[str, ChannelView]: ...
    @property
    def pending_decisions(self) -> Mapping[str, PendingView]: ...
    def active_incidents(self) -> Sequence[IncidentView]: ...


# --- the snapshot ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncidentState:
    """A failure in progress: which touchpoint, what it does, since when, how many it hit so far."""

    name: str
    touchpoint: str
    effect: str
    severity: float
    started: float
    affected: int


@dataclass(frozen=True, slots=True)
class TouchpointState:
    """One touchpoint now. Staffing and queue are zero for self-service touchpoints."""

    name: str
    kind: Literal["staffed", "self_service"]
    stage: str
    agents: int = 0  # agents on duty
    busy: int = 0  # service slots in use (an agent has ``concurrency`` slots)
    free: int = 0  # service slots free
    queue: int = 0  # customers waiting
    concurrency: int = 1
    incident: IncidentState | None = None  # the newest failure in progress here, if any

    @property
    def staffed(self) -> bool:
        return self.kind == "staffed"

    @property
    def slots(self) -> int:
        """Service slots on duty: agents times the contacts each handles at once."""
        return self.agents * max(1, self.concurrency)

    @property
    def failing(self) -> bool:
        return self.incident is not None


@dataclass(frozen=True, slots=True)
class PendingState:
    """A decision waiting for an answer."""

    name: str
    since: float
    pauses: bool  # time stands still until it is answered
    deadline: float | None  # when the default option is taken (decisions that let time run), else None
    incident: str | None  # the failure that raised it, if any


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of one run at ``now`` (sim minutes)."""

    now: float
    horizon: float
    finished: bool
    paused: bool
    policy: str
    seed: int
    touchpoints: Mapping[str, TouchpointState]  # every touchpoint of the scenario, in its order
    incidents: tuple[IncidentState, ...] = ()  # failures in progress, oldest first
    pending: tuple[PendingState, ...] = ()  # decisions waiting, in the order they came up

    @property
    def progress(self) -> float:
        """Share of the horizon played, 0..1."""
        return min(1.0, self.now / self.horizon) if self.horizon > 0 else 1.0

    def failing(self) -> dict[str, IncidentState]:
        """Touchpoint -> the newest failure in progress there."""
        return {i.touchpoint: i for i in self.incidents}


def _incident(i: IncidentView) -> IncidentState:
    spec = i.spec
    return IncidentState(i.name, spec.touchpoint, spec.effect, float(spec.severity), float(i.started), int(i.affected_count))


def _pending(p: PendingView) -> PendingState:
    spec = p.spec
    since = float(p.since)
    deadline = None if spec.pause or spec.respond_within_min is None else since + spec.respond_within_min
    return PendingState(p.name, since, bool(spec.pause), deadline, p.incident.name if p.incident is not None else None)


def take_snapshot(sim: SimulationView) -> Snapshot:
    """Read the parts of a running simulation a view needs, as frozen data."""
    incidents = tuple(_incident(i) for i in sim.active_incidents())
    failing = {i.touchpoint: i for i in incidents}
    channels = sim.channels
    touchpoints: dict[str, TouchpointState] = {}
    for name, spec in sim.scenario.touchpoints.items():
        channel = channels.get(name)
        if channel is not None:
            touchpoints[name] = TouchpointState(
                name, "staffed", spec.stage, channel.agents, channel.busy, channel.free, channel.waiting,
                channel.concurrency, failing.get(name),
            )  # fmt: skip
        else:
            touchpoints[name] = TouchpointState(name, "self_service", spec.stage, incident=failing.get(name))
    pending = tuple(_pending(p) for p in sim.pending_decisions.values())
    return Snapshot(
        now=float(sim.now),
        horizon=float(sim.horizon),
        finished=bool(sim.finished),
        paused=bool(sim.paused),
        policy=sim.policy_name,
        seed=int(sim.seed),
        touchpoints=MappingProxyType(touchpoints),
        incidents=incidents,
        pending=pending,
    )
