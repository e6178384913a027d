"""Self-service touchpoints: the customer alone with an ad, a website, an app, an assistant, a checkout.

A visit takes time, succeeds or not (naturally, or because the touchpoint is failing), may be an
effort driver or a delight, and at a checkout places an order (or loses it to a failure).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, ClassVar, Literal

import simpy

from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.engine.touchpoints.staffed import add_effort
from sim.records import OrderLost, OrderPlaced, TouchpointVisited
from sim.scenario.distributions import Sampler, sampler, uniform_sampler
from sim.scenario.schema import SelfService


class SelfServiceTouchpoint:
    """A touchpoint the customer uses alone; its samplers draw from streams named after it."""

    kind: ClassVar[str] = "self_service"
    spec_class: ClassVar[type[SelfService]] = SelfService

    def __init__(self, ctx: RunContext, name: str, spec: SelfService) -> None:
        self.name = name
        self.spec = spec
        self.stage: str = spec.stage
        streams = ctx.streams
        self.delay: Sampler = sampler(spec.delay_min, streams[f"delay.{name}"])
        self.success: Sampler = uniform_sampler(streams[f"success.{name}"])
        self.delight: Sampler = uniform_sampler(streams[f"delight.{name}"])
        self.effort: Sampler = uniform_sampler(streams[f"effort.{name}"])

    def visit(self, ctx: RunContext, customer: Customer) -> Generator[simpy.Event, Any, bool]:
        """Spend time here; True if the customer got what they came for (an order sets ``customer.ordered``)."""
        return self_service(ctx, customer, self)


def self_service(ctx: RunContext, customer: Customer, step: SelfServiceTouchpoint) -> Generator[simpy.Event, Any, bool]:
    """Spend time at a self-service touchpoint; return True if it succeeded."""
    env = ctx.env
    m = ctx.model.moments
    spec = step.spec
    start = env.now
    name = step.name
    delay = step.delay()
    delayed_by = ctx.incident_at.get(name)
    if delayed_by is not None and delayed_by.spec.effect == "delay":
        ctx.incidents.affect(customer, delayed_by, voice=True)  # the customer learns of the delay when it starts
        delay += delayed_by.spec.delay_min
    else:
        delayed_by = None
    if delay > 0:
        yield env.timeout(delay)
    ok = natural = step.success() < spec.success_probability
    outcome: Literal["ok", "failed", "incident"] = "ok" if ok else "failed"
    incident = ctx.incident_at.get(name)
    if incident is not None and incident.spec.effect == "delay":
        incident = None
    if incident is not None:
        ctx.incidents.affect(customer, incident, voice=True)  # the failure moment stands for this step
        outcome = "incident"
        customer.met_incident = True  # whether the customer contacts is the complaint model's call, not the route's
        if incident.spec.effect == "error":
            ok = False
    elif delayed_by is not None:
        outcome = "incident"
        customer.met_incident = True
    elif ok:
        delight = spec.delight_probability > 0 and step.delight() < spec.delight_probability
        customer.moments.append(m.met_expectations + (m.delight_bonus if delight else 0.0))
        ctx.touches.felt(customer, name)  # experience touches in force here, and the product (sim.engine.touches)
    else:
        customer.moments.append(m.met_expectations - m.natural_failure_severity)
    if spec.effort > 0 and step.effort() < spec.effort:
        add_effort(ctx, customer)
    if spec.places_order and natural:
        value = ctx.order_value[customer.segment]()
        customer.order_value = value
        if incident is not None:
            customer.lost_order = incident.name
            ctx.emit(OrderLost(time=env.now, customer=customer.id, touchpoint=name, value=value, failure=incident.name))
        else:
            customer.ordered = True
            customer.lost_order = None  # ordered after all (a retry): nothing left for an agent to recover
            ctx.emit(OrderPlaced(time=env.now, customer=customer.id, touchpoint=name, value=value))
    ctx.emit(
        TouchpointVisited(time=env.now, customer=customer.id, touchpoint=name, duration_min=env.now - start, outcome=outcome)
    )
    return ok
