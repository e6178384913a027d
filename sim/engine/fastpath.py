"""The only module that touches SimPy's private fields, for the engine's shortcuts on its hottest paths.

SimPy exposes no public way to (a) succeed an event and run its callbacks *now*, inside the
current moment, or (b) schedule an already-succeeded event with URGENT priority; (c) its
``Environment.run`` calls ``step`` once per event; and (d) it keeps every scheduled event in one
heap. The engine needs these on its hottest paths (and reads an event's outcome without its Python
properties), so they live here, behind a few small functions and an environment with their own
tests (``tests/sim/test_fastpath.py``), and ``pyproject.toml`` pins ``simpy<5`` so a new major
version cannot change these fields under us unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import simpy
from simpy.core import EmptySchedule, Infinity, SimTime, StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority


class Environment(simpy.Environment):
    """SimPy's environment with a two-tier event calendar, whose ``run(until=event)`` processes events in a loop of its own.

    NOTE: the calendar. A run keeps a few thousand events pending, nearly all of them days away
    (customers coming back, referred friends, parcels on their way), and only a few dozen due
    within the hour (the steps customers are taking now). In one heap every push and pop pays for
    all of them: about twelve tuple comparisons each, a tenth of a run. So the events due before
    ``_edge`` live in SimPy's heap, ``_queue``, and the later ones in ``_far``: unsorted lists, one
    per hour of sim time (``BUCKET_MINUTES``), whose hours are kept in the heap ``_hours``. When
    ``_queue`` runs dry, the earliest hour's events are sorted into it and ``_edge`` moves to that
    hour's end. Every event in ``_queue`` is due before every event in ``_far``, so they still come
    out in SimPy's order (time, priority, event id): the same run, event for event.

    NOTE: the loop is ``Environment.step`` written into ``run`` (the same pop, the same callback
    order, the same handling of a stop and of a failed event nobody defused), without a method
    call per event: a run processes some 150,000 events. Any other ``until`` is SimPy's own run,
    through this class's ``step``.
    """

    BUCKET_MINUTES = 60.0
    """The sim time each list of far events spans: what the near heap takes in when it is refilled."""

    if TYPE_CHECKING:

        @property
        def now(self) -> SimTime: ...

    else:  # NOTE: SimPy's ``now``, read by C (``attrgetter``) instead of a Python method: a run reads it some 400,000 times
        now = property(attrgetter("_now"), doc="The current simulation time.")

    def __init__(self, initial_time: SimTime = 0) -> None:
        super().__init__(initial_time)
        self._far: dict[float, list[tuple[SimTime, EventPriority, int, Event]]] = {}  # by hour: the events due then
        self._hours: list[float] = []  # a heap of the hours in ``_far``
        self._edge: float = float(initial_time) + self.BUCKET_MINUTES  # _queue holds what is due before it

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: SimTime = 0) -> None:
        """Schedule ``event`` ``delay`` minutes from now, as SimPy does: in the near heap, or in its hour's list."""
        at = self._now + delay
        entry = (at, priority, next(self._eid), event)
        if at < self._edge or self._edge == Infinity:  # (once the events at infinity are due, all are near)
            heappush(self._queue, entry)
            return
        # NOTE: ``at // 60`` is the exact floor of at / 60 (fmod is exact, and so is the multiple of 60
        # it leaves, below 2**53 minutes), so an hour's events are due before ``(hour + 1) * 60`` and
        # the later hours' at or after it: the near and far tiers never overlap. inf // 60 is nan.
        hour = at // self.BUCKET_MINUTES if at < Infinity else Infinity
        bucket = self._far.get(hour)
        if bucket is None:
            self._far[hour] = [entry]
            heappush(self._hours, hour)
        else:
            bucket.append(entry)

    def _refill(self) -> bool:
        """Move the earliest hour's far events, sorted, into the (empty) near heap."""
        if not self._hours:
            return False
        hour = heappop(self._hours)
        bucket = self._far.pop(hour)
        bucket.sort()  # (time, priority, event id): the order SimPy's heap gives; a sorted list is a heap
        self._queue.extend(bucket)  # the same list: ``run`` holds it in a local
        self._edge = (hour + 1) * self.BUCKET_MINUTES  # inf for the events scheduled at infinity
        return True

    def peek(self) -> SimTime:
        """The time of the next scheduled event (``Infinity`` if there is none), as SimPy's ``peek``."""
        if self._queue:
            return self._queue[0][0]
        return min(self._far[self._hours[0]])[0] if self._hours else Infinity

    def step(self) -> None:
        """Process the next event, as SimPy's ``step`` (``EmptySchedule`` if there is none)."""
        if not self._queue and not self._refill():
            raise EmptySchedule
        super().step()

    def run(self, until: Any = None) -> Any:
        if not isinstance(until, Event) or until.callbacks is None:
            return super().run(until)
        until.callbacks.append(StopSimulation.callback)
        queue = self._queue
        try:
            while True:
                try:
                    self._now, _, _, event = heappop(queue)
                except IndexError:
                    if not self._refill():
                        raise EmptySchedule from None
                    continue
                callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
                try:
                    for callback in callbacks:
                        callback(event)
                except StopSimulation:  # as SimPy: the callbacks after the stop run when the run resumes
                    event.callbacks = callbacks[callbacks.index(callback) + 1 :]
                    self.schedule(event, EventPriority(-1))
                    raise
                if not event._ok and not hasattr(event, "_defused"):
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    raise exc
        except StopSimulation as stop:
            return stop.args[0]
        except EmptySchedule:
            raise RuntimeError(f'No scheduled events left but "until" event was not triggered: {until}') from None


outcome: Callable[[Event], tuple[bool, Any]] = attrgetter("_ok", "_value")
"""``(event.ok, event.value)`` of an event that has been triggered, in one C call instead of two Python properties.

NOTE: a journey reads both of every event it waits for (``sim.engine.walk``), some 150,000 a run.
"""


def resume_now(event: Event, value: Any) -> None:
    """Succeed ``event`` and run its callbacks at once, as ``Environment.step`` would when it pops it.

    NOTE: the customer's journey goes on inside this moment's callback instead of one heap push
    and pop later (a queueing study makes millions); nothing else can happen between the two at
    the same sim time that the journey could notice, because the agent is already dispatched.
    """
    event._ok = True
    event._value = value
    callbacks = event.callbacks
    event.callbacks = None  # type: ignore[assignment]  # SimPy marks a processed event so
    for callback in callbacks:
        callback(event)


def trigger_urgently(env: simpy.Environment, event: Event, delay: float = 0.0) -> None:
    """Succeed ``event`` (with None) ``delay`` minutes from now, before any normal event of that instant.

    ``Event.succeed`` always schedules with NORMAL priority; stopping ``advance_to`` exactly at
    its time, before the processes of that instant run, needs URGENT.
    """
    event._ok = True
    event._value = None
    env.schedule(event, URGENT, delay)
