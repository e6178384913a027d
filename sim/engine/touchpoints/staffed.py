"""Staffed touchpoints: a customer contacts agents (phone, chat, email, a store counter) and queues.

The queue itself is ``sim.engine.channels.StaffedChannel``; this module is the customer's side
of a contact: getting through (or not, while the channel is down), the wait and how it feels,
repeat contacts and channel switches as effort, transfers, unresolved contacts, and the
recovery of any failure the customer raises with the agent.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any, ClassVar, cast

import simpy

from sim.engine.channels import ABANDONED, BALKED, RESOLVED, StaffedChannel, Ticket
from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.engine.responses import deliver_on_contact
from sim.records import OrderPlaced
from sim.rng import stream_key
from sim.scenario.customer_model import Moments
from sim.scenario.schema import Staffed


class ContactTerms:
    """What a tracked contact with one staffed touchpoint reads of the scenario, read once per run.

    A contact is the customer model's most frequent step; the scenario is frozen, so its channel,
    stage, transfer and wait-moment settings are looked up here once instead of on every contact.
    """

    __slots__ = ("callback_factor", "completes_orders", "kind", "long_hold", "met", "scale", "service", "transfers", "weight")

    def __init__(self, spec: Staffed, m: Moments) -> None:
        self.kind = spec.channel
        self.service = spec.stage == "service"  # a contact with service; a till at the purchase stage is a step of the journey
        self.transfers = spec.transfer_to is not None and spec.transfer_probability > 0
        self.completes_orders = spec.completes_orders
        self.long_hold = m.long_hold_min
        self.met, self.weight = m.met_expectations, m.wait_weight
        self.scale = m.wait_scale_min.get(spec.channel, m.default_wait_scale_min)
        self.callback_factor = m.callback_wait_factor

    def wait_affect(self, wait_min: float, callback: bool) -> float:
        """``wait_moment(wait_min, scale, moments, factor)`` on this channel's constants: the same number."""
        felt = wait_min * (self.callback_factor if callback else 1.0)
        a = self.met - self.weight * (1.0 - math.exp(-felt / self.scale))
        return -1.0 if a < -1.0 else 1.0 if a > 1.0 else a


class StaffedTouchpoint:
    """A touchpoint served by agents from one first-come-first-served queue, with shifts, abandonment and call-backs."""

    kind: ClassVar[str] = "staffed"
    spec_class: ClassVar[type[Staffed]] = Staffed

    def __init__(self, ctx: RunContext, name: str, spec: Staffed) -> None:
        self.name = name
        self.spec = spec
        self.stage: str = spec.stage
        self.channel = StaffedChannel(ctx.env, name, spec, ctx.streams, ctx.emit, ctx.hot)
        self.terms = ContactTerms(spec, ctx.model.moments)
        ctx.channels[name] = self.channel

    def visit(self, ctx: RunContext, customer: Customer) -> Generator[simpy.Event, Any, bool]:
        """Contact the agents; True if the issue was resolved."""
        return contact(ctx, customer, self)


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
    ctx: RunContext, customer: Customer, touchpoint: StaffedTouchpoint, transferred: bool = False
) -> Generator[simpy.Event, Any, bool]:
    """Contact a staffed touchpoint; return True if the issue was resolved.

    Every attempt at a service touchpoint counts as a contact, even one that cannot get through
    (docs/model.md, section 1); whatever the stage, a contact that leaves the issue unresolved is
    an unresolved moment and one effort driver.
    """
    track = ctx.tracks_experience
    channel, terms = touchpoint.channel, touchpoint.terms
    if not channel.is_open:  # outside its opening hours: nobody to reach, nothing offered, a contact that failed
        if track:
            if terms.service:
                count_contact(ctx, customer, terms.kind, transferred)
            unresolved(ctx, customer)
        yield channel.closed(customer.id)
        return False
    incident = ctx.incident_at.get(channel.name)
    if incident is not None:
        ctx.incidents.affect(customer, incident, voice=False)
        if incident.spec.effect != "delay":  # the channel is down: a contact that failed
            if track:
                if terms.service:
                    count_contact(ctx, customer, terms.kind, transferred)
                unresolved(ctx, customer)
            yield channel.block(customer.id)
            return False
        yield ctx.env.timeout(incident.spec.delay_min)
    if not track:
        ticket: Ticket = yield channel.join(customer.id, customer.patience_factor)
        if ticket.outcome == RESOLVED and terms.completes_orders and customer.lost_order is not None:
            complete_order(ctx, customer, channel.name)
        return ticket.outcome == RESOLVED
    if terms.service:
        count_contact(ctx, customer, terms.kind, transferred)
    ticket = yield channel.join(customer.id, customer.patience_factor)
    outcome = ticket.outcome
    if outcome == BALKED:
        unresolved(ctx, customer)
        return False
    wait = ticket.wait
    customer.moments.append(terms.wait_affect(wait, ticket.callback))  # wait_moment
    if wait > terms.long_hold:
        customer.effort += 1  # a long hold, whatever comes after it
    if outcome == ABANDONED:
        unresolved(ctx, customer)
        return False
    spec = channel.spec
    if (  # at most one transfer per contact
        not transferred and terms.transfers and transfer_draw(ctx, customer, terms.kind) < spec.transfer_probability
    ):
        add_effort(ctx, customer)  # transferred: explain it all again, and queue again
        target = cast(StaffedTouchpoint, ctx.touchpoints[cast(str, spec.transfer_to)])  # validated: a staffed touchpoint
        resolved = yield from contact(ctx, customer, target, transferred=True)
        return resolved
    resolved = outcome == RESOLVED
    if resolved:
        customer.open_issue = False
        if terms.completes_orders and customer.lost_order is not None:
            complete_order(ctx, customer, channel.name)
    else:
        unresolved(ctx, customer)
    if customer.hits:
        deliver_on_contact(ctx, customer, resolved=resolved)
    return resolved


def transfer_draw(ctx: RunContext, customer: Customer, channel: str) -> float:
    """A uniform draw deciding whether an agent transfers this customer (keyed by customer and contact)."""
    return ctx.draws.transfer(customer.id, customer.journeys * 1024 + customer.contacts + stream_key(channel) % 512)
