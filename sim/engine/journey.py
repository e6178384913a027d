"""A customer's journey: pick a touchpoint, visit it, follow the route, until the route says 'end'.

A customer who runs into a failure may voice it (contact service at once) or stay silent; that
choice, and whether the brand reached them first, decides whether they are recovered. When the
journey ends its memory settles later (``sim.engine.outcomes``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim.engine.channels import RESOLVED, Ticket
from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.scenario.types import CONTACT, END


def journey(ctx: RunContext, customer: Customer) -> Generator[simpy.Event, Any, None]:
    """Walk one customer through the journey map until it ends, then let the memory settle."""
    router = ctx.router
    max_steps = ctx.scenario.journey.max_steps
    touchpoints = ctx.touchpoints
    track = ctx.tracks_experience
    channels = ctx.channels
    incident_at = ctx.incident_at
    target = router.entry() if customer.journeys == 0 else router.repeat_entry()
    steps = 0
    visited: list[str] = []
    stages: list[str] = []
    while target != END and steps < max_steps:
        if target == CONTACT:
            target = router.contact(customer.segment)
        steps += 1
        visited.append(target)
        tp = touchpoints[target]
        stage = tp.stage
        if stage not in stages:
            stages.append(stage)
        channel = channels.get(target)
        if channel is not None and not track and target not in incident_at:
            # NOTE: the queueing-study fast path: no sub-generator, no experience bookkeeping.
            ticket: Ticket = yield channel.join(customer.id, customer.patience_factor)
            ok = ticket.outcome == RESOLVED
        else:
            ok = yield from tp.visit(ctx, customer)
            if customer.voice is not None:  # they hit a failure and speak up: contact service now
                customer.voice = None
                name = router.contact(customer.segment)
                visited.append(name)
                yield from touchpoints[name].visit(ctx, customer)
        target = router.after(target, customer.segment, ok)
    ctx.hot.journey_ended(
        ctx.env.now, customer.id, customer.segment, customer.ordered, steps, stages, visited, len(customer.hits),
        customer.arrived,
    )  # fmt: skip
    ctx.outcomes.journey_ended(customer)
