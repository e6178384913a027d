"""Staffed touchpoints: a customer contacts agents (phone, chat, email, a store counter) and queues.

The queue itself is ``sim.engine.channels.StaffedChannel``; this module is the customer's side
of a contact: getting through (or not, while the channel is down), the wait and how it feels,
repeat contacts and channel switches as effort, transfers, unresolved contacts, and the
recovery of any failure the customer raises with the agent.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, ClassVar

import simpy

from sim.behaviour.experience import wait_moment
from sim.engine.channels import ABANDONED, BALKED, RESOLVED, UNRESOLVED, StaffedChannel, Ticket
from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.engine.responses import deliver_on_contact
from sim.rng import stream_key
from sim.scenario.schema import Staffed


class StaffedTouchpoint:
    """A touchpoint served by agents from one first-come-first-served queue, with shifts, abandonment and call-backs."""

    kind: ClassVar[str] = "staffed"
    spec_class: ClassVar[type[Staffed]] = Staffed

    def __init__(self, ctx: RunContext, name: str, spec: Staffed) -> None:
        self.name = name
        self.spec = spec
        self.stage: str = spec.stage
        self.channel = StaffedChannel(ctx.env, name, spec, ctx.streams, ctx.emit, ctx.hot)
        ctx.channels[name] = self.channel

    def visit(self, ctx: RunContext, customer: Customer) -> Generator[simpy.Event, Any, bool]:
        """Contact the agents; True if the issue was resolved."""
        return contact(ctx, customer, self.channel)


def add_effort(ctx: RunContext, customer: Customer) -> None:
    """One effort driver: counted for the CES, and felt as a moment of its own."""
    customer.effort += 1
    customer.moments.append(ctx.model.moments.effort_moment)


def contact(
    ctx: RunContext, customer: Customer, channel: StaffedChannel, transferred: bool = False
) -> Generator[simpy.Event, Any, bool]:
    """Contact a staffed touchpoint; return True if the issue was resolved."""
    incident = ctx.incident_at.get(channel.name)
    if incident is not None:
        if incident.spec.effect != "delay":
            ctx.incidents.affect(customer, incident, voice=False)
            yield channel.block(customer.id)
            return False
        ctx.incidents.affect(customer, incident, voice=False)
        yield ctx.env.timeout(incident.spec.delay_min)
    if not ctx.tracks_experience:
        ticket: Ticket = yield channel.join(customer.id, customer.patience_factor)
        return ticket.outcome == RESOLVED
    m = ctx.model.moments
    kind = channel.spec.channel
    if not transferred:  # a transfer is the brand's doing: charged once, below, not as a repeat contact
        customer.contacts += 1
        if customer.contacts > 1:
            add_effort(ctx, customer)  # a repeat contact
        if customer.last_channel is not None and customer.last_channel != kind:
            customer.switches += 1
            add_effort(ctx, customer)  # a channel switch
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
        and transfer_draw(ctx, customer, kind) < spec.transfer_probability
    ):
        add_effort(ctx, customer)  # transferred: explain it all again, and queue again
        resolved = yield from contact(ctx, customer, ctx.channels[spec.transfer_to], transferred=True)
        return resolved
    if outcome == UNRESOLVED:
        customer.moments.append(m.met_expectations - m.unresolved_penalty)
        customer.effort += 1
    if customer.hits:
        deliver_on_contact(ctx, customer, resolved=outcome == RESOLVED)
    return outcome == RESOLVED


def transfer_draw(ctx: RunContext, customer: Customer, channel: str) -> float:
    """A uniform draw deciding whether an agent transfers this customer (keyed by customer and contact)."""
    return ctx.draws.transfer(customer.id, customer.journeys * 1024 + customer.contacts + stream_key(channel) % 512)
