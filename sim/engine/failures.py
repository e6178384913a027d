"""Failures: when a touchpoint breaks, for how long, and who runs into it.

An ``Incident`` is one occurrence of a failure: it starts, collects the customers it affects,
carries the responses the brand applied to it, and ends on its own or when fixed. Scheduled
failures happen once at a set time; random ones recur with exponential time between failures
(MTBF) and a repair time drawn from the scenario (MTTR).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from sim.clock import MINUTES_PER_HOUR, at_day
from sim.records import FailureEnded, FailureStarted
from sim.scenario.distributions import sampler
from sim.scenario.schema import RandomFailure, ScheduledFailure

if TYPE_CHECKING:
    from sim.engine.customers import Customer
    from sim.engine.simulation import Simulation

FailureSpec = ScheduledFailure | RandomFailure


class Incident:
    """One occurrence of a failure, from start to end."""

    def __init__(self, env: simpy.Environment, name: str, spec: FailureSpec) -> None:
        self.name = name
        self.spec = spec
        self.started = env.now
        self.ended: float | None = None
        self.fixed = env.event()
        self.affected: list[Customer] = []
        self.affected_count = 0
        self.responses: list[str] = []  # customer-facing responses to deliver
        self.notify: Any = None  # the Notify response in force, if any
        self.detected = False  # the brand noticed the incident (needed to notify)
        self.fix_applied = False  # a fix response was applied to this incident
        self.notified_upto = 0

    @property
    def active(self) -> bool:
        """True while the touchpoint is still failing."""
        return self.ended is None


def failure_process(sim: Simulation, name: str, spec: FailureSpec) -> Generator[simpy.Event, Any, None]:
    """Run one failure for the whole horizon: wait, break the touchpoint, repair, repeat if random."""
    env = sim.env
    if isinstance(spec, ScheduledFailure):
        yield env.timeout(at_day(spec.day, spec.time))
        yield from _outage(sim, name, spec, lambda: spec.duration_min)
        return
    uptime = sim.streams[f"failure_uptime.{name}"]
    repair = sampler(spec.mttr_min, sim.streams[f"failure_repair.{name}"])
    mean_up = spec.mtbf_hours * MINUTES_PER_HOUR
    while True:
        yield env.timeout(float(uptime.exponential(mean_up)))
        yield from _outage(sim, name, spec, repair)


def _outage(sim: Simulation, name: str, spec: FailureSpec, duration: Callable[[], float]) -> Generator[simpy.Event, Any, None]:
    env = sim.env
    incident = Incident(env, name, spec)
    sim.start_incident(incident)
    sim.emit(FailureStarted(time=env.now, failure=name, touchpoint=spec.touchpoint, effect=spec.effect, severity=spec.severity))
    yield env.timeout(duration()) | incident.fixed
    incident.ended = env.now
    sim.end_incident(incident)
    sim.emit(
        FailureEnded(
            time=env.now,
            failure=name,
            touchpoint=spec.touchpoint,
            duration_min=env.now - incident.started,
            affected=incident.affected_count,
            fixed=incident.fixed.triggered,
        )
    )
