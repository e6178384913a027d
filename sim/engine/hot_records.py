"""How the engine reports its most frequent moments: one callable per record type.

When only the metrics listen, each callable is the metrics' own primitive, so no record object
is built (a queueing study makes millions); when an observer listens (a log, the game), each
builds the record and routes it to everyone. Arguments are positional, in the record's field
order, which is read from the record class itself so the two can never drift apart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

from sim.records import (
    ContactAbandoned,
    ContactQueued,
    ContactServed,
    CustomerArrived,
    JourneyEnded,
    JourneyRemembered,
    Record,
    ServiceStarted,
    TouchpointVisited,
)
from sim.results.metrics import Metrics


class HotRecords:
    """The eight most frequent records, each as a positional callable (see the module docstring)."""

    KINDS: ClassVar[dict[str, tuple[type[Record], str]]] = {
        "arrived": (CustomerArrived, "on_arrived"),
        "visited": (TouchpointVisited, "on_visited"),
        "queued": (ContactQueued, "on_queued"),
        "started": (ServiceStarted, "on_started"),
        "served": (ContactServed, "on_served"),
        "abandoned": (ContactAbandoned, "on_abandoned"),
        "journey_ended": (JourneyEnded, "on_journey_ended"),
        "remembered": (JourneyRemembered, "on_remembered"),
    }
    __slots__ = tuple(KINDS)

    # The callables, as set by ``wire`` (typed for readers and checkers).
    arrived: Callable[..., None]
    visited: Callable[..., None]
    queued: Callable[..., None]
    started: Callable[..., None]
    served: Callable[..., None]
    abandoned: Callable[..., None]
    journey_ended: Callable[..., None]
    remembered: Callable[..., None]

    def wire(self, emit: Callable[[Record], None], metrics: Metrics, observed: bool) -> None:
        """Point every callable at the metrics (nobody else listens) or at record builders."""
        for attr, (kind, primitive) in self.KINDS.items():
            if observed:
                names = [f.name for f in dataclasses.fields(kind)]
                setattr(self, attr, _builder(emit, kind, names))
            else:
                setattr(self, attr, getattr(metrics, primitive))


def _builder(emit: Callable[[Record], None], kind: type[Record], names: list[str]) -> Callable[..., None]:
    def build(*args: Any) -> None:
        emit(kind(**dict(zip(names, args, strict=True))))

    return build
