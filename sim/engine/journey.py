"""A customer's journey: pick a touchpoint, visit it, follow the route, until the route says 'end'.

Who contacts the brand, and how often (docs/authoring.md): a customer whose step fails because
of an incident contacts service only if the complaint model says they speak up (severity, or the
notice in force), once, on the channel their segment prefers; they try again only where that
contact's own route sends a failed contact on to another contact. Either way they then carry on
with the failed step's route, without its contact targets, so nobody contacts twice for one
failure. A step that simply did not work (no incident) follows its route as written. Whether
the brand reached them first, and whether they were recovered, is settled when the journey's
memory settles later (``sim.engine.outcomes``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from sim.engine.channels import RESOLVED, Ticket
from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.engine.touchpoints.self_service import SelfServiceTouchpoint
from sim.engine.walk import Pause
from sim.scenario.types import CONTACT, END


def journey(ctx: RunContext, customer: Customer) -> Generator[simpy.Event, Any, None]:
    """Walk one customer through the journey map until it ends, then let the memory settle."""
    router = ctx.router
    max_steps = ctx.scenario.journey.max_steps
    touchpoints = ctx.touchpoints
    track = ctx.tracks_experience
    channels = ctx.channels
    incident_at = ctx.incident_at
    env = ctx.env
    pause: Pause | None = None  # the journey's timeout, made at its first wait and re-armed for the later ones
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
        if channel is not None and not track and channel.is_open and target not in incident_at and customer.lost_order is None:
            # NOTE: the queueing-study fast path: no sub-generator, no experience bookkeeping.
            ticket: Ticket = yield channel.join(customer.id, customer.patience_factor)
            ok = ticket.outcome == RESOLVED
        else:
            customer.met_incident = False
            if type(tp) is SelfServiceTouchpoint:
                # NOTE: the visit's two halves inline, around the journey's own re-armed timeout: no
                # sub-generator and no new Timeout per step (self-service steps are most of a run's events).
                start = env.now
                delay, delayed_by = tp.arrive(ctx, customer)
                if delay > 0:
                    if pause is None:
                        pause = Pause(env, delay)
                    else:
                        pause.after(delay)
                    yield pause
                ok = tp.leave(ctx, customer, start, delayed_by)
            else:
                ok = yield from tp.visit(ctx, customer)
            if customer.voice is not None:  # they hit a failure and speak up: contact service now
                customer.voice = None
                ordered = customer.ordered
                steps = yield from speak_up(ctx, customer, visited, steps)
                ok = ok or (customer.ordered and not ordered)  # an agent completed the lost order: the step is done
            if customer.met_incident and not ok:
                target = router.after_incident(target, customer.segment)
                continue
        target = router.after(target, customer.segment, ok)
    ctx.hot.journey_ended(
        ctx.env.now, customer.id, customer.segment, customer.ordered, steps, stages, visited, len(customer.hits),
        customer.arrived,
    )  # fmt: skip
    ctx.outcomes.journey_ended(customer)


def speak_up(ctx: RunContext, customer: Customer, visited: list[str], steps: int) -> Generator[simpy.Event, Any, int]:
    """Contact service about a failure: once, then again only where the contact's route sends a failed contact.

    The first contact goes to the channel the segment prefers. If it does not resolve the issue,
    the staffed touchpoint's own ``on_failure`` route is drawn: 'contact' or a staffed touchpoint
    is a repeat contact there; anything else ('end', a self-service step) ends the detour, and the
    customer goes back to where they were. Returns the journey's step count, contacts included.
    """
    router = ctx.router
    segment = customer.segment
    max_steps = ctx.scenario.journey.max_steps
    name = router.contact(segment)
    while True:
        visited.append(name)
        steps += 1
        resolved = yield from ctx.touchpoints[name].visit(ctx, customer)
        if resolved or steps >= max_steps:
            return steps
        name = router.after(name, segment, False)
        if name == CONTACT:
            name = router.contact(segment)
        if name not in ctx.channels:
            return steps
