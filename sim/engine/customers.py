"""Customers and their journeys: what happens at each touchpoint and how it feels.

A journey is a loop: pick a touchpoint, visit it (self-service: spend time, succeed or fail;
staffed: queue for an agent), record the moment's affect, follow the route, until the route
says 'end'. A customer who runs into a failure may voice it (contact service) or stay silent;
that choice, and whether the brand reached them first, decides whether they are recovered.

A ``Customer`` lives while they have something pending (a journey, a memory to settle, a
return visit), so memory stays flat however many customers a run has.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import simpy

from sim.behaviour.experience import wait_moment
from sim.engine.channels import ABANDONED, BALKED, RESOLVED, UNRESOLVED, StaffedChannel, Ticket
from sim.records import OrderLost, OrderPlaced, TouchpointVisited
from sim.scenario.schema import CONTACT, END

if TYPE_CHECKING:
    from sim.engine.failures import Incident
    from sim.engine.simulation import SelfServiceStep, Simulation


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
        "moments",
        "needless",
        "patience_factor",
        "segment",
        "settled",
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
        self.last_channel: str | None = None
        self.hits: dict[Incident, Hit] = {}
        self.voice: Incident | None = None
        self.settled = False

    @property
    def unrecovered(self) -> list[Hit]:
        """Failures of this journey the brand has not answered yet, oldest first."""
        return [h for h in self.hits.values() if not h.recovered]


def journey(sim: Simulation, customer: Customer) -> Generator[simpy.Event, Any, None]:
    """Walk one customer through the journey map until it ends, then let the memory settle."""
    router = sim.router
    max_steps = sim.scenario.journey.max_steps
    stage_of = sim.stage_of
    track = sim.tracks_experience
    channels = sim.channels
    incident_at = sim.incident_at
    target = router.entry() if customer.journeys == 0 else router.repeat_entry()
    steps = 0
    ordered = False
    visited: list[str] = []
    stages: list[str] = []
    while target != END and steps < max_steps:
        if target == CONTACT:
            target = router.contact(customer.segment)
        steps += 1
        visited.append(target)
        stage = stage_of[target]
        if stage not in stages:
            stages.append(stage)
        channel = channels.get(target)
        if channel is not None and not track and target not in incident_at:
            # NOTE: the queueing-study fast path: no sub-generator, no experience bookkeeping.
            ticket: Ticket = yield channel.join(customer.id, customer.patience_factor)
            ok = ticket.outcome == RESOLVED
        elif channel is not None:
            ok = yield from _contact(sim, customer, channel)
        else:
            ok, placed = yield from _self_service(sim, customer, sim.steps[target])
            ordered = ordered or placed
            if customer.voice is not None:  # they hit a failure and speak up: contact service now
                customer.voice = None
                name = router.contact(customer.segment)
                visited.append(name)
                yield from _contact(sim, customer, sim.channels[name])
        target = router.after(target, customer.segment, ok)
    sim.report.journey_ended(
        sim.env.now, customer.id, customer.segment, ordered, steps, stages, visited, len(customer.hits), customer.arrived
    )
    sim.journey_ended(customer)


def _effort(sim: Simulation, customer: Customer) -> None:
    customer.effort += 1
    customer.moments.append(sim.model.moments.effort_moment)


def _contact(
    sim: Simulation, customer: Customer, channel: StaffedChannel, transferred: bool = False
) -> Generator[simpy.Event, Any, bool]:
    """Contact a staffed touchpoint; return True if the issue was resolved."""
    incident = sim.incident_at.get(channel.name)
    if incident is not None:
        if incident.spec.effect != "delay":
            sim.affect(customer, incident, voice=False)
            yield channel.block(customer.id)
            return False
        sim.affect(customer, incident, voice=False)
        yield sim.env.timeout(incident.spec.delay_min)
    if not sim.tracks_experience:
        ticket: Ticket = yield channel.join(customer.id, customer.patience_factor)
        return ticket.outcome == RESOLVED
    m = sim.model.moments
    kind = channel.spec.channel
    if not transferred:  # a transfer is the brand's doing: charged once, below, not as a repeat contact
        customer.contacts += 1
        if customer.contacts > 1:
            _effort(sim, customer)  # a repeat contact
        if customer.last_channel is not None and customer.last_channel != kind:
            _effort(sim, customer)  # a channel switch
    customer.last_channel = kind
    ticket = yield channel.join(customer.id, customer.patience_factor)
    outcome = ticket.outcome
    if outcome == BALKED:
        customer.moments.append(m.met_expectations - m.unresolved_penalty)
        return False
    scale = m.wait_scale_min.get(kind, m.default_wait_scale_min)
    customer.moments.append(wait_moment(ticket.wait, scale, m, m.callback_wait_factor if ticket.callback else 1.0))
    if ticket.wait > m.long_hold_min:
        customer.effort += 1
    if outcome == ABANDONED:
        customer.moments.append(m.met_expectations - m.unresolved_penalty)
        return False
    spec = channel.spec
    if (  # at most one transfer per contact
        not transferred
        and spec.transfer_to is not None
        and spec.transfer_probability > 0
        and sim.transfer_draw(customer, kind) < spec.transfer_probability
    ):
        _effort(sim, customer)  # transferred: explain it all again, and queue again
        resolved = yield from _contact(sim, customer, sim.channels[spec.transfer_to], transferred=True)
        return resolved
    if outcome == UNRESOLVED:
        customer.moments.append(m.met_expectations - m.unresolved_penalty)
        customer.effort += 1
    if customer.hits:
        sim.recover_on_contact(customer, resolved=outcome == RESOLVED)
    return outcome == RESOLVED


def _self_service(sim: Simulation, customer: Customer, step: SelfServiceStep) -> Generator[simpy.Event, Any, tuple[bool, bool]]:
    """Spend time at a self-service touchpoint; return (succeeded, placed an order)."""
    env = sim.env
    m = sim.model.moments
    spec = step.spec
    start = env.now
    name = step.name
    delay = step.delay()
    delayed_by = sim.incident_at.get(name)
    if delayed_by is not None and delayed_by.spec.effect == "delay":
        sim.affect(customer, delayed_by, voice=True)  # the customer learns of the delay when it starts
        delay += delayed_by.spec.delay_min
    else:
        delayed_by = None
    if delay > 0:
        yield env.timeout(delay)
    ok = natural = step.success() < spec.success_probability
    outcome = "ok" if ok else "failed"
    incident = sim.incident_at.get(name)
    if incident is not None and incident.spec.effect == "delay":
        incident = None
    if incident is not None:
        sim.affect(customer, incident, voice=True)  # the failure moment stands for this step
        outcome = "incident"
        if incident.spec.effect == "error":
            ok = False
    elif delayed_by is not None:
        outcome = "incident"
    elif ok:
        delight = spec.delight_probability > 0 and step.delight() < spec.delight_probability
        customer.moments.append(m.met_expectations + (m.delight_bonus if delight else 0.0))
    else:
        customer.moments.append(m.met_expectations - m.natural_failure_severity)
    if spec.effort > 0 and step.effort() < spec.effort:
        _effort(sim, customer)
    placed = False
    if spec.places_order and natural:
        value = sim.order_value[customer.segment]()
        if incident is not None:
            sim.emit(OrderLost(time=env.now, customer=customer.id, touchpoint=name, value=value, failure=incident.name))
        else:
            placed = True
            sim.emit(OrderPlaced(time=env.now, customer=customer.id, touchpoint=name, value=value))
    sim.emit(
        TouchpointVisited(time=env.now, customer=customer.id, touchpoint=name, duration_min=env.now - start, outcome=outcome)
    )
    return ok, placed


__all__ = ["ABANDONED", "Customer", "Hit", "journey"]
