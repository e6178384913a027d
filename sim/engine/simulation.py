"""The Simulation: one run of one scenario under one policy, advanced in chunks of sim time.

This is the engine's public face and nothing else. It builds a ``RunContext`` from a validated
``Scenario`` (named random streams, touchpoints of each registered kind, the incident,
outcome and decision boards, the arrival process, failures), routes typed records to the
metrics and to observers, and accepts commands as the only way to change a run from outside.
``advance_to(t)`` can be called in any chunks (every frame of the game, or once headless) with
identical results; ``apply(command)`` logs the command with its sim time, so seed + command log
replays the run exactly.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any, cast

import simpy
from simpy.events import Event, Timeout

from sim.clock import MINUTES_PER_DAY
from sim.commands import ApplyResponse, Choose, Command, LoggedCommand, SetAgents
from sim.engine.channels import StaffedChannel
from sim.engine.context import RunContext
from sim.engine.decisions import DecisionBoard, PendingDecision
from sim.engine.entities import Incident
from sim.engine.failures import failure_process
from sim.engine.fastpath import Environment, trigger_urgently
from sim.engine.hot_records import HotRecords
from sim.engine.incidents import Incidents
from sim.engine.outcomes import Outcomes
from sim.engine.population import Population
from sim.engine.responses import apply_response
from sim.engine.snapshot import Snapshot, take_snapshot
from sim.engine.staffing import opening_timeline, staffing_timeline
from sim.engine.touchpoints import build_touchpoint
from sim.errors import CommandError
from sim.records import RECORD_TYPES, Record
from sim.results.metrics import Metrics
from sim.scenario.distributions import sampler
from sim.scenario.schema import Policy, Scenario

Observer = Callable[[Record], None]
BATCH_GC_THRESHOLD = 50_000


class Simulation:
    """One run of a scenario. Owns the SimPy environment; knows nothing about displays."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        policy: str | None = None,
        seed: int | None = None,
        observers: Iterable[Observer] = (),
        interactive: bool = False,
        horizon_days: float | None = None,
    ) -> None:
        """Build a run.

        Args:
            scenario: a validated scenario.
            policy: policy name; None for the scenario's default policy.
            seed: random seed; None for the scenario's seed.
            observers: callables that receive every record, in order.
            interactive: decisions wait for ``Choose`` commands instead of the policy (the game).
            horizon_days: override the scenario's length.
        """
        name = policy or scenario.default_policy_name
        if name not in scenario.policies:
            raise CommandError(f"unknown policy '{name}' (policies: {', '.join(scenario.policies)})")
        self.scenario = scenario
        self.policy_name = name
        self.policy: Policy = scenario.policies[name]
        self.seed = scenario.seed if seed is None else seed
        self.horizon = (horizon_days if horizon_days is not None else scenario.horizon_days) * MINUTES_PER_DAY
        self.warmup = min(scenario.warmup_days * MINUTES_PER_DAY, self.horizon)
        self.env = env = Environment(initial_time=0.0)  # float times from the first record on
        self.metrics = Metrics(scenario, self.warmup, self.horizon)
        self._observers: list[Observer] = list(observers)
        self._routes: dict[type, tuple[Observer, ...]] = {}
        self._hot = HotRecords()
        self._route_records()
        self._command_log: list[LoggedCommand] = []
        self._halt: Event | None = None
        self._days_closed, self._closed_until = 0, 0.0  # the days whose channel figures are closed, and until when

        ctx = self._ctx = RunContext(
            env=env, scenario=scenario, policy=self.policy, seed=self.seed, interactive=interactive, horizon=self.horizon,
            emit=self.emit, hot=self._hot, request_pause=self._request_pause,
        )  # fmt: skip
        for tp_name, tp in scenario.touchpoints.items():
            ctx.touchpoints[tp_name] = build_touchpoint(ctx, tp_name, tp)
        ctx.order_value = {
            seg: sampler(spec.order_value, ctx.streams[f"order_value.{seg}"]) for seg, spec in scenario.segments.items()
        }
        ctx.population = self._population = Population(ctx)
        ctx.outcomes = Outcomes(ctx)
        ctx.incidents = self._incidents = Incidents(ctx)
        ctx.decisions = self.decisions = DecisionBoard(ctx)

        for ch in ctx.channels.values():
            spec = ch.spec
            if spec.shifts:
                timeline = staffing_timeline(spec.shifts, self.horizon)
                ch.set_staffing(scheduled=timeline[0][1])
                env.process(self._shift_changes(ch, timeline[1:]))
            else:
                ch.set_staffing(scheduled=spec.agents or 0)
            if spec.opening_hours:
                hours = opening_timeline(spec.opening_hours, self.horizon)
                ch.is_open = bool(hours[0][1])
                env.process(self._opening_changes(ch, hours[1:]))
        for response in self.policy.at_start:
            apply_response(ctx, response, None)
        for f_name, f_spec in scenario.failures.items():
            env.process(failure_process(ctx, f_name, f_spec))
        self._population.start()
        if ctx.channels:
            Timeout(env, min(MINUTES_PER_DAY, self.horizon), 1).callbacks.append(self._on_midnight)

    # --- the public contract -------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Current sim time, minutes."""
        return float(self.env.now)

    @property
    def interactive(self) -> bool:
        """True while decisions wait for ``Choose`` commands; False: the policy answers them at once."""
        return self._ctx.interactive

    @interactive.setter
    def interactive(self, value: bool) -> None:
        self._ctx.interactive = value

    @property
    def halt_at_decisions(self) -> bool:
        """Whether ``advance_to`` stops at every decision that comes up, not only pausing ones (so autoplay answers on time)."""
        return bool(self._ctx.halt_at_decisions)

    @halt_at_decisions.setter
    def halt_at_decisions(self, value: bool) -> None:
        self._ctx.halt_at_decisions = value

    @property
    def finished(self) -> bool:
        """True once the run reached its horizon."""
        return self.env.now >= self.horizon

    @property
    def paused(self) -> bool:
        """True while a decision that stops time waits for an answer."""
        return any(p.spec.pause for p in self.decisions.pending.values())

    @property
    def pending_decisions(self) -> dict[str, PendingDecision]:
        """Decisions waiting for a ``Choose`` command (interactive runs only)."""
        return dict(self.decisions.pending)

    @property
    def command_log(self) -> Sequence[LoggedCommand]:
        """Every command applied, with its sim time, in order."""
        return tuple(self._command_log)

    @property
    def channels(self) -> dict[str, StaffedChannel]:
        """The staffed touchpoints' queues and agents, by name (read them; change them with commands)."""
        return self._ctx.channels

    def active_incidents(self) -> list[Incident]:
        """Incidents still in progress, oldest first."""
        return self._incidents.active()

    def snapshot(self) -> Snapshot:
        """The state a view may read now (queues, agents, failing touchpoints, pending decisions)."""
        return take_snapshot(self)

    def subscribe(self, observer: Observer) -> None:
        """Send every later record to ``observer`` too."""
        self._observers.append(observer)
        self._route_records()

    def emit(self, record: Record) -> None:
        """Send a record to the metrics and to every observer."""
        for observer in self._routes[type(record)]:
            observer(record)

    def advance_to(self, t: float) -> None:
        """Run until sim time ``t`` (capped at the horizon), or until a pausing decision comes up."""
        t = min(t, self.horizon)
        if t <= self.env.now or self.paused:
            return
        env = self.env
        halt = self._halt = Event(env)
        timer = Event(env)
        timer.callbacks.append(lambda _e: None if halt.triggered else self._trigger_halt())
        trigger_urgently(env, timer, t - env.now)
        env.run(until=halt)
        self._halt = None
        if self.finished:
            self._close_last_day()

    def run(self) -> Metrics:
        """Run to the horizon (answering decisions by policy) and return the metrics."""
        # NOTE: a run allocates millions of short-lived objects and few cycles; collecting
        # generation 0 less often is ~10 % faster. The threshold is restored afterwards.
        threshold = gc.get_threshold()
        gc.set_threshold(max(threshold[0], BATCH_GC_THRESHOLD), *threshold[1:])
        try:
            self.advance_to(self.horizon)
        finally:
            gc.set_threshold(*threshold)
        return self.metrics

    def apply(self, command: Command) -> None:
        """Change the run now; the command is logged with the current sim time."""
        ctx = self._ctx
        if isinstance(command, Choose):
            self.decisions.choose(command.decision, command.option)
        elif isinstance(command, ApplyResponse):
            if command.response not in self.scenario.responses:
                raise CommandError(f"unknown response '{command.response}' (responses: {', '.join(self.scenario.responses)})")
            incident = None
            if command.failure is not None:
                incident = next((i for i in self.active_incidents() if i.name == command.failure), None)
            apply_response(ctx, command.response, incident)
        elif isinstance(command, SetAgents):
            channel = ctx.channels.get(command.touchpoint)
            if channel is None:
                raise CommandError(f"'{command.touchpoint}' is not a staffed touchpoint (staffed: {', '.join(ctx.channels)})")
            channel.set_staffing(extra=command.extra_agents)
        else:
            raise CommandError(f"not a command: {command!r}")
        self._command_log.append(LoggedCommand(self.now, command))

    def settle(self, decision: str) -> None:
        """Process the events of this instant until ``decision`` is pending (replaying a paused choice)."""
        env = self.env
        now = env.now
        while decision not in self.decisions.pending and env.peek() == now:
            env.step()

    # --- internals ----------------------------------------------------------------------------------------

    def _route_records(self) -> None:
        # NOTE: one lookup per record on the hot path: each record type maps straight to the
        # metrics handler for it plus the general observers, in subscription order.
        for kind in RECORD_TYPES:
            handler = self.metrics.handler_for(kind)
            self._routes[kind] = (*((handler,) if handler else ()), *self._observers)
        self._hot.wire(self.emit, self.metrics, bool(self._observers))

    def _request_pause(self) -> None:
        """Stop ``advance_to`` right after the event being processed (a decision needs the trainee)."""
        if self._halt is not None and not self._halt.triggered:
            self._trigger_halt()

    def _trigger_halt(self) -> None:
        halt = self._halt
        if halt is None or halt.triggered:
            return
        trigger_urgently(self.env, halt)

    def _on_midnight(self, event: Event) -> None:
        self._close_day(cast(int, event.value))
        end = self.env.now
        nxt = min(end + MINUTES_PER_DAY, self.horizon)
        if nxt > end:
            Timeout(self.env, nxt - end, self._days_closed + 1).callbacks.append(self._on_midnight)

    def _close_day(self, day: int) -> None:
        end = self.env.now
        self.metrics.close_day(day, max(end - MINUTES_PER_DAY, 0.0), end)
        self._days_closed, self._closed_until = day, end

    def _close_last_day(self) -> None:
        # NOTE: advance_to(horizon) halts before the ordinary events of the horizon instant, so the
        # midnight timer due then never fires; the last day is closed here instead, once.
        if self._ctx.channels and self._closed_until < self.horizon:
            self._close_day(self._days_closed + 1)

    def _opening_changes(self, channel: StaffedChannel, timeline: list[tuple[float, int]]) -> Generator[simpy.Event, Any, None]:
        env = self.env
        for t, is_open in timeline:
            yield env.timeout(t - env.now)
            channel.is_open = bool(is_open)

    def _shift_changes(self, channel: StaffedChannel, timeline: list[tuple[float, int]]) -> Generator[simpy.Event, Any, None]:
        env = self.env
        for t, agents in timeline:
            yield env.timeout(t - env.now)
            channel.set_staffing(scheduled=agents)
