"""The things a run is about: customers, the failures they run into, and incidents (Mesa's agents).

No process code lives here, only state, so every process module can share these types without
importing each other. A ``Customer`` lives while something about them is pending (a journey,
a memory to settle, a return visit), so memory stays flat however many customers a run has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import simpy

from sim.scenario.schema import RandomFailure, ScheduledFailure

if TYPE_CHECKING:
    from sim.effects.notify import Notify

FailureSpec = ScheduledFailure | RandomFailure


class Incident:
    """One occurrence of a failure, from start to end."""

    def __init__(self, env: simpy.Environment, name: str, spec: FailureSpec) -> None:
        self.name = name
        self.spec = spec
        self.number = 0  # 1 for the failure's first incident, 2 for its second... (set by Incidents.start)
        self.started: float = env.now
        self.ended: float | None = None
        self._fixed = env.event()
        self.affected: list[Customer] = []
        self.affected_count = 0
        self.responses: list[str] = []  # customer-facing responses to deliver
        self.notify: tuple[str, Notify] | None = None  # the notice in force (response name, spec), if any
        self.detected = False  # the brand noticed the incident (needed to notify)
        self.fix_applied = False  # a fix response was applied to this incident
        self.notified_upto = 0

    @property
    def active(self) -> bool:
        """True while the touchpoint is still failing."""
        return self.ended is None

    @property
    def fixed(self) -> simpy.Event:
        """Succeeds when a fix ends the incident early."""
        return self._fixed


@dataclass(slots=True)
class Hit:
    """One customer running into one incident, and what the brand did about it."""

    incident: Incident
    index: int  # position of the failure moment in the journey's moments
    severity: float
    attribution: float
    trust_before: float
    time: float
    prior_failures: int
    quality: float = 0.0
    recovered: bool = False
    proactive: bool = False  # the brand reached the customer first


class Customer:
    """One customer: lasting attitude and trust, plus the state of the current journey."""

    __slots__ = (
        "arrived",
        "attitude",
        "contacts",
        "effort",
        "failures",
        "hits",
        "id",
        "journeys",
        "last_channel",
        "lost_order",
        "met_incident",
        "moments",
        "needless",
        "open_issue",
        "order_value",
        "ordered",
        "patience_factor",
        "segment",
        "settled",
        "switches",
        "trust",
        "voice",
    )

    def __init__(self, cid: int, segment: str, arrived: float, patience_factor: float, attitude: float, trust: float) -> None:
        self.id = cid
        self.segment = segment
        self.patience_factor = patience_factor
        self.attitude = attitude
        self.trust = trust
        self.journeys = 0  # journeys completed before the current one
        self.failures = 0  # failures ever experienced
        self.needless = 0  # needless proactive notices received since the last journey settled
        self.start_journey(arrived)

    def start_journey(self, now: float) -> None:
        """Reset the per-journey state."""
        self.arrived = now
        self.moments: list[float] = []
        self.effort = 0
        self.contacts = 0
        self.switches = 0  # channel switches this journey
        self.ordered = False
        self.order_value = 0.0  # value of this journey's order, placed or lost
        self.lost_order: str | None = None  # the failure that lost this journey's order, if one did
        self.last_channel: str | None = None
        self.open_issue = False  # the last contact of this journey left the issue unresolved (its effort is charged)
        self.met_incident = False  # the step just visited met an incident (set by self-service visits)
        self.hits: dict[Incident, Hit] = {}
        self.voice: Incident | None = None
        self.settled = False

    @property
    def unrecovered(self) -> list[Hit]:
        """Failures of this journey the brand has not answered yet, oldest first."""
        return [h for h in self.hits.values() if not h.recovered]
