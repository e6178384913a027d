"""Where customers come from: new arrivals by hour and weekday, referred friends, and deterred prospects.

New customers arrive as the non-homogeneous Poisson process of ``sim.engine.arrivals`` (with
the scenario's campaign windows, if any), one Exp(1) draw each; a prospect who heard bad things
about the brand may stay away; everyone who comes gets a segment by the scenario's shares and
starts a journey. Referred customers (from
``sim.engine.outcomes``) come in through ``new_customer`` too.
"""

from __future__ import annotations

from typing import Literal

from simpy.events import Event

from sim.engine.arrivals import campaign_windows, next_arrival, next_arrival_with_campaigns, weekly_rates_per_min
from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.engine.journey import journey
from sim.engine.walk import Pause, Walk
from sim.records import ProspectDeterred
from sim.scenario.distributions import Sampler, uniform_sampler


class Population:
    """The arrival process and the door every customer comes in by (satisfies ``context.PopulationBoard``)."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        scenario = ctx.scenario
        self._segment_names = list(scenario.segments)
        self._segment_start = {
            name: (seg.patience_factor, seg.starting_attitude, seg.starting_trust) for name, seg in scenario.segments.items()
        }
        self._segment_draw = uniform_sampler(ctx.streams["segment"])
        self._segment_cum: list[float] = []
        total = 0.0
        for spec in scenario.segments.values():
            total += spec.share
            self._segment_cum.append(total)
        self._next_id = 0

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
        ctx = self.ctx
        now = ctx.env.now
        customer = Customer(cid, seg_name, now, patience, attitude, trust)
        ctx.hot.arrived(now, cid, seg_name, source, 1)
        Walk(journey(ctx, customer))

    # --- the arrival process -----------------------------------------------------------------------

    def start(self) -> None:
        """Schedule the first arrival."""
        self._rates = weekly_rates_per_min(self.ctx.scenario.arrivals)
        self._windows = campaign_windows(self.ctx.scenario.arrivals)  # launch days, sales: none in most scenarios
        budget = self.ctx.streams["arrivals"]
        self._arrival_draws = Sampler(lambda n: budget.exponential(1.0, n))
        self._next_arrival: Pause | None = None  # made for the first arrival, re-armed for each later one
        self._due = 0.0  # the time of the pending arrival
        self._schedule_arrival(0.0)

    def _schedule_arrival(self, after: float) -> None:
        windows = self._windows
        if windows and windows[-1].end > after:
            t = next_arrival_with_campaigns(after, self._arrival_draws(), self._rates, windows)
        else:
            t = next_arrival(after, self._arrival_draws(), self._rates)
        ctx = self.ctx
        if t < ctx.horizon:
            self._due = t
            pause = self._next_arrival
            if pause is None:
                pause = self._next_arrival = Pause(ctx.env, t - ctx.env.now)
            else:
                pause.after(t - ctx.env.now)
            pause.callbacks.append(self._on_arrival)

    def _on_arrival(self, _event: Event) -> None:
        t = self._due
        seg_name = self.pick_segment(self._segment_draw)
        self._schedule_arrival(t)
        cid = self._next_id
        self._next_id = cid + 1
        ctx = self.ctx
        outcomes = ctx.outcomes
        if outcomes.nwom_pool > 0:  # this prospect heard bad things about the brand
            outcomes.nwom_pool -= 1
            if ctx.draws.deter(cid) < ctx.model.word_of_mouth.nwom_deterrence:
                ctx.emit(ProspectDeterred(time=t, segment=seg_name))
                return
        self.new_customer(seg_name, "new", cid)
