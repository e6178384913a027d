"""The Simulation: one run of one scenario under one policy, advanced in chunks of sim time.

This is the engine's public face. It builds the world from a validated ``Scenario`` (named
random streams, staffed channels, self-service steps, arrivals, failures, decision points),
emits typed records to observers, and accepts commands as the only way to change a run from
outside. ``advance_to(t)`` can be called in any chunks (every frame of the game, or once
headless) with identical results; ``apply(command)`` logs the command with its sim time so
seed + command log replays the run exactly.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any, ClassVar, Literal

import simpy
from simpy.events import Event, Timeout

from sim.behaviour.experience import failure_moment, trust_after_failure
from sim.behaviour.loyalty import (
    complain_probability,
)
from sim.clock import MINUTES_PER_DAY
from sim.commands import ApplyResponse, Choose, Command, LoggedCommand, SetAgents
from sim.engine.arrivals import next_arrival, weekly_rates_per_min
from sim.engine.channels import StaffedChannel
from sim.engine.customers import Customer, Hit, journey
from sim.engine.decisions import DecisionBoard, PendingDecision
from sim.engine.failures import Incident, failure_process
from sim.engine.fastpath import trigger_urgently
from sim.engine.outcomes import Outcomes
from sim.engine.responses import apply_response, attach, deliver, deliver_on_contact
from sim.engine.routing import Router
from sim.engine.snapshot import Snapshot, take_snapshot
from sim.engine.staffing import staffing_timeline
from sim.engine.walk import Walk
from sim.errors import CommandError
from sim.records import (
    RECORD_TYPES,
    ContactAbandoned,
    ContactQueued,
    ContactServed,
    CustomerAffected,
    CustomerArrived,
    JourneyEnded,
    NoticeSent,
    ProspectDeterred,
    Record,
    ServiceStarted,
)
from sim.results.metrics import Metrics
from sim.rng import KeyedUniform, RandomStreams, stream_key
from sim.scenario.customer_model import CustomerModel
from sim.scenario.distributions import Sampler, sampler, uniform_sampler
from sim.scenario.schema import Policy, Scenario, SelfService, Staffed

Observer = Callable[[Record], None]
BATCH_GC_THRESHOLD = 50_000


class SelfServiceStep:
    """Samplers of one self-service touchpoint."""

    __slots__ = ("delay", "delight", "effort", "name", "spec", "success")

    def __init__(self, name: str, spec: SelfService, streams: RandomStreams) -> None:
        self.name = name
        self.spec = spec
        self.delay: Sampler = sampler(spec.delay_min, streams[f"delay.{name}"])
        self.success: Sampler = uniform_sampler(streams[f"success.{name}"])
        self.delight: Sampler = uniform_sampler(streams[f"delight.{name}"])
        self.effort: Sampler = uniform_sampler(streams[f"effort.{name}"])


class Report:
    """How the engine reports its most frequent moments: one callable per record type.

    When only the metrics listen, each is the metrics' primitive (no record object is built:
    a queueing study makes millions); when an observer listens (a log, the game), each builds
    the record and routes it to everyone. Arguments are positional, in the record's field order.
    """

    KINDS: ClassVar[dict[str, tuple[type[Record], str]]] = {
        "arrived": (CustomerArrived, "on_arrived"),
        "queued": (ContactQueued, "on_queued"),
        "started": (ServiceStarted, "on_started"),
        "served": (ContactServed, "on_served"),
        "abandoned": (ContactAbandoned, "on_abandoned"),
        "journey_ended": (JourneyEnded, "on_journey_ended"),
    }
    __slots__ = tuple(KINDS)

    def wire(self, sim: Simulation) -> None:
        for attr, (kind, primitive) in self.KINDS.items():
            if sim.has_observers():
                names = [f.name for f in dataclasses.fields(kind)]
                setattr(self, attr, _builder(sim.emit, kind, names))
            else:
                setattr(self, attr, getattr(sim.metrics, primitive))


def _builder(emit: Callable[[Record], None], kind: type[Record], names: list[str]) -> Callable[..., None]:
    def build(*args: Any) -> None:
        emit(kind(**dict(zip(names, args, strict=True))))

    return build


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
        self.interactive = interactive
        self.horizon = (horizon_days if horizon_days is not None else scenario.horizon_days) * MINUTES_PER_DAY
        self.warmup = min(scenario.warmup_days * MINUTES_PER_DAY, self.horizon)
        self.env = simpy.Environment()
        self.streams = RandomStreams(self.seed)
        self.metrics = Metrics(scenario, self.warmup, self.horizon)
        self._observers: list[Observer] = list(observers)
        self._routes: dict[type, tuple[Observer, ...]] = {}
        self.report = Report()
        self._route_records()
        self._command_log: list[LoggedCommand] = []
        self._halt: Event | None = None
        self._next_id = 0

        self.stage_of = {n: tp.stage for n, tp in scenario.touchpoints.items()}
        self.channels: dict[str, StaffedChannel] = {}
        self.steps: dict[str, SelfServiceStep] = {}
        for tp_name, tp in scenario.touchpoints.items():
            if isinstance(tp, Staffed):
                self.channels[tp_name] = StaffedChannel(self.env, tp_name, tp, self.streams, self.emit, self.report)
            else:
                self.steps[tp_name] = SelfServiceStep(tp_name, tp, self.streams)
        self.router = Router(scenario, self.streams)
        self.order_value = {
            seg: sampler(spec.order_value, self.streams[f"order_value.{seg}"]) for seg, spec in scenario.segments.items()
        }
        self._segment_names = list(scenario.segments)
        self._segment_start = {
            name: (seg.patience_factor, seg.starting_attitude, seg.starting_trust) for name, seg in scenario.segments.items()
        }
        self._segment_draw = uniform_sampler(self.streams["segment"])
        self._segment_cum: list[float] = []
        total = 0.0
        for spec in scenario.segments.values():
            total += spec.share
            self._segment_cum.append(total)

        self.model: CustomerModel = scenario.customer_model
        self.tracks_experience = self.model.enabled
        self._init_draws()
        self.outcomes = Outcomes(self)

        self.incidents: list[Incident] = []
        self.incident_at: dict[str, Incident] = {}
        self.standing_responses: list[str] = []
        self.decisions = DecisionBoard(self)

        for ch_name, ch in self.channels.items():
            spec = scenario.touchpoints[ch_name]
            assert isinstance(spec, Staffed)
            if spec.shifts:
                timeline = staffing_timeline(spec.shifts, self.horizon)
                ch.set_staffing(scheduled=timeline[0][1])
                self.env.process(self._shift_changes(ch, timeline[1:]))
            else:
                ch.set_staffing(scheduled=spec.agents or 0)
        for response in self.policy.at_start:
            apply_response(self, response, None)
        for f_name, f_spec in scenario.failures.items():
            self.env.process(failure_process(self, f_name, f_spec))
        self._start_arrivals()
        if self.channels:
            Timeout(self.env, min(MINUTES_PER_DAY, self.horizon), 1).callbacks.append(self._on_midnight)

    # --- the public contract -------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Current sim time, minutes."""
        return float(self.env.now)

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

    def snapshot(self) -> Snapshot:
        """The state a view may read now (queues, agents, failing touchpoints, pending decisions)."""
        return take_snapshot(self)

    def subscribe(self, observer: Observer) -> None:
        """Send every later record to ``observer`` too."""
        self._observers.append(observer)
        self._route_records()

    def _route_records(self) -> None:
        # NOTE: one lookup per record on the hot path: each record type maps straight to the
        # metrics handler for it plus the general observers, in subscription order.
        for kind in RECORD_TYPES:
            handler = self.metrics.handler_for(kind)
            self._routes[kind] = (*((handler,) if handler else ()), *self._observers)
        self.report.wire(self)

    def has_observers(self) -> bool:
        """True when something besides the metrics listens to the records (a log, the game view)."""
        return bool(self._observers)

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
        if isinstance(command, Choose):
            self.decisions.choose(command.decision, command.option)
        elif isinstance(command, ApplyResponse):
            if command.response not in self.scenario.responses:
                raise CommandError(f"unknown response '{command.response}' (responses: {', '.join(self.scenario.responses)})")
            incident = None
            if command.failure is not None:
                incident = next((i for i in self.active_incidents() if i.name == command.failure), None)
            apply_response(self, command.response, incident)
        elif isinstance(command, SetAgents):
            channel = self.channels.get(command.touchpoint)
            if channel is None:
                raise CommandError(f"'{command.touchpoint}' is not a staffed touchpoint (staffed: {', '.join(self.channels)})")
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

    # --- engine internals used by processes -------------------------------------------------------------

    def request_pause(self) -> None:
        """Stop ``advance_to`` right after the event being processed (a decision needs the trainee)."""
        if self._halt is not None and not self._halt.triggered:
            self._trigger_halt()

    def _trigger_halt(self) -> None:
        halt = self._halt
        if halt is None or halt.triggered:
            return
        trigger_urgently(self.env, halt)

    def active_incidents(self) -> list[Incident]:
        """Incidents still in progress, oldest first."""
        return [i for i in self.incidents if i.active]

    def start_incident(self, incident: Incident) -> None:
        """A failure began: mark its touchpoint and put standing and policy responses in force."""
        self.incidents.append(incident)
        self.incident_at[incident.spec.touchpoint] = incident
        for name in self.standing_responses:
            attach(self, incident, name)
        for name in self.policy.on_failure:
            apply_response(self, name, incident)
        self.decisions.failure_started(incident)

    def end_incident(self, incident: Incident) -> None:
        """A failure ended: free its touchpoint and send follow-ups."""
        tp = incident.spec.touchpoint
        if self.incident_at.get(tp) is incident:
            others = [i for i in self.active_incidents() if i.spec.touchpoint == tp]
            if others:
                self.incident_at[tp] = others[-1]
            else:
                del self.incident_at[tp]
        follow_ups = tuple(n for n in incident.responses if self.scenario.responses[n].effect == "follow_up")
        if follow_ups:
            for customer in incident.affected:
                hit = customer.hits.get(incident)
                if hit is not None and not hit.recovered:
                    deliver(self, customer, hit, follow_ups, proactive=True, resolved=False)
        if incident.notify is None:
            self.release_incident(incident)

    def release_incident(self, incident: Incident) -> None:
        """Forget an incident's customers once nothing more will reach them."""
        incident.affected = []
        if incident in self.incidents:
            self.incidents.remove(incident)

    def affect(self, customer: Customer, incident: Incident, *, voice: bool) -> None:
        """A customer ran into a failure: a failure moment, lost trust, and perhaps a complaint."""
        if incident in customer.hits:
            return
        spec = incident.spec
        m = self.model
        attribution = m.moments.external_attribution if spec.cause == "external" else 1.0
        trust_before = customer.trust
        customer.trust = trust_after_failure(trust_before, spec.severity, attribution, customer.failures, m.memory)
        customer.hits[incident] = Hit(
            incident, len(customer.moments), spec.severity, attribution, trust_before, self.env.now, customer.failures
        )
        customer.moments.append(failure_moment(spec.severity, attribution, 0.0, m.moments))
        customer.failures += 1
        incident.affected_count += 1
        incident.affected.append(customer)
        self.emit(
            CustomerAffected(
                time=self.env.now, customer=customer.id, failure=incident.name, touchpoint=spec.touchpoint, severity=spec.severity
            )
        )
        if voice and self.channels:
            r = m.recovery
            if incident.notify is not None and incident.detected:
                notice = incident.notify[1].notice
                p = r.contact_after_clear_notice if notice == "clear" else r.contact_after_vague_notice
            else:
                p = complain_probability(spec.severity, r)
            if self._voice_draw(customer.id, customer.journeys * 1024 + len(customer.hits)) < p:
                customer.voice = incident

    def recover_on_contact(self, customer: Customer, resolved: bool) -> None:
        """An agent handled a customer who had hit a failure."""
        deliver_on_contact(self, customer, resolved)

    def transfer_draw(self, customer: Customer, channel: str) -> float:
        """A uniform draw deciding whether an agent transfers this customer (keyed by customer and contact)."""
        return self._transfer_draw(customer.id, customer.journeys * 1024 + customer.contacts + stream_key(channel) % 512)

    def send_needless_notices(self, incident: Incident, reached: int) -> None:
        """Some notices reach recent customers who were never affected: a small churn penalty for each."""
        share = self.model.recovery.needless_outreach_share
        pending = self.outcomes.pending
        if share <= 0 or not pending:
            return
        expected = share * reached
        count = int(expected) + (self._needless_draw(stream_key(incident.name), int(self.env.now * 1000)) < expected % 1)
        for k in range(min(count, len(pending))):
            customer = pending[int(self._needless_draw(len(pending), k) * len(pending))][1]
            if incident not in customer.hits:
                customer.needless += 1
                self.emit(NoticeSent(time=self.env.now, customer=customer.id, failure=incident.name, notice="needless"))

    def detect_draw(self, incident: Incident) -> float:
        """A uniform draw deciding whether the brand detects an incident (keyed by failure and occurrence)."""
        return self._detect_draw(stream_key(incident.name), self.metrics.failures[incident.name]["occurrences"])

    # --- memory and loyalty ---------------------------------------------------------------------------------

    def _init_draws(self) -> None:
        seed = self.seed
        self._voice_draw = KeyedUniform(seed, "voice")
        self._detect_draw = KeyedUniform(seed, "detect")
        self._deter_draw = KeyedUniform(seed, "deter")
        self._transfer_draw = KeyedUniform(seed, "transfer")
        self._needless_draw = KeyedUniform(seed, "needless")

    def journey_ended(self, customer: Customer) -> None:
        """A journey is over: its memory settles later (see sim.outcomes)."""
        self.outcomes.journey_ended(customer)

    def _on_midnight(self, event: Event) -> None:
        day: int = event.value
        end = self.env.now
        self.metrics.close_day(day, max(end - MINUTES_PER_DAY, 0.0), end)
        nxt = min(end + MINUTES_PER_DAY, self.horizon)
        if nxt > end:
            Timeout(self.env, nxt - end, day + 1).callbacks.append(self._on_midnight)

    def pick_segment(self, draw: Sampler) -> str:
        """A segment by the scenario's shares (a single segment needs no draw)."""
        cum = self._segment_cum
        i, last = 0, len(cum) - 1
        if last:  # a single segment needs no draw
            u = draw() * cum[-1]
            while i < last and u >= cum[i]:
                i += 1
        return self._segment_names[i]

    def new_customer(self, seg_name: str, source: Literal["new", "referral"], cid: int) -> None:
        """A new customer arrives and starts a journey."""
        patience, attitude, trust = self._segment_start[seg_name]
        now = self.env.now
        customer = Customer(cid, seg_name, now, patience, attitude, trust)
        self.report.arrived(now, cid, seg_name, source, 1)
        Walk(journey(self, customer))

    # --- processes ------------------------------------------------------------------------------------------

    def _start_arrivals(self) -> None:
        self._rates = weekly_rates_per_min(self.scenario.arrivals)
        budget = self.streams["arrivals"]
        self._arrival_draws = Sampler(lambda n: budget.exponential(1.0, n))
        self._schedule_arrival(0.0)

    def _schedule_arrival(self, after: float) -> None:
        t = next_arrival(after, self._arrival_draws(), self._rates)
        if t < self.horizon:
            Timeout(self.env, t - self.env.now, t).callbacks.append(self._on_arrival)

    def _on_arrival(self, event: Event) -> None:
        t: float = event.value
        seg_name = self.pick_segment(self._segment_draw)
        self._schedule_arrival(t)
        cid = self._next_id
        self._next_id = cid + 1
        if self.outcomes.nwom_pool > 0:  # this prospect heard bad things about the brand
            self.outcomes.nwom_pool -= 1
            if self._deter_draw(cid) < self.model.word_of_mouth.nwom_deterrence:
                self.emit(ProspectDeterred(time=t, segment=seg_name))
                return
        self.new_customer(seg_name, "new", cid)

    def _shift_changes(self, channel: StaffedChannel, timeline: list[tuple[float, int]]) -> Generator[simpy.Event, Any, None]:
        env = self.env
        for t, agents in timeline:
            yield env.timeout(t - env.now)
            channel.set_staffing(scheduled=agents)
