"""Failures: when a touchpoint breaks, for how long, and who runs into it.

An ``Incident`` (``sim.engine.entities``) is one occurrence of a failure: it starts, collects the
customers it affects, carries the responses the brand applied to it, and ends on its own or when fixed. Scheduled
failures happen once at a set time; random ones recur with exponential time between failures
(MTBF) and a repair time drawn from the scenario (MTTR).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy

from sim.clock import MINUTES_PER_HOUR, at_day
from sim.engine.context import RunContext
from sim.engine.entities import FailureSpec, Incident
from sim.records import FailureEnded, FailureStarted
from sim.scenario.distributions import sampler
from sim.scenario.schema import ScheduledFailure


def failure_process(ctx: RunContext, name: str, spec: FailureSpec) -> Generator[simpy.Event, Any, None]:
    """Run one failure for the whole horizon: wait, break the touchpoint, repair, repeat if random."""
    env = ctx.env
    if isinstance(spec, ScheduledFailure):
        yield env.timeout(at_day(spec.day, spec.time))
        yield from _outage(ctx, name, spec, lambda: spec.duration_min)
        return
    uptime = ctx.streams[f"failure_uptime.{name}"]
    repair = sampler(spec.mttr_min, ctx.streams[f"failure_repair.{name}"])
    mean_up = spec.mtbf_hours * MINUTES_PER_HOUR
    while True:
        yield env.timeout(float(uptime.exponential(mean_up)))
        yield from _outage(ctx, name, spec, repair)


def _outage(ctx: RunContext, name: str, spec: FailureSpec, duration: Callable[[], float]) -> Generator[simpy.Event, Any, None]:
    env = ctx.env
    incident = Incident(env, name, spec)
    # recorded before what it triggers (standing rules, policy responses, decisions)
    ctx.emit(FailureStarted(time=env.now, failure=name, touchpoint=spec.touchpoint, effect=spec.effect, severity=spec.severity))
    ctx.incidents.start(incident)
    yield env.timeout(duration()) | incident.fixed
    incident.ended = env.now
    ctx.incidents.end(incident)
    ctx.emit(
        FailureEnded(
            time=env.now,
            failure=name,
            touchpoint=spec.touchpoint,
            duration_min=env.now - incident.started,
            affected=incident.affected_count,
            fixed=incident.fixed.triggered,
        )
    )
