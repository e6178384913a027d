"""Replay a run from its seed and command log: the same inputs give the same run, bit for bit."""

from __future__ import annotations

from collections.abc import Iterable

from .commands import Choose, LoggedCommand
from .model import Observer, Simulation
from .scenario import Scenario


def replay(
    scenario: Scenario,
    commands: Iterable[LoggedCommand],
    *,
    policy: str | None = None,
    seed: int | None = None,
    observers: Iterable[Observer] = (),
    horizon_days: float | None = None,
) -> Simulation:
    """Re-run an interactive session: advance to each command's time, apply it, then run to the end."""
    sim = Simulation(scenario, policy=policy, seed=seed, observers=observers, interactive=True, horizon_days=horizon_days)
    for logged in commands:
        sim.advance_to(logged.time)
        if isinstance(logged.command, Choose):
            sim.settle(logged.command.decision)
        sim.apply(logged.command)
    while not sim.finished:
        pending = list(sim.pending_decisions)
        if pending and sim.paused:
            break  # the session ended with a decision unanswered
        sim.advance_to(sim.horizon)
    return sim
