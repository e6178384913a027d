"""What a view may read of a running simulation: a frozen snapshot of its state at one instant.

Front ends (the game, a dashboard) draw from this instead of reaching into the engine's
channels and incidents, so the engine can change inside without breaking them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of one run at ``now`` (sim minutes)."""

    now: float


def take_snapshot(sim: Any) -> Snapshot:
    """Read the parts of a running ``Simulation`` a view needs (a placeholder the game work fills in)."""
    return Snapshot(now=sim.now)
