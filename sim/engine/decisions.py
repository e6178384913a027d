"""Decision points: moments where a trainee, or a policy in their place, chooses a response.

A decision comes up when its trigger fires (a failure starts, a clock time, an indicator
crossing a threshold). Headless, the policy answers at once. In interactive mode the decision
waits for a ``Choose`` command; if it pauses time, ``Simulation.advance_to`` stops at that
instant so the game can show the card. Either way the answer applies the option's responses
through the same path, which is why a trainee's choice and a manager's policy are one concept.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Literal

import simpy

from sim.clock import at_day
from sim.engine.context import RunContext
from sim.engine.entities import Incident
from sim.engine.responses import apply_response
from sim.errors import CommandError
from sim.records import DecisionMade, DecisionRequested
from sim.scenario.schema import Decision, FailureTrigger, KpiTrigger, TimeTrigger
from sim.scenario.teaching import default_option


@dataclass
class PendingDecision:
    """A decision waiting for an answer."""

    name: str
    spec: Decision
    since: float
    incident: Incident | None


class DecisionBoard:
    """Tracks which decisions fired, which wait for an answer, and resolves them."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.pending: dict[str, PendingDecision] = {}
        self.fired: set[str] = set()
        env = ctx.env
        for name, spec in ctx.scenario.decisions.items():
            trig = spec.trigger
            if isinstance(trig, TimeTrigger):
                env.process(self._at_time(name, at_day(trig.day, trig.time)))
            elif isinstance(trig, KpiTrigger):
                env.process(self._watch(name, trig))

    def failure_started(self, incident: Incident) -> None:
        """Fire the decisions triggered by this failure."""
        for name, spec in self.ctx.scenario.decisions.items():
            if isinstance(spec.trigger, FailureTrigger) and spec.trigger.failure == incident.name:
                self.fire(name, incident)

    def fire(self, name: str, incident: Incident | None = None) -> None:
        """Bring decision ``name`` up now."""
        spec = self.ctx.scenario.decisions[name]
        if name in self.pending or (spec.once and name in self.fired):
            return
        self.fired.add(name)
        ctx = self.ctx
        ctx.emit(DecisionRequested(time=ctx.env.now, decision=name, options=tuple(spec.options), pause=spec.pause))
        if not ctx.interactive:
            self.resolve(name, self.policy_choice(name), "policy", incident)
            return
        self.pending[name] = PendingDecision(name, spec, ctx.env.now, incident)
        if spec.pause or ctx.halt_at_decisions:
            ctx.request_pause()
        if not spec.pause and spec.respond_within_min is not None:
            ctx.env.timeout(spec.respond_within_min).callbacks.append(lambda _e: self._time_out(name))

    def policy_choice(self, name: str) -> str:
        """The option the simulation's policy picks at decision ``name``."""
        spec = self.ctx.scenario.decisions[name]
        policy = self.ctx.policy
        if policy is not None and name in policy.decisions:
            return policy.decisions[name]
        return default_option(spec)

    def choose(self, name: str, option: str) -> None:
        """Answer a pending decision from a command."""
        if name not in self.pending:
            waiting = ", ".join(self.pending) or "none"
            raise CommandError(f"decision '{name}' is not waiting for an answer (waiting: {waiting})")
        spec = self.pending[name].spec
        if option not in spec.options:
            raise CommandError(f"decision '{name}' has no option '{option}' (options: {', '.join(spec.options)})")
        self.resolve(name, option, "command", self.pending[name].incident)

    def resolve(self, name: str, option: str, by: Literal["policy", "command", "timeout"], incident: Incident | None) -> None:
        """Apply the chosen option's responses and record the decision."""
        self.pending.pop(name, None)
        ctx = self.ctx
        ctx.emit(DecisionMade(time=ctx.env.now, decision=name, option=option, by=by))
        spec = ctx.scenario.decisions[name]
        for response in spec.options[option].responses:
            if spec.from_now_on and ctx.scenario.responses[response].per_incident:
                ctx.incidents.add_rule(response, spec.rule_for)  # first, so an answer with no incident keeps its rule_for
            apply_response(ctx, response, incident if incident is not None and incident.active else None)

    def _time_out(self, name: str) -> None:
        pending = self.pending.get(name)
        if pending is not None:
            self.resolve(name, default_option(pending.spec), "timeout", pending.incident)

    def _at_time(self, name: str, when: float) -> Generator[simpy.Event, Any, None]:
        yield self.ctx.env.timeout(when)
        self.fire(name)

    def _watch(self, name: str, trig: KpiTrigger) -> Generator[simpy.Event, Any, None]:
        env = self.ctx.env
        channel = self.ctx.channels[trig.touchpoint]
        while True:
            yield env.timeout(trig.check_every_min)
            value = channel.indicator(trig.metric)
            crossed = value > trig.above if trig.above is not None else value < (trig.below or 0.0)
            if crossed:
                self.fire(name)
                if self.ctx.scenario.decisions[name].once:
                    return
