"""The only module that touches SimPy's private event fields, for the engine's two shortcuts.

SimPy exposes no public way to (a) succeed an event and run its callbacks *now*, inside the
current moment, or (b) schedule an already-succeeded event with URGENT priority; (c) its
``Environment.run`` calls ``step`` once per event; and (d) it keeps every scheduled event in one
heap. The engine needs these on its hottest paths, so they live here, behind two small functions
and an environment with their own tests (``tests/sim/test_fastpath.py``), and ``pyproject.toml``
pins ``simpy<5`` so a new major version cannot change these fields under us unnoticed.
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
    (customers coming back, referred friends, shifts), and only a few dozen due within the hour
    (the steps customers are taking now). In one heap every push and pop pays for all of them:
    about twelve tuple comparisons each, a tenth of a run. So the events due before ``_edge``
    live in SimPy's ``_queue`` and the later ones in ``_far``; when ``_queue`` runs dry, the far
    events due within ``NEAR_MINUTES`` of the earliest of them move over, in order. Every event
    in ``_queue`` is due before every event in ``_far``, so they still come out in SimPy's order
    (time, priority, event id): the same run, event for event.

    NOTE: the loop is ``Environment.step`` written into ``run`` (the same pop, the same callback
    order, the same handling of a stop and of a failed event nobody defused), without a method
    call per event: a run processes some 150,000 events. Any other ``until`` is SimPy's own run,
    through this class's ``step``.
    """

    NEAR_MINUTES = 60.0
    """How far ahead of the earliest far event the near heap reaches when it is refilled."""

    if TYPE_CHECKING:

        @property
        def now(self) -> SimTime: ...

    else:  # NOTE: SimPy's ``now``, read by C (``attrgetter``) instead of a Python method: a run reads it some 400,000 times
        now = property(attrgetter("_now"), doc="The current simulation time.")

    def __init__(self, initial_time: SimTime = 0) -> None:
        super().__init__(initial_time)
        self._far: list[tuple[SimTime, EventPriority, int, Event]] = []
        self._edge: float = float(initial_time) + self.NEAR_MINUTES  # _queue holds what is due before it

    def schedule(self, event: Event, priority: EventPriority = NORMAL, delay: SimTime = 0) -> None:
        """Schedule ``event`` ``delay`` minutes from now, as SimPy does, in the near or the far heap."""
        at = self._now + delay
        heappush(self._queue if at < self._edge else self._far, (at, priority, next(self._eid), event))

    def _refill(self) -> bool:
        """Move the far events due within ``NEAR_MINUTES`` of the earliest one into the (empty) near heap."""
        far = self._far
        if not far:
            return False
        edge = far[0][0] + self.NEAR_MINUTES
        self._edge = edge
        near = self._queue  # the same list: ``run`` holds it in a local
        while far and far[0][0] < edge:
            near.append(heappop(far))  # popped in order: a sorted list is a heap
        return True

    def peek(self) -> SimTime:
        """The time of the next scheduled event (``Infinity`` if there is none), as SimPy's ``peek``."""
        if self._queue:
            return self._queue[0][0]
        return self._far[0][0] if self._far else Infinity

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
