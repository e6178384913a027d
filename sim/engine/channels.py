"""A staffed touchpoint: agents, a first-come-first-served queue, abandonment, call-backs.

The channel keeps its own queue instead of a SimPy process per waiting customer: a join
returns one SimPy event that succeeds with the outcome (served, abandoned, balked), and
patience, call-back offers and handling are timeouts with callbacks. That is the M/M/N+G
queue of Erlang C and A exactly, with a few objects per customer.

Staffing is counted in *slots* (agents x concurrency). Agents taken off duty while busy
finish their customer first, then leave.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import cast

import simpy
from simpy.events import Event, Timeout

from sim.engine.fastpath import resume_now
from sim.engine.hot_records import HotRecords
from sim.records import (
    CallbackAccepted,
    ContactBalked,
    Record,
    StaffingChanged,
)
from sim.rng import RandomStreams
from sim.scenario.distributions import Sampler, sampler, uniform_sampler
from sim.scenario.schema import Callback, Staffed

# Outcomes a join event succeeds with.
RESOLVED = 0
UNRESOLVED = 1
ABANDONED = 2
BALKED = 3

_WAITING, _SERVING, _DONE, _ABANDONED, _CALLBACK = range(5)


class Ticket:
    """One customer's contact with the channel, from joining to leaving."""

    __slots__ = ("callback", "customer", "event", "handle", "outcome", "since", "start", "state", "wait")

    def __init__(self, customer: int, since: float, event: Event | None) -> None:
        self.customer = customer
        self.since = since
        # the join event to resume, until it is resumed: the event's value is the ticket, so keeping
        # it after would make a reference cycle per contact that only the cyclic GC could free
        self.event = event
        self.state = _WAITING
        self.callback = False
        self.start = since
        self.handle = 0.0
        self.outcome = BALKED
        self.wait = 0.0  # minutes in the queue (until answered, abandoning or leaving)


class StaffedChannel:
    """Agents serving one staffed touchpoint's queue."""

    def __init__(
        self, env: simpy.Environment, name: str, spec: Staffed, streams: RandomStreams, emit: Callable[[Record], None],
        hot: HotRecords,
    ) -> None:  # fmt: skip
        self.env = env
        self.name = name
        self.spec = spec
        self.emit = emit
        self.hot = hot  # the most frequent records, straight to the metrics when nobody else listens
        self._handle: Sampler = sampler(spec.handle_min, streams[f"handle.{name}"])
        self._patience: Sampler | None = (
            sampler(spec.patience_min, streams[f"patience.{name}"]) if spec.patience_min is not None else None
        )
        self._resolve = uniform_sampler(streams[f"resolve.{name}"])
        self._accept = uniform_sampler(streams[f"callback.{name}"])
        self.callback_offer: Callback | None = spec.callback
        # NOTE: read once (the spec is frozen) and bound once: each is used on every contact
        self._max_queue = spec.max_queue
        self._target_sec = spec.service_level_sec
        self._p_resolve = spec.resolution_probability
        self._done_callback = self._on_done
        self._patience_callback = self._on_patience
        self.is_open = True  # outside its opening hours (set by the simulation's clock) the channel is closed
        self.concurrency = spec.concurrency
        self.scheduled_agents = 0
        self.extra_agents = 0
        self.agents = 0
        self.free = 0
        self.busy = 0
        self.retiring = 0
        self.queue: deque[Ticket] = deque()
        self.callbacks: deque[Ticket] = deque()
        self.waiting = 0
        # Live indicators for decision triggers (since the start, warm-up included).
        self.offered = 0
        self.abandoned = 0
        self.answered = 0
        self.answered_in_target = 0
        self.wait_total = 0.0

    # --- staffing ------------------------------------------------------------------------------------

    def set_staffing(self, *, scheduled: int | None = None, extra: int | None = None) -> None:
        """Change the shift level or the extra agents; agents on duty = max(0, scheduled + extra)."""
        if scheduled is not None:
            self.scheduled_agents = scheduled
        if extra is not None:
            self.extra_agents = extra
        target = max(0, self.scheduled_agents + self.extra_agents)
        if target == self.agents:
            return
        delta = (target - self.agents) * self.concurrency
        self.agents = target
        # the change is recorded first: the services it starts come after it in the record stream
        self.emit(StaffingChanged(time=self.env.now, touchpoint=self.name, agents=target))
        if delta > 0:
            back = min(delta, self.retiring)
            self.retiring -= back
            self.free += delta - back
            self._dispatch()
        else:
            cut = min(-delta, self.free)
            self.free -= cut
            self.retiring += -delta - cut

    def offer_callbacks(self, offer_after_wait_min: float, accept_probability: float) -> None:
        """From now on, offer a call back to customers who have waited ``offer_after_wait_min`` minutes."""
        self.callback_offer = Callback(offer_after_wait_min=offer_after_wait_min, accept_probability=accept_probability)

    # --- customers ----------------------------------------------------------------------------------

    def join(self, customer: int, patience_factor: float = 1.0) -> Event:
        """A customer contacts the channel; the returned event succeeds with the ``Ticket`` (outcome, wait)."""
        env = self.env
        now = env.now
        event = Event(env)
        ticket = Ticket(customer, now, event)
        self.offered += 1
        if self.free > 0:
            self._start(ticket, False)
            return event
        max_queue = self._max_queue
        if max_queue is not None and self.waiting >= max_queue:
            self.emit(ContactBalked(time=now, customer=customer, touchpoint=self.name, reason="queue_full"))
            ticket.event = None
            event.succeed(ticket)
            return event
        self.queue.append(ticket)
        self.waiting += 1
        self.hot.queued(now, customer, self.name, self.waiting)
        if self._patience is not None:
            Timeout(env, self._patience() * patience_factor, ticket).callbacks.append(self._patience_callback)
        offer = self.callback_offer
        if offer is not None:
            Timeout(env, offer.offer_after_wait_min, ticket).callbacks.append(self._on_offer)
        return event

    def closed(self, customer: int) -> Event:
        """A customer tries the channel outside its opening hours: it is closed, not offered; they leave at once."""
        event = Event(self.env)
        self.emit(ContactBalked(time=self.env.now, customer=customer, touchpoint=self.name, reason="closed"))
        event.succeed(Ticket(customer, self.env.now, None))
        return event

    def block(self, customer: int) -> Event:
        """A customer cannot get through (the channel is down): they leave at once."""
        self.offered += 1
        event = Event(self.env)
        self.emit(ContactBalked(time=self.env.now, customer=customer, touchpoint=self.name, reason="incident"))
        event.succeed(Ticket(customer, self.env.now, None))
        return event

    def _start(self, ticket: Ticket, queued: bool) -> None:
        """An agent answers the ticket (``queued``: after it waited in the queue)."""
        env = self.env
        now = env.now
        self.free -= 1
        self.busy += 1
        ticket.state = _SERVING
        ticket.start = now
        since, callback = ticket.since, ticket.callback
        ticket.wait = wait = now - since
        if not callback:
            self.answered += 1
            self.wait_total += wait
            if wait * 60.0 <= self._target_sec:
                self.answered_in_target += 1
        self.hot.started(now, ticket.customer, self.name, since, wait, callback, queued)
        ticket.handle = handle = self._handle()
        Timeout(env, handle, ticket).callbacks.append(self._done_callback)

    def _on_done(self, timeout: Event) -> None:
        ticket = cast(Ticket, timeout.value)
        ticket.state = _DONE
        p_resolve = self._p_resolve
        resolved = p_resolve >= 1.0 or self._resolve() < p_resolve
        self.busy -= 1
        if self.retiring:
            self.retiring -= 1
        else:
            self.free += 1
        self.hot.served(
            self.env.now, ticket.customer, self.name, ticket.since, ticket.start - ticket.since, ticket.handle, resolved,
            ticket.callback,
        )  # fmt: skip
        ticket.outcome = RESOLVED if resolved else UNRESOLVED
        self._dispatch()  # the freed agent goes to the queue first, as if the customer left
        event, ticket.event = ticket.event, None  # the ticket lets go of its event (see Ticket.__init__)
        resume_now(cast(Event, event), ticket)

    def _dispatch(self) -> None:
        queue = self.queue
        while self.free > 0 and queue:
            ticket = queue.popleft()
            if ticket.state == _WAITING:
                self.waiting -= 1
                self._start(ticket, True)
        callbacks = self.callbacks
        while self.free > 0 and callbacks:
            self._start(callbacks.popleft(), True)

    def _on_patience(self, timeout: Event) -> None:
        ticket = cast(Ticket, timeout.value)
        if ticket.state != _WAITING:
            return
        ticket.state = _ABANDONED
        self.waiting -= 1
        self.abandoned += 1
        now = self.env.now
        ticket.wait = wait = now - ticket.since
        self.wait_total += wait
        self.hot.abandoned(now, ticket.customer, self.name, ticket.since, wait)
        ticket.outcome = ABANDONED
        event, ticket.event = ticket.event, None
        resume_now(cast(Event, event), ticket)

    def _on_offer(self, timeout: Event) -> None:
        ticket = cast(Ticket, timeout.value)
        offer = self.callback_offer
        if ticket.state != _WAITING or offer is None or self._accept() >= offer.accept_probability:
            return
        ticket.state = _CALLBACK
        ticket.callback = True
        self.waiting -= 1
        self.callbacks.append(ticket)
        now = self.env.now
        self.emit(
            CallbackAccepted(
                time=now, customer=ticket.customer, touchpoint=self.name, since=ticket.since, wait_min=now - ticket.since
            )
        )

    # --- live indicators ----------------------------------------------------------------------------

    def indicator(self, metric: str) -> float:
        """Current value of a decision-trigger indicator (rates since the start)."""
        if metric == "queue_length":
            return float(self.waiting)
        left = self.answered + self.abandoned
        if metric == "abandon_rate":
            return self.abandoned / left if left else 0.0
        if metric == "wait_mean_min":
            return self.wait_total / left if left else 0.0
        if metric == "service_level":
            return self.answered_in_target / left if left else 1.0
        raise ValueError(f"unknown indicator {metric!r}")
