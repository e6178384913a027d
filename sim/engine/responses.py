"""Responses in a running simulation: applied by a policy, a decision or a command.

What each effect *is* lives in ``sim.effects`` (one module per effect: its table, docs and
operational behaviour). This module is the engine's side of the mechanism they share:
customer-facing effects are put in force for an incident and reach each affected customer
either *on contact* (reactive: only those who get through to an agent) or *first*, when a
notice is in force (proactive: everyone affected, within its delay, if the brand detected the
incident); each delivery sets the customer's recovery quality, memory and trust.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim.behaviour.experience import failure_moment, paradox_eligible, recovery_quality, trust_after_recovery
from sim.effects.notify import Notify
from sim.engine.context import RunContext
from sim.engine.entities import Customer, Hit, Incident
from sim.records import NoticeSent, RecoveryDelivered, ResponseApplied


def apply_response(ctx: RunContext, name: str, incident: Incident | None) -> None:
    """Apply response ``name``; ``incident`` is the failure it answers, if any."""
    spec = ctx.scenario.responses[name]
    named = spec.target_failure
    if named is not None and (incident.name != named if incident is not None else named not in ctx.incidents.active_names()):
        return  # a response for another failure (a fix of the crash, when the carrier is late): nothing to do, nothing to pay
    ctx.emit(
        ResponseApplied(
            time=ctx.env.now, response=name, effect=spec.effect_tag(), failure=incident.name if incident else None,
            cost=spec.cost_fixed,
        )
    )  # fmt: skip
    if spec.attaches:
        board = ctx.incidents
        if incident is None and name not in board.standing:
            board.add_rule(name)  # applied with no incident: it answers every later one too
        targets = [incident] if incident is not None else [i for i in board.active() if board.answers(name, i)]
        for inc in targets:
            attach(ctx, inc, name)
    else:
        spec.apply(ctx, incident)


def attach(ctx: RunContext, incident: Incident, name: str) -> None:
    """Put a customer-facing response in force for one incident."""
    spec = ctx.scenario.responses[name]
    if isinstance(spec, Notify):
        if incident.notify is None:
            incident.notify = (name, spec)
            incident.detected = ctx.incidents.detect_draw(incident) < ctx.model.recovery.detect_probability
            ctx.env.process(_notifier(ctx, incident, name, spec))
    elif name not in incident.responses:
        incident.responses.append(name)


def deliver(ctx: RunContext, customer: Customer, hit: Hit, names: tuple[str, ...], *, proactive: bool, resolved: bool) -> None:
    """Give one affected customer the listed responses: recovery quality, memory, trust and cost."""
    responses = ctx.scenario.responses
    specs = [responses[n] for n in names]
    components = {spec.recovery_component for spec in specs}
    r = ctx.model.recovery
    now = ctx.env.now
    fast = now - hit.time <= r.fast_within_min
    external = hit.attribution < 1.0
    quality = recovery_quality(
        acknowledged=True,
        fixed=hit.incident.fix_applied or (resolved and hit.incident.spec.effect != "delay"),
        fast=fast,
        apology="apology" in components,
        proactive=proactive,
        compensation="compensation" in components,
        eligible_for_paradox=paradox_eligible(hit.prior_failures, hit.severity, fast, external, r),
        r=r,
    )
    hit.quality = quality
    hit.recovered = True
    hit.proactive = hit.proactive or proactive
    if not customer.settled:
        customer.moments[hit.index] = failure_moment(hit.severity, hit.attribution, quality, ctx.model.moments)
    customer.trust = trust_after_recovery(customer.trust, hit.trust_before, quality, proactive, ctx.model.memory)
    ctx.emit(
        RecoveryDelivered(
            time=now,
            customer=customer.id,
            failure=hit.incident.name,
            responses=names,
            proactive=proactive,
            cost=sum(spec.cost_per_customer for spec in specs),
            compensation=sum(
                spec.compensation_amount(order_value(ctx, customer))
                for spec in specs
                if spec.recovery_component == "compensation"
            ),
            quality=quality,
        )
    )


def order_value(ctx: RunContext, customer: Customer) -> float:
    """The value a percentage discount is of: the journey's order (placed or lost), else the segment's mean order."""
    return customer.order_value or ctx.scenario.segments[customer.segment].order_value.mean_value()


def deliver_on_contact(ctx: RunContext, customer: Customer, resolved: bool) -> None:
    """An agent handles a customer who hit failures: they are heard, and get the responses in force."""
    responses = ctx.scenario.responses
    for hit in customer.unrecovered:
        names = tuple(n for n in hit.incident.responses if not responses[n].after_incident)
        deliver(ctx, customer, hit, names, proactive=False, resolved=resolved)


def _notifier(ctx: RunContext, incident: Incident, name: str, spec: Notify) -> Generator[simpy.Event, Any, None]:
    """Reach every customer the incident affects, in batches every ``within_min`` minutes (if detected)."""
    env = ctx.env
    responses = ctx.scenario.responses
    while True:
        yield env.timeout(spec.within_min)
        batch = incident.affected[incident.notified_upto :]
        incident.notified_upto = len(incident.affected)
        if incident.detected:
            names = (name, *(n for n in incident.responses if not responses[n].after_incident and not responses[n].callers_only))
            reached = 0
            for customer in batch:
                hit = customer.hits.get(incident)
                if hit is not None and not hit.recovered:
                    ctx.emit(NoticeSent(time=env.now, customer=customer.id, failure=incident.name, notice=spec.notice))
                    deliver(ctx, customer, hit, names, proactive=True, resolved=False)
                    reached += 1
            ctx.incidents.send_needless_notices(incident, reached)
        if not incident.active and incident.notified_upto == len(incident.affected):
            ctx.incidents.release(incident)
            return
