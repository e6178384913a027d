"""The only module that touches SimPy's private event fields, for the engine's two shortcuts.

SimPy exposes no public way to (a) succeed an event and run its callbacks *now*, inside the
current moment, or (b) schedule an already-succeeded event with URGENT priority, and (c) its
``Environment.run`` calls ``step`` once per event. The engine needs these on its hottest paths,
so they live here, behind two small functions with their own
tests (``tests/sim/test_fastpath.py``), and ``pyproject.toml`` pins ``simpy<5`` so a new major
version cannot change these fields under us unnoticed.
"""

from __future__ import annotations

from heapq import heappop
from typing import Any

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import URGENT, Event, EventPriority


class Environment(simpy.Environment):
    """SimPy's environment, whose ``run(until=event)`` processes events in a loop of its own.

    NOTE: the loop is ``Environment.step`` written into ``run`` (the same pop, the same callback
    order, the same handling of a stop and of a failed event nobody defused), without a method
    call per event: a run processes some 150,000 events. Any other ``until`` is SimPy's own run.
    """

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
                    raise EmptySchedule from None
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
