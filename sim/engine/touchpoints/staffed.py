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
from sim.engine.channels import ABANDONED, BALKED, RESOLVED, StaffedChannel, Ticket
from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.engine.responses import deliver_on_contact
from sim.records import OrderPlaced
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


def count_contact(ctx: RunContext, customer: Customer, kind: str, transferred: bool) -> None:
    """A contact with service: counted; a repeat contact and a channel switch are effort drivers.

    A contact after one that left the issue unresolved is not charged again as a repeat: that
    contact's effort was charged when it failed (``unresolved``), so over a journey the contacts
    cost (contacts - 1) effort drivers, plus one if the last of them left the issue unresolved.
    A transfer is the brand's doing: charged once as a transfer, never as a repeat or a switch.
    """
    if not transferred:
        customer.contacts += 1
        if customer.contacts > 1 and not customer.open_issue:
            add_effort(ctx, customer)  # a repeat contact after a resolved one
        if customer.last_channel is not None and customer.last_channel != kind:
            customer.switches += 1
            add_effort(ctx, customer)  # a channel switch
    customer.last_channel = kind


def unresolved(ctx: RunContext, customer: Customer) -> None:
    """A contact that did not resolve the issue (blocked, balked, abandoned or unresolved): a bad moment and E + 1."""
    m = ctx.model.moments
    customer.moments.append(m.met_expectations - m.unresolved_penalty)
    customer.effort += 1
    customer.open_issue = True


def complete_order(ctx: RunContext, customer: Customer, touchpoint: str) -> None:
    """The agent completes the order a failure lost: the same order, its value recovered."""
    failure = customer.lost_order
    customer.lost_order = None
    customer.ordered = True
    ctx.emit(
        OrderPlaced(
            time=ctx.env.now, customer=customer.id, touchpoint=touchpoint, value=customer.order_value, recovered_from=failure
        )
    )


def contact(
    ctx: RunContext, customer: Customer, channel: StaffedChannel, transferred: bool = False
) -> Generator[simpy.Event, Any, bool]:
    """Contact a staffed touchpoint; return True if the issue was resolved.

    Every attempt at a service touchpoint counts as a contact, even one that cannot get through
    (docs/model.md, section 1); whatever the stage, a contact that leaves the issue unresolved is
    an unresolved moment and one effort driver.
    """
    track = ctx.tracks_experience
    spec = channel.spec
    kind = spec.channel
    service = spec.stage == "service"  # a contact with service; a till at the purchase stage is a step of the journey
    if not channel.is_open:  # outside its opening hours: nobody to reach, nothing offered, a contact that failed
        if track:
            if service:
                count_contact(ctx, customer, kind, transferred)
            unresolved(ctx, customer)
        yield channel.closed(customer.id)
        return False
    incident = ctx.incident_at.get(channel.name)
    if incident is not None:
        ctx.incidents.affect(customer, incident, voice=False)
        if incident.spec.effect != "delay":  # the channel is down: a contact that failed
            if track:
                if service:
                    count_contact(ctx, customer, kind, transferred)
                unresolved(ctx, customer)
            yield channel.block(customer.id)
            return False
        yield ctx.env.timeout(incident.spec.delay_min)
    if not track:
        ticket: Ticket = yield channel.join(customer.id, customer.patience_factor)
        if ticket.outcome == RESOLVED and spec.completes_orders and customer.lost_order is not None:
            complete_order(ctx, customer, channel.name)
        return ticket.outcome == RESOLVED
    m = ctx.model.moments
    if service:
        count_contact(ctx, customer, kind, transferred)
    ticket = yield channel.join(customer.id, customer.patience_factor)
    outcome = ticket.outcome
    if outcome == BALKED:
        unresolved(ctx, customer)
        return False
    scale = m.wait_scale_min.get(kind, m.default_wait_scale_min)
    customer.moments.append(wait_moment(ticket.wait, scale, m, m.callback_wait_factor if ticket.callback else 1.0))
    if ticket.wait > m.long_hold_min:
        customer.effort += 1  # a long hold, whatever comes after it
    if outcome == ABANDONED:
        unresolved(ctx, customer)
        return False
    if (  # at most one transfer per contact
        not transferred
        and spec.transfer_to is not None
        and spec.transfer_probability > 0
        and transfer_draw(ctx, customer, kind) < spec.transfer_probability
    ):
        add_effort(ctx, customer)  # transferred: explain it all again, and queue again
        resolved = yield from contact(ctx, customer, ctx.channels[spec.transfer_to], transferred=True)
        return resolved
    resolved = outcome == RESOLVED
    if resolved:
        customer.open_issue = False
        if spec.completes_orders and customer.lost_order is not None:
            complete_order(ctx, customer, channel.name)
    else:
        unresolved(ctx, customer)
    if customer.hits:
        deliver_on_contact(ctx, customer, resolved=resolved)
    return resolved


def transfer_draw(ctx: RunContext, customer: Customer, channel: str) -> float:
    """A uniform draw deciding whether an agent transfers this customer (keyed by customer and contact)."""
    return ctx.draws.transfer(customer.id, customer.journeys * 1024 + customer.contacts + stream_key(channel) % 512)
