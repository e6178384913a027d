"""Responses: what the brand does, applied by a policy, a decision or a command.

Each effect in the scenario vocabulary is implemented here. Operational effects change the
system at once (fix a failure, add or move agents, offer call-backs). Customer-facing effects
(acknowledge, apologise, compensate, follow up) attach to an incident and reach each affected
customer either *on contact* (reactive: only those who get through to an agent) or *first*,
when a ``notify`` response is in force (proactive: everyone affected, within its delay).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.behaviour.experience import failure_moment, paradox_eligible, recovery_quality, trust_after_recovery
from sim.clock import MINUTES_PER_HOUR
from sim.records import NoticeSent, RecoveryDelivered, ResponseApplied
from sim.scenario.schema import (
    CUSTOMER_FACING,
    AddAgents,
    Callback,
    Compensate,
    Fix,
    MoveAgents,
    Notify,
    OfferCallback,
)

if TYPE_CHECKING:
    from sim.engine.customers import Customer, Hit
    from sim.engine.failures import Incident
    from sim.engine.simulation import Simulation


def apply_response(sim: Simulation, name: str, incident: Incident | None) -> None:
    """Apply response ``name``; ``incident`` is the failure it answers, if any."""
    spec = sim.scenario.responses[name]
    env = sim.env
    sim.emit(
        ResponseApplied(
            time=env.now, response=name, effect=spec.effect, failure=incident.name if incident else None, cost=spec.cost_fixed
        )
    )
    if spec.effect in CUSTOMER_FACING or isinstance(spec, Notify):
        targets = [incident] if incident is not None else sim.active_incidents()
        if incident is None:
            sim.standing_responses.append(name)  # also answers every later incident
        for inc in targets:
            attach(sim, inc, name)
    elif isinstance(spec, Fix):
        target = incident
        if spec.failure is not None:
            target = next((i for i in sim.active_incidents() if i.name == spec.failure), None)
        if target is not None and target.active:
            target.fix_applied = True
            _after(env, spec.after_min, lambda: None if target.fixed.triggered else target.fixed.succeed())
    elif isinstance(spec, OfferCallback):
        sim.channels[spec.touchpoint].callback_offer = Callback(
            offer_after_wait_min=spec.offer_after_wait_min, accept_probability=spec.accept_probability
        )
    elif isinstance(spec, AddAgents):
        _shift_agents(sim, None, spec.touchpoint, spec.agents, spec.for_hours)
    elif isinstance(spec, MoveAgents):
        _shift_agents(sim, spec.from_touchpoint, spec.touchpoint, spec.agents, spec.for_hours)
    elif spec.effect == "thank_reviewers":
        sim.outcomes.thanks_reviewers = True


def attach(sim: Simulation, incident: Incident, name: str) -> None:
    """Put a customer-facing response in force for one incident."""
    spec = sim.scenario.responses[name]
    if isinstance(spec, Notify):
        if incident.notify is None:
            incident.notify = (name, spec)
            incident.detected = sim.detect_draw(incident) < sim.model.recovery.detect_probability
            sim.env.process(_notifier(sim, incident, name, spec))
    elif name not in incident.responses:
        incident.responses.append(name)


def deliver(sim: Simulation, customer: Customer, hit: Hit, names: tuple[str, ...], *, proactive: bool, resolved: bool) -> None:
    """Give one affected customer the listed responses: recovery quality, memory, trust and cost."""
    responses = sim.scenario.responses
    specs = [responses[n] for n in names]
    effects = {spec.effect for spec in specs}
    r = sim.model.recovery
    fast = sim.env.now - hit.time <= r.fast_within_min
    external = hit.attribution < 1.0
    quality = recovery_quality(
        acknowledged=True,
        fixed=hit.incident.fix_applied or (resolved and hit.incident.spec.effect != "delay"),
        fast=fast,
        apology="apologise" in effects,
        proactive=proactive,
        compensation="compensate" in effects,
        eligible_for_paradox=paradox_eligible(hit.prior_failures, hit.severity, fast, external, r),
        r=r,
    )
    hit.quality = quality
    hit.recovered = True
    if not customer.settled:
        customer.moments[hit.index] = failure_moment(hit.severity, hit.attribution, quality, sim.model.moments)
    customer.trust = trust_after_recovery(customer.trust, hit.trust_before, quality, proactive, sim.model.memory)
    sim.emit(
        RecoveryDelivered(
            time=sim.env.now,
            customer=customer.id,
            failure=hit.incident.name,
            responses=names,
            proactive=proactive,
            cost=sum(spec.cost_per_customer for spec in specs),
            compensation=sum(spec.amount for spec in specs if isinstance(spec, Compensate)),
            quality=quality,
        )
    )


def deliver_on_contact(sim: Simulation, customer: Customer, resolved: bool) -> None:
    """An agent handles a customer who hit failures: they are heard, and get the responses in force."""
    for hit in customer.unrecovered:
        names = tuple(n for n in hit.incident.responses if sim.scenario.responses[n].effect != "follow_up")
        deliver(sim, customer, hit, names, proactive=False, resolved=resolved)


def _notifier(sim: Simulation, incident: Incident, name: str, spec: Notify) -> Generator[simpy.Event, Any, None]:
    """Reach every customer the incident affects, in batches every ``within_min`` minutes (if detected)."""
    env = sim.env
    while True:
        yield env.timeout(spec.within_min)
        batch = incident.affected[incident.notified_upto :]
        incident.notified_upto = len(incident.affected)
        if incident.detected:
            names = (name, *(n for n in incident.responses if sim.scenario.responses[n].effect != "follow_up"))
            reached = 0
            for customer in batch:
                hit = customer.hits.get(incident)
                if hit is not None and not hit.recovered:
                    sim.emit(NoticeSent(time=env.now, customer=customer.id, failure=incident.name, notice=spec.notice))
                    deliver(sim, customer, hit, names, proactive=True, resolved=False)
                    reached += 1
            sim.send_needless_notices(incident, reached)
        if not incident.active and incident.notified_upto == len(incident.affected):
            sim.release_incident(incident)
            return


def _after(env: simpy.Environment, minutes: float, action: Any) -> None:
    if minutes <= 0:
        action()
    else:
        env.timeout(minutes).callbacks.append(lambda _event: action())


def _shift_agents(sim: Simulation, source: str | None, target: str, agents: int, for_hours: float | None) -> None:
    def move(sign: int) -> None:
        if source is not None:
            src = sim.channels[source]
            src.set_staffing(extra=src.extra_agents - sign * agents)
        dst = sim.channels[target]
        dst.set_staffing(extra=dst.extra_agents + sign * agents)

    move(+1)
    if for_hours is not None:
        sim.env.timeout(for_hours * MINUTES_PER_HOUR).callbacks.append(lambda _event: move(-1))
