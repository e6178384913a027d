"""After the journey: the memory settles, the survey is answered, and the customer decides what next.

A day after a journey (``survey_delay_min``) its moments become a memory; memory, attitude,
trust and effort give one latent evaluation of the journey (its structural score plus one shared
disturbance), from which every survey answer (recommend 0-10, CSAT 1-5), whether to review and
the review's stars follow with a smaller noise of their own; then perhaps a referral or negative
word of mouth, and the decision to buy again (a behavioural logistic, not a survey answer), which
brings the customer back for another journey. Every decision that belongs to one customer uses
keyed random numbers (customer, journey), so the same customer faces the same dice under every
policy.
"""

from __future__ import annotations

from collections import deque
from typing import cast

from simpy.events import Event, Timeout

from sim.behaviour.experience import ces, remembered, updated_attitude
from sim.behaviour.loyalty import (
    after_needless_notices,
    answer,
    cut_points,
    cycle_discount_rate,
    lifetime_value,
    noise_sds,
    normal_quantile,
    normal_quantiles,
    nps_group,
    nwom_probability,
    refer_probability,
    repeat_probability,
    review_probability,
    review_stars,
    survey_latent,
)
from sim.clock import MINUTES_PER_DAY
from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.engine.journey import journey
from sim.engine.walk import Walk
from sim.records import CustomerArrived, ReviewPosted
from sim.rng import PER_JOURNEY, KeyedUniform, KeyedUniforms, poisson_quantile
from sim.scenario.distributions import sampler, uniform_sampler

REFERRAL_ID_BASE = 1 << 40
DICE = ("experience", "survey", "csat", "review", "refer", "nwom", "repeat")
"""The keyed streams every settled journey draws from, in the order ``Dice`` holds them."""
GROUPS = ("promoter", "passive", "detractor")

Dice = tuple[float, float, float, float, float, float, float]


class Outcomes:
    """Settles journeys into memories and survey answers, and sends customers back, or away."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        model = ctx.scenario.customer_model
        lo, w = model.loyalty, model.word_of_mouth
        self.model = model
        seed, streams = ctx.seed, ctx.streams
        # every settled journey draws these (keyed by customer and journey): "experience" is the
        # journey's disturbance, shared by every answer; "survey" and "csat" are the recommend and
        # CSAT answers' own noise; the others decide reviewing, referring, word of mouth and return
        self._dice = KeyedUniforms(seed, DICE)
        self._dice_one = [KeyedUniform(seed, name) for name in DICE]
        self._stars_draw = KeyedUniform(seed, "stars")
        # how many people a customer tells, and which of them come, are the customer's own dice (keyed), so a
        # customer no decision touched refers the same people under every team's or policy's choices
        self._told_draw = KeyedUniform(seed, "people_told")
        self._convert_draw = KeyedUniform(seed, "referral_conversion")
        self._return_after = sampler(lo.repeat_after_days, streams["return_after"])
        self._referral_after = sampler(w.referral_delay_days, streams["referral_after"])
        self._referral_segment = uniform_sampler(streams["referral_segment"])
        self._referral_ids = REFERRAL_ID_BASE
        self._ltr_cuts = cut_points(lo.ltr_baseline)
        self._csat_cuts = cut_points(lo.csat_baseline)
        self._shared_sd, self._answer_sd = noise_sds(lo)
        self._cycle_discount = cycle_discount_rate(lo.annual_discount_rate, lo.repeat_after_days.mean_value())
        self._order_margin = {seg: lo.margin * spec.order_value.mean_value() for seg, spec in ctx.scenario.segments.items()}
        self._refer_p = {g: refer_probability(g, w) for g in GROUPS}
        self._nwom_p = {g: nwom_probability(g, w) for g in GROUPS}
        self.pending: deque[tuple[float, Customer]] = deque()  # (due minute, customer), in due order
        self._timer = False
        self.nwom_pool = 0  # people told bad things who have not arrived yet
        self.thanks_reviewers = False
        self.thanks_cost = 0.0  # per reviewer answered
        pages = ctx.scenario.review_pages()
        self.review_page = pages[0] if pages else None  # where reviews appear (and are answered), if anywhere

    def journey_ended(self, customer: Customer) -> None:
        """A journey is over: its memory settles after the survey delay."""
        if not self.model.enabled:
            return
        delay = self.model.memory.survey_delay_min
        if delay <= 0:
            self.settle(customer, self._dice_of(customer))
            return
        # NOTE: journeys end in time order and the delay is constant, so due surveys form a FIFO;
        # one timer per batch instead of one per customer keeps the event heap small.
        self.pending.append((self.ctx.env.now + delay, customer))
        if not self._timer:
            self._schedule_tick()

    def _schedule_tick(self) -> None:
        env = self.ctx.env
        every = self.model.settle_every_min
        due = self.pending[0][0]
        tick = (due // every + (due % every > 0)) * every
        self._timer = True
        Timeout(env, max(tick - env.now, 0.0)).callbacks.append(self._on_tick)

    def _on_tick(self, _event: Event) -> None:
        queue = self.pending
        now = self.ctx.env.now
        due: list[Customer] = []
        while queue and queue[0][0] <= now:
            due.append(queue.popleft()[1])
        # the whole batch's dice at once (a customer settles at most one journey per batch: the
        # next one starts only after this one settles)
        u = self._dice.draws([c.id for c in due], [c.journeys for c in due])
        experience, survey, csat = (normal_quantiles(z) for z in u[:3])
        review, refer, nwom, repeat = u[3:]
        for i, customer in enumerate(due):
            self.settle(customer, (experience[i], survey[i], csat[i], review[i], refer[i], nwom[i], repeat[i]))
        self._timer = False
        if queue:
            self._schedule_tick()

    def _dice_of(self, customer: Customer) -> Dice:
        """One journey's dice, drawn one by one: the same numbers a batch gives it."""
        key = customer.id, customer.journeys
        u = [draw(*key) for draw in self._dice_one]
        return (normal_quantile(u[0]), normal_quantile(u[1]), normal_quantile(u[2]), u[3], u[4], u[5], u[6])

    def settle(self, customer: Customer, dice: Dice) -> None:
        """Form the journey's memory, answer the survey, and decide what the customer does next.

        ``dice`` are the journey's keyed draws (``DICE``; the first three as standard normals).
        """
        z_experience, z_survey, z_csat, u_review, u_refer, u_nwom, u_repeat = dice
        ctx = self.ctx
        env = ctx.env
        m = self.model
        mem, lo, w = m.memory, m.loyalty, m.word_of_mouth
        ref_a, ref_t = m.moments.met_expectations, mem.trust_reference
        memory = remembered(customer.moments, mem) if customer.moments else ref_a
        attitude = updated_attitude(customer.attitude, memory, customer.journeys, mem)
        customer.attitude = attitude
        customer.settled = True
        trust, effort = customer.trust, customer.effort
        p_repeat = repeat_probability(attitude, trust, effort, memory, ref_a, ref_t, lo)
        if customer.needless:  # over-contact raises the odds of leaving (Ascarza et al. 2016)
            p_repeat = after_needless_notices(p_repeat, m.recovery.needless_churn_factor, customer.needless)
            customer.needless = 0
        key = customer.id, customer.journeys
        # one evaluation of the journey; each answer adds only its own, smaller noise (docs/model.md section 4)
        latent = survey_latent(attitude, trust, memory, effort, ref_a, ref_t, lo)
        latent += self._shared_sd * z_experience
        own = self._answer_sd
        ltr = answer(self._ltr_cuts, latent + own * z_survey)
        csat = 1 + answer(self._csat_cuts, latent + own * z_csat)
        stars = 0
        if u_review < review_probability(ltr, lo):  # stars: the review's own answer on the 0-10 scale
            stars = review_stars(answer(self._ltr_cuts, latent + own * normal_quantile(self._stars_draw(*key))))
        thanked = bool(stars) and self.thanks_reviewers
        if thanked:  # the reviewer hears back personally: remembered with the next journey's attitude
            customer.attitude = min(1.0, customer.attitude + lo.thanks_attitude_gain)
        if stars:
            ctx.emit(
                ReviewPosted(
                    time=env.now,
                    customer=customer.id,
                    segment=customer.segment,
                    stars=stars,
                    answered=thanked,
                    cost=self.thanks_cost if thanked else 0.0,
                    touchpoint=self.review_page,
                )
            )
        group = nps_group(ltr)
        referrals = 0
        feedback = m.feedback
        if u_refer < self._refer_p[group]:
            told = 1 + poisson_quantile(self._told_draw(*key), w.extra_people_told_mean)
            referrals = sum(
                self._convert_draw(customer.id, key[1] * PER_JOURNEY + i) < w.referral_conversion for i in range(told)
            )
            for _ in range(referrals if feedback else 0):
                delay = self._referral_after() * MINUTES_PER_DAY
                if env.now + delay < ctx.horizon:
                    Timeout(env, delay).callbacks.append(self._on_referral)
        nwom = u_nwom < self._nwom_p[group]
        if nwom and feedback:
            self.nwom_pool += 1 + poisson_quantile(self._told_draw(customer.id, -1 - key[1]), w.extra_people_told_mean)
        returns = u_repeat < p_repeat
        customer.journeys += 1
        hits = customer.hits
        ctx.hot.remembered(  # a JourneyRemembered, in its field order
            env.now, customer.id, customer.segment, customer.journeys, customer.arrived, bool(hits),
            customer.contacts > 0, customer.contacts, customer.switches,
            bool(hits) and all(h.recovered for h in hits.values()),  # recovered
            bool(hits) and any(h.proactive for h in hits.values()),  # reached first
            thanked, memory, attitude, trust, effort, ces(effort, lo.ces_per_effort), csat, ltr, p_repeat, returns, stars,
            referrals, nwom, lifetime_value(self._order_margin[customer.segment], p_repeat, self._cycle_discount),
        )  # fmt: skip
        if returns and feedback:
            delay = self._return_after() * MINUTES_PER_DAY
            if env.now + delay < ctx.horizon:
                Timeout(env, delay, customer).callbacks.append(self._on_return)

    def _on_return(self, event: Event) -> None:
        ctx = self.ctx
        customer = cast(Customer, event.value)
        customer.start_journey(ctx.env.now)
        ctx.emit(
            CustomerArrived(
                time=ctx.env.now, customer=customer.id, segment=customer.segment, source="returning",
                journey=customer.journeys + 1,
            )
        )  # fmt: skip
        Walk(journey(ctx, customer))

    def _on_referral(self, _event: Event) -> None:
        self._referral_ids += 1  # a separate id range keeps new customers' ids equal across policies
        population = self.ctx.population
        population.new_customer(population.pick_segment(self._referral_segment), "referral", self._referral_ids)
