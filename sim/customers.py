"""Customers and their journeys: one SimPy process per customer, walking the journey map.

A journey is a loop: pick a touchpoint, visit it (self-service: spend time, succeed or fail;
staffed: queue for an agent), follow the route for success or failure, until the route says
'end'. The customer object lives only while its journey runs, so memory stays flat however
many customers a run has.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from .channels import BALKED, RESOLVED
from .records import JourneyEnded, OrderLost, OrderPlaced, TouchpointVisited
from .scenario import CONTACT, END

if TYPE_CHECKING:
    from .failures import Incident
    from .model import SelfServiceStep, Simulation


class Customer:
    """One customer on one journey."""

    __slots__ = ("arrived", "attitude", "id", "patience_factor", "segment", "trust", "unrecovered")

    def __init__(self, cid: int, segment: str, arrived: float, patience_factor: float, attitude: float, trust: float) -> None:
        self.id = cid
        self.segment = segment
        self.arrived = arrived
        self.patience_factor = patience_factor
        self.attitude = attitude
        self.trust = trust
        self.unrecovered: set[Incident] = set()


class Walk:
    """Drives one journey generator on SimPy events without a full ``simpy.Process``.

    A Process costs two extra scheduled events per customer (its start and its end); a journey
    needs neither, because nothing waits for it to finish. The generator starts at once and is
    resumed from each event it yields, exactly as SimPy would.
    """

    __slots__ = ("_gen",)

    def __init__(self, gen: Generator[simpy.Event, Any, None]) -> None:
        self._gen = gen
        self._step(None)

    def _resume(self, event: simpy.Event) -> None:
        self._step(event._value)

    def _step(self, value: Any) -> None:
        gen = self._gen
        while True:
            try:
                event = gen.send(value)
            except StopIteration:
                return
            if event.callbacks is not None:
                event.callbacks.append(self._resume)
                return
            value = event._value  # already processed: continue at once


def journey(sim: Simulation, customer: Customer) -> Generator[simpy.Event, Any, None]:
    """Walk one customer through the journey map until it ends."""
    router = sim.router
    max_steps = sim.scenario.journey.max_steps
    stage_of = sim.stage_of
    target = router.entry()
    steps = 0
    ordered = False
    affected = 0
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
        before = len(customer.unrecovered)
        channel = sim.channels.get(target)
        if channel is not None:
            incident = sim.incident_at.get(target)
            if incident is not None and incident.spec.effect != "delay":
                sim.affect(customer, incident)
                outcome = yield channel.block(customer.id)
            else:
                if incident is not None:
                    sim.affect(customer, incident)
                    yield sim.env.timeout(incident.spec.delay_min)
                outcome = yield channel.join(customer.id, customer.patience_factor)
                if outcome != BALKED and customer.unrecovered:
                    sim.recover_on_contact(customer)
            ok = outcome == RESOLVED
        else:
            ok, placed = yield from _self_service(sim, customer, sim.steps[target])
            ordered = ordered or placed
        affected += len(customer.unrecovered) > before
        target = router.after(target, customer.segment, ok)
    sim.emit(
        JourneyEnded(
            time=sim.env.now,
            customer=customer.id,
            segment=customer.segment,
            ordered=ordered,
            steps=steps,
            stages=tuple(stages),
            visited=tuple(visited),
            affected=affected,
            arrived=customer.arrived,
        )
    )


def _self_service(sim: Simulation, customer: Customer, step: SelfServiceStep) -> Generator[simpy.Event, Any, tuple[bool, bool]]:
    """Spend time at a self-service touchpoint; return (succeeded, placed an order)."""
    env = sim.env
    start = env.now
    name = step.name
    delay = step.delay()
    incident = sim.incident_at.get(name)
    if incident is not None and incident.spec.effect == "delay":
        sim.affect(customer, incident)
        delay += incident.spec.delay_min
    if delay > 0:
        yield env.timeout(delay)
    ok = natural = step.success() < step.spec.success_probability
    outcome = "ok" if ok else "failed"
    lost = None
    incident = sim.incident_at.get(name)
    if incident is not None and incident.spec.effect != "delay":
        sim.affect(customer, incident)
        outcome = "incident"
        lost = incident
        if incident.spec.effect == "error":
            ok = False
    placed = False
    if step.spec.places_order and natural:
        value = sim.order_value[customer.segment]()
        if lost is not None:
            sim.emit(OrderLost(time=env.now, customer=customer.id, touchpoint=name, value=value, failure=lost.name))
        else:
            placed = True
            sim.emit(OrderPlaced(time=env.now, customer=customer.id, touchpoint=name, value=value))
    sim.emit(
        TouchpointVisited(time=env.now, customer=customer.id, touchpoint=name, duration_min=env.now - start, outcome=outcome)
    )
    return ok, placed
