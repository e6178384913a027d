"""Self-service touchpoints: the customer alone with an ad, a website, an app, an assistant, a checkout.

A visit takes time, succeeds or not (naturally, or because the touchpoint is failing), may be an
effort driver or a delight, and at a checkout places an order (or loses it to a failure).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, ClassVar, Literal

import simpy

from sim.engine.context import RunContext
from sim.engine.entities import Customer, Incident
from sim.engine.touchpoints.staffed import add_effort
from sim.records import OrderLost, OrderPlaced
from sim.scenario.distributions import Sampler, sampler, uniform_sampler
from sim.scenario.schema import SelfService


class SelfServiceTouchpoint:
    """A touchpoint the customer uses alone; its samplers draw from streams named after it.

    A visit has two halves around its delay, ``arrive`` and ``leave``: ``visit`` is the SimPy
    generator made of them that every touchpoint kind offers, and the journey calls the halves
    itself (``sim.engine.journey``), which saves a generator per step.
    """

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
        # NOTE: the spec and the customer model are frozen: their numbers are read once, not at every visit.
        m = ctx.model.moments
        self._success_p = spec.success_probability
        self._delight_p = spec.delight_probability
        self._effort_p = spec.effort
        self._places_order = spec.places_order
        self._moment_ok = m.met_expectations + 0.0  # exactly the sums a visit used to make
        self._moment_delight = m.met_expectations + m.delight_bonus
        self._moment_failed = m.met_expectations - m.natural_failure_severity

    def visit(self, ctx: RunContext, customer: Customer) -> Generator[simpy.Event, Any, bool]:
        """Spend time here; True if the customer got what they came for (an order sets ``customer.ordered``)."""
        return self_service(ctx, customer, self)

    def arrive(self, ctx: RunContext, customer: Customer) -> tuple[float, Incident | None]:
        """The first half of a visit: how long it takes, and the incident delaying it (None if none is)."""
        delay: float = self.delay()
        delayed_by = ctx.incident_at.get(self.name)
        if delayed_by is not None and delayed_by.spec.effect == "delay":
            ctx.incidents.affect(customer, delayed_by, voice=True)  # the customer learns of the delay when it starts
            return delay + delayed_by.spec.delay_min, delayed_by
        return delay, None

    def leave(self, ctx: RunContext, customer: Customer, start: float, delayed_by: Incident | None) -> bool:
        """The second half of a visit, after its delay: True if it succeeded."""
        name = self.name
        now = ctx.env.now
        ok = natural = self.success() < self._success_p
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
            delight_p = self._delight_p
            delight = delight_p > 0 and self.delight() < delight_p
            customer.moments.append(self._moment_delight if delight else self._moment_ok)
            if name in ctx.touches.at:  # NOTE: only touchpoints with a product moment or a touch in force need the call
                ctx.touches.felt(customer, name)  # experience touches in force here, and the product (sim.engine.touches)
        else:
            customer.moments.append(self._moment_failed)
        effort_p = self._effort_p
        if effort_p > 0 and self.effort() < effort_p:
            add_effort(ctx, customer)
        if self._places_order and natural:
            value = ctx.order_value[customer.segment]()
            customer.order_value = value
            if incident is not None:
                customer.lost_order = incident.name
                ctx.emit(OrderLost(time=now, customer=customer.id, touchpoint=name, value=value, failure=incident.name))
            else:
                customer.ordered = True
                customer.lost_order = None  # ordered after all (a retry): nothing left for an agent to recover
                ctx.emit(OrderPlaced(time=now, customer=customer.id, touchpoint=name, value=value))
        ctx.hot.visited(now, customer.id, name, now - start, outcome)  # a TouchpointVisited (sim.engine.hot_records)
        return ok


def self_service(ctx: RunContext, customer: Customer, step: SelfServiceTouchpoint) -> Generator[simpy.Event, Any, bool]:
    """Spend time at a self-service touchpoint; return True if it succeeded."""
    env = ctx.env
    start = env.now
    delay, delayed_by = step.arrive(ctx, customer)
    if delay > 0:
        yield env.timeout(delay)
    return step.leave(ctx, customer, start, delayed_by)
