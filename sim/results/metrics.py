"""Streaming statistics of a run: an observer that folds records into counters.

Nothing here grows with the number of customers: counts, sums, time-weighted integrals and a
fixed-size wait histogram (1-second bins to an hour, 1-minute bins to two days). Everything
before the warm-up is left out: contacts and journeys count if they started after it, and
time averages integrate from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.records import (
    CallbackAccepted,
    ContactAbandoned,
    ContactBalked,
    ContactQueued,
    ContactServed,
    CustomerAffected,
    CustomerArrived,
    DecisionMade,
    FailureEnded,
    FailureStarted,
    JourneyEnded,
    JourneyRemembered,
    OrderLost,
    OrderPlaced,
    ProspectDeterred,
    Record,
    RecoveryDelivered,
    ResponseApplied,
    ReviewPosted,
    ServiceStarted,
    StaffingChanged,
    TouchDelivered,
    TouchpointVisited,
)
from sim.results.counters import Level, WaitHistogram
from sim.scenario.schema import STAGE_ORDER, Scenario, Staffed


@dataclass
class ChannelStats:
    """Counters for one staffed touchpoint."""

    start: float
    target_min: float = 1 / 3
    offered: int = 0
    queued: int = 0
    served: int = 0
    resolved: int = 0
    abandoned: int = 0
    balked: int = 0
    blocked: int = 0
    callbacks: int = 0
    answered: int = 0
    answered_in_target: int = 0
    answer_wait_total: float = 0.0
    handle_total: float = 0.0
    waits: WaitHistogram = field(default_factory=WaitHistogram)
    queue: Level = field(init=False)
    busy: Level = field(init=False)
    staffed_slots: Level = field(init=False)
    agents: Level = field(init=False)

    def __post_init__(self) -> None:
        self.queue = Level(self.start)
        self.busy = Level(self.start)
        self.staffed_slots = Level(self.start)
        self.agents = Level(self.start)


@dataclass
class ExperienceStats:
    """Survey answers and loyalty decisions of settled journeys."""

    journeys: int = 0
    csat_total: int = 0
    csat_top2: int = 0
    promoters: int = 0
    detractors: int = 0
    ces_total: float = 0.0
    repeat_probability_total: float = 0.0
    returns: int = 0
    reviews: int = 0
    review_stars_total: int = 0
    referrals: int = 0
    nwom: int = 0
    lifetime_value_total: float = 0.0
    memory_total: float = 0.0
    trust_total: float = 0.0

    def add(self, r: JourneyRemembered) -> None:
        """Count one settled journey."""
        self.journeys += 1
        self.csat_total += r.csat
        self.csat_top2 += r.csat >= 4
        self.promoters += r.ltr >= 9
        self.detractors += r.ltr <= 6
        self.ces_total += r.ces
        self.repeat_probability_total += r.repeat_probability
        self.returns += r.returns
        if r.review_stars:
            self.reviews += 1
            self.review_stars_total += r.review_stars
        self.referrals += r.referrals
        self.nwom += r.nwom
        self.lifetime_value_total += r.lifetime_value
        self.memory_total += r.memory
        self.trust_total += r.trust

    def merged(self, other: ExperienceStats) -> ExperienceStats:
        """The two groups together."""
        out = ExperienceStats()
        for name in out.__dataclass_fields__:
            setattr(out, name, getattr(self, name) + getattr(other, name))
        return out


@dataclass
class DayStats:
    """Counters of one day, for time series."""

    arrivals: int = 0
    returning: int = 0
    referred: int = 0
    deterred: int = 0
    orders: int = 0
    revenue: float = 0.0
    affected: int = 0
    channels: dict[str, dict[str, float | None]] = field(default_factory=dict)
    surveyed: int = 0
    costs: float = 0.0  # responses, recoveries, compensation and (booked at midnight) agents
    csat_total: int = 0
    promoters: int = 0
    detractors: int = 0
    returns: int = 0


@dataclass
class StepStats:
    """Counters for one self-service touchpoint."""

    visits: int = 0
    failed: int = 0
    incident: int = 0
    duration_total: float = 0.0


class Metrics:
    """Observer that turns the record stream into the KPIs of a run."""

    def __init__(self, scenario: Scenario, warmup_min: float, horizon_min: float) -> None:
        self.scenario = scenario
        self.warmup = warmup_min
        self.horizon = horizon_min
        self.staffed: dict[str, Staffed] = scenario.staffed()
        self.channels = {name: ChannelStats(warmup_min, spec.service_level_sec / 60.0) for name, spec in self.staffed.items()}
        self.steps = {name: StepStats() for name in scenario.touchpoints if name not in self.staffed}
        self.arrived = 0
        self.arrived_by_source = {"new": 0, "referral": 0, "returning": 0}
        self.deterred = 0
        self.experience_affected = ExperienceStats()
        self.experience_contacted = ExperienceStats()
        self.experience_unaffected = ExperienceStats()
        self.days: dict[int, DayStats] = {}
        self._day_index = 0
        self._day = DayStats()
        self._channel_totals: dict[str, tuple[int, int, float, float]] = {}
        self._agent_min: dict[str, float] = {}
        self.journeys = 0
        self.journeys_ordered = 0
        self.journey_steps = 0
        self.stage_reach = dict.fromkeys(STAGE_ORDER, 0)
        self.touchpoint_reach = dict.fromkeys(scenario.touchpoints, 0)
        self.orders = 0
        self.revenue = 0.0
        self.lost_orders = 0
        self.lost_revenue = 0.0
        self.affected = 0
        self.recoveries_proactive = 0
        self.recoveries_on_contact = 0
        self.compensation = 0.0
        self.recovery_cost = 0.0
        self.response_cost = 0.0
        self.failures: dict[str, dict[str, float]] = {
            name: {"occurrences": 0, "downtime_min": 0.0, "customers_affected": 0} for name in scenario.failures
        }
        self.decisions: list[dict[str, Any]] = []
        self._handlers: dict[type, Callable[[Any], None]] = {
            CustomerArrived: self._arrived,
            TouchpointVisited: self._visited,
            ContactQueued: self._queued,
            ContactBalked: self._balked,
            ServiceStarted: self._started,
            ContactServed: self._served,
            ContactAbandoned: self._abandoned,
            CallbackAccepted: self._callback,
            OrderPlaced: self._ordered,
            OrderLost: self._lost,
            CustomerAffected: self._affected,
            FailureStarted: self._failure_started,
            FailureEnded: self._failure_ended,
            ResponseApplied: self._response,
            RecoveryDelivered: self._recovery,
            StaffingChanged: self._staffing,
            DecisionMade: self._decision,
            JourneyEnded: self._journey,
            JourneyRemembered: self._remembered,
            ReviewPosted: self._review,
            ProspectDeterred: self._deterred,
            TouchDelivered: self._touch,
        }

    def __call__(self, record: Record) -> None:
        handler = self._handlers.get(type(record))
        if handler is not None:
            handler(record)

    def handler_for(self, kind: type) -> Callable[[Any], None] | None:
        """The handler of one record type (None if metrics ignore it)."""
        return self._handlers.get(kind)

    # --- handlers ----------------------------------------------------------------------------------

    def close_day(self, day: int, start: float, end: float) -> None:
        """Snapshot each channel's day from its running totals (called once at every midnight)."""
        stats = self.days.setdefault(day, DayStats())
        for name, c in self.channels.items():
            agent_min = c.agents.integral(end)
            stats.costs += (agent_min - self._agent_min.get(name, 0.0)) / 60.0 * self.staffed[name].agent_cost_per_hour
            self._agent_min[name] = agent_min
            totals = (c.answered + c.abandoned + c.callbacks, c.abandoned, c.waits.total, c.queue.integral(end))
            before = self._channel_totals.get(name, (0, 0, 0.0, 0.0))
            contacts, abandoned, waited, queue_area = (a - b for a, b in zip(totals, before, strict=True))
            self._channel_totals[name] = totals
            stats.channels[name] = {
                "abandon_rate": abandoned / contacts if contacts else None,
                "wait_mean_min": waited / contacts if contacts else None,
                "queue_length_mean": queue_area / (end - start) if end > start else None,
            }

    def unbooked_agent_cost(self, now: float) -> float:
        """Agent cost since the last midnight (not yet in a day's ``costs``), without changing anything."""
        return sum(
            (c.agents.integral(now) - self._agent_min.get(name, 0.0)) / 60.0 * self.staffed[name].agent_cost_per_hour
            for name, c in self.channels.items()
        )

    @property
    def experience(self) -> ExperienceStats:
        """All settled journeys after the warm-up."""
        return self.experience_affected.merged(self.experience_unaffected)

    def day(self, t: float) -> DayStats:
        """The counters of the day containing sim minute t."""
        d = int(t // 1440) + 1
        if d == self._day_index:
            return self._day
        stats = self.days.get(d)
        if stats is None:
            stats = self.days[d] = DayStats()
        self._day_index, self._day = d, stats
        return stats

    # NOTE: the hot records of a queueing run have a primitive twin (``on_<kind>``, positional
    # arguments in the record's field order). When no other observer listens, the engine calls it
    # directly and never builds the record; the record handler calls the same function, so there
    # is one implementation either way.

    def on_arrived(self, time: float, customer: int, segment: str, source: str, journey: int) -> None:
        if time >= self.warmup:
            self.arrived += 1
            self.arrived_by_source[source] += 1
        day = self._day if int(time // 1440) + 1 == self._day_index else self.day(time)
        day.arrivals += 1
        if source == "returning":
            day.returning += 1
        elif source == "referral":
            day.referred += 1

    def _arrived(self, r: CustomerArrived) -> None:
        self.on_arrived(r.time, r.customer, r.segment, r.source, r.journey)

    def _deterred(self, r: ProspectDeterred) -> None:
        self.day(r.time).deterred += 1
        if r.time >= self.warmup:
            self.deterred += 1

    def _remembered(self, r: JourneyRemembered) -> None:
        day = self.day(r.time)
        day.surveyed += 1
        day.csat_total += r.csat
        day.promoters += r.ltr >= 9
        day.detractors += r.ltr <= 6
        day.returns += r.returns
        if r.time >= self.warmup:
            (self.experience_affected if r.affected else self.experience_unaffected).add(r)
            if r.contacted:
                self.experience_contacted.add(r)

    def _visited(self, r: TouchpointVisited) -> None:
        if r.time - r.duration_min < self.warmup:
            return
        s = self.steps[r.touchpoint]
        s.visits += 1
        s.duration_total += r.duration_min
        if r.outcome == "failed":
            s.failed += 1
        elif r.outcome == "incident":
            s.incident += 1

    def on_queued(self, time: float, customer: int, touchpoint: str, queue_length: int) -> None:
        c = self.channels[touchpoint]
        c.queue.add(time, 1)
        if time >= self.warmup:
            c.offered += 1
            c.queued += 1

    def _queued(self, r: ContactQueued) -> None:
        self.on_queued(r.time, r.customer, r.touchpoint, r.queue_length)

    def _balked(self, r: ContactBalked) -> None:
        if r.time < self.warmup:
            return
        c = self.channels[r.touchpoint]
        c.offered += 1
        if r.reason == "incident":
            c.blocked += 1
        else:
            c.balked += 1

    def on_started(
        self, time: float, customer: int, touchpoint: str, since: float, wait_min: float, callback: bool, queued: bool
    ) -> None:
        c = self.channels[touchpoint]
        c.busy.add(time, 1)
        if queued and not callback:
            c.queue.add(time, -1)
        if since < self.warmup:
            return
        if not queued:
            c.offered += 1
        if not callback:
            c.answered += 1
            c.answer_wait_total += wait_min
            c.waits.add(wait_min)
            if wait_min <= c.target_min:
                c.answered_in_target += 1

    def _started(self, r: ServiceStarted) -> None:
        self.on_started(r.time, r.customer, r.touchpoint, r.since, r.wait_min, r.callback, r.queued)

    def on_served(
        self, time: float, customer: int, touchpoint: str, since: float, wait_min: float, handle_min: float, resolved: bool,
        callback: bool,
    ) -> None:  # fmt: skip
        c = self.channels[touchpoint]
        c.busy.add(time, -1)
        if since < self.warmup:
            return
        c.served += 1
        c.handle_total += handle_min
        if resolved:
            c.resolved += 1

    def _served(self, r: ContactServed) -> None:
        self.on_served(r.time, r.customer, r.touchpoint, r.since, r.wait_min, r.handle_min, r.resolved, r.callback)

    def on_abandoned(self, time: float, customer: int, touchpoint: str, since: float, wait_min: float) -> None:
        c = self.channels[touchpoint]
        c.queue.add(time, -1)
        if since >= self.warmup:
            c.abandoned += 1
            c.waits.add(wait_min)

    def _abandoned(self, r: ContactAbandoned) -> None:
        self.on_abandoned(r.time, r.customer, r.touchpoint, r.since, r.wait_min)

    def _callback(self, r: CallbackAccepted) -> None:
        c = self.channels[r.touchpoint]
        c.queue.add(r.time, -1)
        if r.since >= self.warmup:
            c.callbacks += 1
            c.waits.add(r.wait_min)

    def _ordered(self, r: OrderPlaced) -> None:
        day = self.day(r.time)
        day.orders += 1
        day.revenue += r.value
        if r.time >= self.warmup:
            self.orders += 1
            self.revenue += r.value

    def _lost(self, r: OrderLost) -> None:
        if r.time >= self.warmup:
            self.lost_orders += 1
            self.lost_revenue += r.value

    def _affected(self, r: CustomerAffected) -> None:
        self.day(r.time).affected += 1
        if r.time >= self.warmup:
            self.affected += 1
            self.failures[r.failure]["customers_affected"] += 1

    def _failure_started(self, r: FailureStarted) -> None:
        if r.time >= self.warmup:
            self.failures[r.failure]["occurrences"] += 1

    def _failure_ended(self, r: FailureEnded) -> None:
        start = max(r.time - r.duration_min, self.warmup)
        if r.time > start:
            self.failures[r.failure]["downtime_min"] += r.time - start

    def _response(self, r: ResponseApplied) -> None:
        self.day(r.time).costs += r.cost
        if r.time >= self.warmup:
            self.response_cost += r.cost

    def _review(self, r: ReviewPosted) -> None:
        if r.cost:
            self.day(r.time).costs += r.cost
            if r.time >= self.warmup:
                self.response_cost += r.cost

    def _touch(self, r: TouchDelivered) -> None:  # an experience touch: its cost per customer reached
        self.day(r.time).costs += r.cost
        if r.time >= self.warmup:
            self.response_cost += r.cost

    def _recovery(self, r: RecoveryDelivered) -> None:
        self.day(r.time).costs += r.cost + r.compensation
        if r.time < self.warmup:
            return
        if r.proactive:
            self.recoveries_proactive += 1
        else:
            self.recoveries_on_contact += 1
        self.compensation += r.compensation
        self.recovery_cost += r.cost

    def _staffing(self, r: StaffingChanged) -> None:
        c = self.channels[r.touchpoint]
        c.agents.set(r.time, r.agents)
        c.staffed_slots.set(r.time, r.agents * self.staffed[r.touchpoint].concurrency)

    def _decision(self, r: DecisionMade) -> None:
        self.decisions.append({"time_min": r.time, "decision": r.decision, "option": r.option, "by": r.by})

    def on_journey_ended(
        self, time: float, customer: int, segment: str, ordered: bool, steps: int, stages: Sequence[str],
        visited: Sequence[str], affected: int, arrived: float,
    ) -> None:  # fmt: skip
        if arrived < self.warmup:
            return
        self.journeys += 1
        self.journey_steps += steps
        if ordered:
            self.journeys_ordered += 1
        for stage in stages:
            self.stage_reach[stage] += 1
        for tp in visited if len(visited) == 1 else set(visited):
            self.touchpoint_reach[tp] += 1

    def _journey(self, r: JourneyEnded) -> None:
        self.on_journey_ended(r.time, r.customer, r.segment, r.ordered, r.steps, r.stages, r.visited, r.affected, r.arrived)
