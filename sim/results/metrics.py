"""Streaming statistics of a run: an observer that folds records into counters.

Nothing here grows with the number of customers: counts, sums, time-weighted integrals and a
fixed-size wait histogram (1-second bins to an hour, 1-minute bins to two days). Everything
before the warm-up is left out, in the totals and in the daily series alike: contacts and
journeys count if they started after it (survey answers too: a journey that began in the
warm-up is never surveyed in the results), events (orders, failures, costs) if they happened
after it, and time averages integrate from it. Days wholly inside the warm-up have no row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sim.effects.notify import Notify
from sim.effects.offer_callback import OfferCallback
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
    NoticeSent,
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
from sim.results.tallies import ChannelStats, DayStats, ExperienceStats, StepStats
from sim.scenario.schema import STAGE_ORDER, Scenario, Staffed


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
        self.journey_steps = 0
        self.stage_reach = dict.fromkeys(STAGE_ORDER, 0)
        self.touchpoint_reach = dict.fromkeys(scenario.touchpoints, 0)
        self.orders = 0
        self.revenue = 0.0
        self.lost_orders = 0
        self.lost_revenue = 0.0
        self.recovered_orders = 0  # lost orders an agent completed during the contact
        self.recovered_revenue = 0.0
        self.affected = 0
        self.recoveries_proactive = 0
        self.recoveries_on_contact = 0
        self.compensation = 0.0
        self.recovery_cost = 0.0
        self.response_cost = 0.0
        # per-customer costs the records do not carry: the notice in force per failure (for the
        # needless notices sent with it) and the call-back offer in force per staffed touchpoint
        self._notice_cost: dict[str, float] = {}
        self._callback_cost: dict[str, float] = {}
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
            NoticeSent: self._notice,
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
        """Snapshot each channel's day from its running totals (called once at every midnight).

        The totals count from the warm-up, so a day wholly inside it has nothing to show (and no
        row); the day the warm-up ends averages its queue over the part after it.
        """
        if end <= self.warmup:
            return
        start = max(start, self.warmup)
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
        """The counters of the day containing sim minute t (callers pass only times after the warm-up)."""
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
        if time < self.warmup:
            return
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
        if r.time >= self.warmup:
            self.deterred += 1
            self.day(r.time).deterred += 1

    def on_remembered(
        self, time: float, customer: int, segment: str, journey: int, started: float, affected: bool, contacted: bool,
        contacts: int, switches: int, recovered: bool, reached_first: bool, thanked: bool, memory: float,
        attitude: float, trust: float, effort: int, ces: float, csat: int, ltr: int, repeat_probability: float,
        returns: bool, review_stars: int, referrals: int, nwom: bool, lifetime_value: float,
    ) -> None:  # fmt: skip
        if started < self.warmup:  # a warm-up journey: its survey is not part of the results
            return
        day = self._day if int(time // 1440) + 1 == self._day_index else self.day(time)  # the day of the survey
        day.surveyed += 1
        day.csat_total += csat
        if ltr >= 9:  # (counts go up under an if: see ExperienceStats.add)
            day.promoters += 1
        elif ltr <= 6:
            day.detractors += 1
        if returns:
            day.returns += 1
        answers = (csat, ltr, ces, repeat_probability, returns, review_stars, referrals, nwom, lifetime_value, memory, trust)
        (self.experience_affected if affected else self.experience_unaffected).add(*answers)
        if contacted:
            self.experience_contacted.add(*answers)

    def _remembered(self, r: JourneyRemembered) -> None:
        self.on_remembered(
            r.time, r.customer, r.segment, r.journey, r.started, r.affected, r.contacted, r.contacts, r.switches,
            r.recovered, r.reached_first, r.thanked, r.memory, r.attitude, r.trust, r.effort, r.ces, r.csat, r.ltr,
            r.repeat_probability, r.returns, r.review_stars, r.referrals, r.nwom, r.lifetime_value,
        )  # fmt: skip

    def on_visited(self, time: float, customer: int, touchpoint: str, duration_min: float, outcome: str) -> None:
        if time - duration_min < self.warmup:
            return
        s = self.steps[touchpoint]
        s.visits += 1
        s.duration_total += duration_min
        if outcome == "failed":
            s.failed += 1
        elif outcome == "incident":
            s.incident += 1

    def _visited(self, r: TouchpointVisited) -> None:
        self.on_visited(r.time, r.customer, r.touchpoint, r.duration_min, r.outcome)

    # (Levels move by 1.0, not 1: a float plus a float takes Python's fast path, the same number)

    def on_queued(self, time: float, customer: int, touchpoint: str, queue_length: int) -> None:
        c = self.channels[touchpoint]
        c.queue.add(time, 1.0)
        if time >= self.warmup:
            c.offered += 1
            c.queued += 1

    def _queued(self, r: ContactQueued) -> None:
        self.on_queued(r.time, r.customer, r.touchpoint, r.queue_length)

    def _balked(self, r: ContactBalked) -> None:
        if r.time < self.warmup:
            return
        c = self.channels[r.touchpoint]
        if r.reason == "closed":  # outside opening hours: not offered to the queue, so not in its rates
            c.closed += 1
            return
        c.offered += 1
        if r.reason == "incident":
            c.blocked += 1
        else:
            c.balked += 1

    def on_started(
        self, time: float, customer: int, touchpoint: str, since: float, wait_min: float, callback: bool, queued: bool
    ) -> None:
        c = self.channels[touchpoint]
        c.busy.add(time, 1.0)
        if queued and not callback:
            c.queue.add(time, -1.0)
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
        c.busy.add(time, -1.0)
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
        c.queue.add(time, -1.0)
        if since >= self.warmup:
            c.abandoned += 1
            c.waits.add(wait_min)

    def _abandoned(self, r: ContactAbandoned) -> None:
        self.on_abandoned(r.time, r.customer, r.touchpoint, r.since, r.wait_min)

    def _callback(self, r: CallbackAccepted) -> None:
        c = self.channels[r.touchpoint]
        c.queue.add(r.time, -1.0)
        if r.since >= self.warmup:
            c.callbacks += 1
            c.waits.add(r.wait_min)
        cost = self._callback_cost.get(r.touchpoint, 0.0)  # the offer's cost_per_customer, per call-back taken
        if cost and r.time >= self.warmup:
            self.day(r.time).costs += cost
            self.response_cost += cost

    def _ordered(self, r: OrderPlaced) -> None:
        if r.time >= self.warmup:
            day = self.day(r.time)
            day.orders += 1
            day.revenue += r.value
            self.orders += 1
            self.revenue += r.value
            if r.recovered_from is not None:
                self.recovered_orders += 1
                self.recovered_revenue += r.value

    def _lost(self, r: OrderLost) -> None:
        if r.time >= self.warmup:
            self.lost_orders += 1
            self.lost_revenue += r.value

    def _affected(self, r: CustomerAffected) -> None:
        if r.time >= self.warmup:
            self.day(r.time).affected += 1
            self.affected += 1
            self.failures[r.failure]["customers_affected"] += 1

    def _failure_started(self, r: FailureStarted) -> None:
        if r.time >= self.warmup:
            self.failures[r.failure]["occurrences"] += 1

    def _failure_ended(self, r: FailureEnded) -> None:
        start = max(r.time - r.duration_min, self.warmup)
        if r.time > start:
            self.failures[r.failure]["downtime_min"] += r.time - start

    # Costs count when they are paid: after the warm-up, whoever they are paid for.

    def _response(self, r: ResponseApplied) -> None:
        spec = self.scenario.responses[r.response]
        if isinstance(spec, OfferCallback):  # the offer in force on its touchpoint from now on
            self._callback_cost[spec.touchpoint] = spec.cost_per_customer
        if r.time >= self.warmup:
            self.day(r.time).costs += r.cost
            self.response_cost += r.cost

    def _review(self, r: ReviewPosted) -> None:
        if r.touchpoint is not None and r.time >= self.warmup:
            page = self.steps[r.touchpoint]
            page.reviews += 1
            page.review_stars_total += r.stars
            page.reviews_answered += r.answered
        if r.cost and r.time >= self.warmup:
            self.day(r.time).costs += r.cost
            self.response_cost += r.cost

    def _notice(self, r: NoticeSent) -> None:
        """A needless notice costs what the notice costs per customer (an affected one pays it with the recovery)."""
        if r.notice == "needless" and r.time >= self.warmup:
            cost = self._notice_cost.get(r.failure, 0.0)
            self.day(r.time).costs += cost
            self.response_cost += cost

    def _touch(self, r: TouchDelivered) -> None:  # an experience touch: its cost per customer reached
        if r.time >= self.warmup:
            self.day(r.time).costs += r.cost
            self.response_cost += r.cost

    def _recovery(self, r: RecoveryDelivered) -> None:
        lead = self.scenario.responses[r.responses[0]] if r.proactive and r.responses else None
        if isinstance(lead, Notify):  # a notice leads the responses it delivers (follow-ups come alone)
            self._notice_cost[r.failure] = lead.cost_per_customer
        if r.time < self.warmup:
            return
        self.day(r.time).costs += r.cost + r.compensation
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
        stage_reach, touchpoint_reach = self.stage_reach, self.touchpoint_reach
        for stage in stages:
            stage_reach[stage] += 1
        if len(visited) == 1:  # the most common journey of a queueing study: one touchpoint
            touchpoint_reach[visited[0]] += 1
        else:
            for tp in set(visited):
                touchpoint_reach[tp] += 1

    def _journey(self, r: JourneyEnded) -> None:
        self.on_journey_ended(r.time, r.customer, r.segment, r.ordered, r.steps, r.stages, r.visited, r.affected, r.arrived)
