"""``Walk``: drives one journey generator on SimPy events without a full ``simpy.Process``.

A Process costs two extra scheduled events per customer (its start and its end); a journey
needs neither, because nothing waits for it to finish. The generator starts at once and is
resumed from each event it yields, with SimPy's own semantics: the value of an event that
succeeded is sent in; a copy of the exception of an event that failed is thrown in, chained
to the original, and the event is defused so the environment does not raise it again; an
exception the journey does not catch propagates to whoever ran the environment.

``Pause`` is the journey's own timeout: one per journey, re-armed for every self-service step,
instead of a new ``simpy.Timeout`` each time (the arrival process re-arms one too).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, cast

import simpy
from simpy.events import NORMAL, Timeout

from sim.engine.fastpath import outcome


class Pause(Timeout):
    """A timeout that can be armed again once it has fired: ``Pause(env, delay)``, then ``yield pause.after(delay)``.

    Made, it is an ordinary ``env.timeout(delay)``; armed again, it is scheduled exactly as a new
    one would be (NORMAL priority, the next event id), so swapping one for the other changes no
    run. It keeps the outcome of a succeeded timeout with the value None. Only one wait at a
    time: arm it again only after the last one fired.
    """

    def after(self, delay: float) -> Pause:
        """Fire ``delay`` minutes from now; returns itself, to be yielded or given a callback."""
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        self.callbacks = []
        self.env.schedule(self, NORMAL, delay)
        return self


class _Begun:
    """What starts a walk: an event that succeeded with None, so the first step is an ordinary resumption."""

    _ok = True
    _value = None


_BEGUN = cast(simpy.Event, _Begun())


class Walk:
    """One journey in progress."""

    __slots__ = ("_gen",)

    def __init__(self, gen: Generator[simpy.Event, Any, None]) -> None:
        self._gen = gen
        self._resume(_BEGUN)

    @staticmethod
    def _exclusive(exc: BaseException) -> BaseException:
        """A copy of a failed event's exception for this journey, chained to the original (as SimPy does)."""
        copy = type(exc)(*exc.args)
        copy.__cause__ = exc
        return copy

    def _resume(self, event: simpy.Event) -> None:
        """Run the journey from ``event`` up to the next event it has to wait for (or its end)."""
        gen = self._gen
        ok, value = outcome(event)
        while True:
            try:
                if ok:
                    event = gen.send(value)
                else:
                    event.defused = True
                    event = gen.throw(self._exclusive(cast(BaseException, value)))
            except StopIteration:
                return
            callbacks: list[Callable[[simpy.Event], None]] | None = event.callbacks  # None once processed
            if callbacks is not None:
                callbacks.append(self._resume)
                return
            ok, value = outcome(event)  # already processed: continue at once
