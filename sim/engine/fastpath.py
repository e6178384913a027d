"""The only module that touches SimPy's private event fields, for the engine's two shortcuts.

SimPy exposes no public way to (a) succeed an event and run its callbacks *now*, inside the
current moment, or (b) schedule an already-succeeded event with URGENT priority. The engine
needs both on its hottest paths, so they live here, behind two small functions with their own
tests (``tests/sim/test_fastpath.py``), and ``pyproject.toml`` pins ``simpy<5`` so a new major
version cannot change these fields under us unnoticed.
"""

from __future__ import annotations

from typing import Any

import simpy
from simpy.events import URGENT, Event


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
