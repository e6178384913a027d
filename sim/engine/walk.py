"""``Walk``: drives one journey generator on SimPy events without a full ``simpy.Process``.

A Process costs two extra scheduled events per customer (its start and its end); a journey
needs neither, because nothing waits for it to finish. The generator starts at once and is
resumed from each event it yields, with SimPy's own semantics: the value of an event that
succeeded is sent in; a copy of the exception of an event that failed is thrown in, chained
to the original, and the event is defused so the environment does not raise it again; an
exception the journey does not catch propagates to whoever ran the environment.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy


class Walk:
    """One journey in progress."""

    __slots__ = ("_gen",)

    def __init__(self, gen: Generator[simpy.Event, Any, None]) -> None:
        self._gen = gen
        self._step(True, None)

    def _resume(self, event: simpy.Event) -> None:
        ok = event.ok
        if not ok:
            event.defused = True
        self._step(ok, event.value)

    @staticmethod
    def _exclusive(exc: BaseException) -> BaseException:
        """A copy of a failed event's exception for this journey, chained to the original (as SimPy does)."""
        copy = type(exc)(*exc.args)
        copy.__cause__ = exc
        return copy

    def _step(self, ok: bool, value: Any) -> None:
        gen = self._gen
        while True:
            try:
                event = gen.send(value) if ok else gen.throw(self._exclusive(value))
            except StopIteration:
                return
            callbacks: list[Callable[[simpy.Event], None]] | None = event.callbacks  # None once processed
            if callbacks is not None:
                callbacks.append(self._resume)
                return
            ok = event.ok  # already processed: continue at once
            if not ok:
                event.defused = True
            value = event.value
