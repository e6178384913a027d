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

import math
from bisect import bisect_left
from collections import deque
from typing import cast

from simpy.events import Event, Timeout

from sim.behaviour.loyalty import (
    after_needless_notices,
    answer,
    cut_points,
    cycle_discount_rate,
    logit,
    noise_sds,
    normal_quantile,
    normal_quantiles,
    nps_group,
    nwom_probability,
    refer_probability,
    review_probability,
    review_stars,
)
from sim.clock import MINUTES_PER_DAY
from sim.engine.context import RunContext
from sim.engine.entities import Customer
from sim.engine.journey import journey
from sim.engine.walk import Walk
from sim.records import ReviewPosted
from sim.rng import PER_JOURNEY, KeyedUniform, KeyedUniforms, poisson_quantile
from sim.scenario.distributions import sampler, uniform_sampler

REFERRAL_ID_BASE = 1 << 40
DICE = ("experience", "survey", "csat", "review", "refer", "nwom", "repeat")
"""The keyed streams every settled journey draws from, in the order ``Dice`` holds them."""
GROUPS = ("promoter", "passive", "detractor")

Dice = tuple[float, float, float, float, float, float, float]


BATCH_MIN = 4
"""Smallest batch whose dice are drawn with numpy: below it, plain Python is cheaper (about 1 us per numpy call)."""


class Outcomes:
    """Settles journeys into memories and survey answers, and sends customers back, or away.

    ``settle`` runs once per journey, so it evaluates the formulas of ``sim.behaviour`` (named in
    its comments) inlined, on constants read from the scenario once here: the same operations in
    the same order, so the same numbers bit for bit (``tests/sim/test_fused_formulas.py``
    checks it against the functions themselves), without some twenty calls and lookups a journey.
    """

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        model = ctx.scenario.customer_model
        mem, lo, w = model.memory, model.loyalty, model.word_of_mouth
        self.model = model
        seed, streams = ctx.seed, ctx.streams
        # every settled journey draws these (keyed by customer and journey): "experience" is the
        # journey's disturbance, shared by every answer; "survey" and "csat" are the recommend and
        # CSAT answers' own noise; the others decide reviewing, referring, word of mouth and return
        self._dice = KeyedUniforms(seed, DICE)
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
        # the constants of settle's inlined formulas (the scenario is frozen: they hold for the whole run)
        self._env, self._enabled, self._survey_delay = ctx.env, model.enabled, mem.survey_delay_min
        self._feedback = model.feedback
        self._ref_affect = model.moments.met_expectations
        self._ref_trust = mem.trust_reference
        self._peak_end_weight, self._first_weight = mem.peak_end_weight, mem.first_weight
        self._rest_weight = 1 - mem.peak_end_weight - mem.first_weight
        self._attitude_rate, self._tenure_half, self._loss_aversion = mem.attitude_rate, mem.tenure_half, mem.loss_aversion
        self._repeat_terms = (logit(lo.repeat_base), lo.beta_attitude, lo.beta_trust, lo.beta_effort, lo.beta_memory)
        self._latent_terms = (lo.nps_attitude, lo.nps_trust, lo.nps_memory, lo.nps_effort)
        self._ces_per_effort = lo.ces_per_effort
        self._one_plus_discount = 1 + self._cycle_discount
        # by answer on the 0-10 scale (every answer ``answer`` can give): the chance to review, refer, spread bad word
        answers = range(len(self._ltr_cuts) + 1)
        self._review_p = [review_probability(ltr, lo) for ltr in answers]
        self._refer_p_by_ltr = [self._refer_p[nps_group(ltr)] for ltr in answers]
        self._nwom_p_by_ltr = [self._nwom_p[nps_group(ltr)] for ltr in answers]
        self.pending: deque[tuple[float, Customer]] = deque()  # (due minute, customer), in due order
        self._dice_ahead: deque[Dice] = deque()  # the dice of the first journeys of ``pending``, drawn ahead
        self._timer = False
        self.nwom_pool = 0  # people told bad things who have not arrived yet
        self.thanks_reviewers = False
        self.thanks_cost = 0.0  # per reviewer answered
        pages = ctx.scenario.review_pages()
        self.review_page = pages[0] if pages else None  # where reviews appear (and are answered), if anywhere

    def journey_ended(self, customer: Customer) -> None:
        """A journey is over: its memory settles after the survey delay."""
        if not self._enabled:
            return
        delay = self._survey_delay
        if delay <= 0:
            self.settle(customer, self._dice_of(customer))
            return
        # NOTE: journeys end in time order and the delay is constant, so due surveys form a FIFO;
        # one timer per batch instead of one per customer keeps the event heap small.
        self.pending.append((self._env.now + delay, customer))
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
        ahead = self._dice_ahead
        if len(ahead) < len(due):
            # NOTE: the dice of every journey waiting for its survey, drawn at once: about a day's
            # journeys in one numpy batch instead of one small batch per tick. They are keyed by
            # (customer, journey), which cannot change while a journey waits, so they are the same
            # numbers whenever they are drawn.
            waiting = due[len(ahead) :] + [customer for _, customer in queue]
            ahead.extend(zip(*self._batch_dice(waiting), strict=True))
        self._settle_all(due, [ahead.popleft() for _ in due])
        self._timer = False
        if queue:
            self._schedule_tick()

    def _batch_dice(self, due: list[Customer]) -> list[list[float]]:
        """The dice of every journey in ``due``, one list per stream of ``DICE`` (a customer has at most
        one journey waiting for its survey: the next one starts only after this one settles): the
        numbers ``_dice_of`` gives each, drawn at once."""
        n = len(due)
        if n < BATCH_MIN:
            columns: list[list[float]] = [[] for _ in DICE]
            for c in due:
                for column, d in zip(columns, self._dice_of(c), strict=True):
                    column.append(d)
            return columns
        u = self._dice.uniforms([c.id for c in due], [c.journeys for c in due])
        z = normal_quantiles(u[:3])  # the three normal streams in one call, stream after stream
        return [z[:n], z[n : 2 * n], z[2 * n :], *u[3:].tolist()]

    def _dice_of(self, customer: Customer) -> Dice:
        """One journey's dice, drawn one by one: the same numbers a batch gives it."""
        u = self._dice.draw_one(customer.id, customer.journeys)
        return (normal_quantile(u[0]), normal_quantile(u[1]), normal_quantile(u[2]), u[3], u[4], u[5], u[6])

    def settle(self, customer: Customer, dice: Dice) -> None:
        """Form the journey's memory, answer the survey, and decide what the customer does next.

        ``dice`` are the journey's keyed draws (``DICE``; the first three as standard normals).
        """
        self._settle_all([customer], [dice])

    def _settle_all(self, due: list[Customer], dice: list[Dice]) -> None:
        """``settle`` every journey of ``due``, in order, each with its own ``dice``.

        NOTE: one loop over the batch, with the run's constants read into locals once per batch
        rather than once per journey (a local is cheaper to read than an attribute).
        """
        ctx = self.ctx
        env, hot = ctx.env, ctx.hot
        now = env.now
        ref_a, ref_t = self._ref_affect, self._ref_trust
        w_peak_end, w_first, w_rest = self._peak_end_weight, self._first_weight, self._rest_weight
        attitude_rate, tenure_half, loss_aversion = self._attitude_rate, self._tenure_half, self._loss_aversion
        base, b_attitude, b_trust, b_effort, b_memory = self._repeat_terms
        n_attitude, n_trust, n_memory, n_effort = self._latent_terms
        shared_sd, own = self._shared_sd, self._answer_sd
        ltr_cuts, csat_cuts = self._ltr_cuts, self._csat_cuts
        review_p, refer_p, nwom_p = self._review_p, self._refer_p_by_ltr, self._nwom_p_by_ltr
        feedback, per_effort, one_plus_discount = self._feedback, self._ces_per_effort, self._one_plus_discount
        order_margin = self._order_margin
        for customer, (z_experience, z_survey, z_csat, u_review, u_refer, u_nwom, u_repeat) in zip(due, dice, strict=True):
            moments = customer.moments
            if moments:  # remembered(moments, memory)
                first = moments[0]
                if len(moments) == 1:  # the most common journey to settle (one contact, one moment)
                    peak = end = mean = first
                else:
                    peak, end, mean = max(moments, key=abs), moments[-1], sum(moments) / len(moments)
                memory = w_peak_end * (peak + end) / 2 + w_first * first + w_rest * mean
                memory = -1.0 if memory < -1.0 else 1.0 if memory > 1.0 else memory
            else:
                memory = ref_a
            journeys = customer.journeys
            before = customer.attitude  # updated_attitude(before, memory, journeys, memory settings)
            gap = memory - before
            attitude = before + attitude_rate / (1 + journeys / tenure_half) * gap * (loss_aversion if gap < 0 else 1.0)
            attitude = -1.0 if attitude < -1.0 else 1.0 if attitude > 1.0 else attitude
            customer.attitude = attitude
            customer.settled = True
            trust, effort = customer.trust, customer.effort
            d_attitude, d_trust, d_memory = attitude - ref_a, trust - ref_t, memory - ref_a
            # repeat_probability: logistic(x)
            x = base + b_attitude * d_attitude + b_trust * d_trust + b_effort * effort + b_memory * d_memory
            if x >= 0:
                p_repeat = 1.0 / (1.0 + math.exp(-x))
            else:
                ex = math.exp(x)
                p_repeat = ex / (1.0 + ex)
            if customer.needless:  # over-contact raises the odds of leaving (Ascarza et al. 2016)
                p_repeat = after_needless_notices(p_repeat, self.model.recovery.needless_churn_factor, customer.needless)
                customer.needless = 0
            # one evaluation of the journey (survey_latent); each answer adds only its own, smaller noise
            # (docs/model.md section 4)
            latent = n_attitude * d_attitude + n_trust * d_trust + n_memory * d_memory + n_effort * effort
            latent += shared_sd * z_experience
            ltr = bisect_left(ltr_cuts, latent + own * z_survey)  # answer(cuts, value)
            csat = 1 + bisect_left(csat_cuts, latent + own * z_csat)
            stars = 0
            thanked = False
            if u_review < review_p[ltr]:  # stars: the review's own answer on the 0-10 scale
                stars = review_stars(answer(ltr_cuts, latent + own * normal_quantile(self._stars_draw(customer.id, journeys))))
                thanked = self._review(customer, stars)
            referrals = self._refer(customer, feedback) if u_refer < refer_p[ltr] else 0
            nwom = u_nwom < nwom_p[ltr]
            if nwom and feedback:
                told = poisson_quantile(
                    self._told_draw(customer.id, -1 - journeys), self.model.word_of_mouth.extra_people_told_mean
                )
                self.nwom_pool += 1 + told
            returns = u_repeat < p_repeat
            customer.journeys = journeys + 1
            hits = customer.hits
            ces = 7.0 - per_effort * effort  # ces(effort, per effort)
            ces = 1.0 if ces < 1.0 else 7.0 if ces > 7.0 else ces
            hot.remembered(  # a JourneyRemembered, in its field order
                now, customer.id, customer.segment, journeys + 1, customer.arrived, bool(hits),
                customer.contacts > 0, customer.contacts, customer.switches,
                bool(hits) and all(h.recovered for h in hits.values()),  # recovered
                bool(hits) and any(h.proactive for h in hits.values()),  # reached first
                thanked, memory, attitude, trust, effort, ces, csat, ltr, p_repeat, returns, stars, referrals, nwom,
                order_margin[customer.segment] * p_repeat / (one_plus_discount - p_repeat),  # lifetime_value
            )  # fmt: skip
            if returns and feedback:
                delay = self._return_after() * MINUTES_PER_DAY
                if now + delay < ctx.horizon:
                    Timeout(env, delay, customer).callbacks.append(self._on_return)

    def _review(self, customer: Customer, stars: int) -> bool:
        """A customer posts a review with ``stars``; True if the brand thanks them for it (they remember that)."""
        thanked = self.thanks_reviewers
        if thanked:  # the reviewer hears back personally: remembered with the next journey's attitude
            customer.attitude = min(1.0, customer.attitude + self.model.loyalty.thanks_attitude_gain)
        ctx = self.ctx
        ctx.emit(
            ReviewPosted(
                time=ctx.env.now,
                customer=customer.id,
                segment=customer.segment,
                stars=stars,
                answered=thanked,
                cost=self.thanks_cost if thanked else 0.0,
                touchpoint=self.review_page,
            )
        )
        return thanked

    def _refer(self, customer: Customer, feedback: bool) -> int:
        """A customer refers others: how many people they tell, how many come, and when (if feedback is on)."""
        w = self.model.word_of_mouth
        cid, journeys = customer.id, customer.journeys
        told = 1 + poisson_quantile(self._told_draw(cid, journeys), w.extra_people_told_mean)
        convert, conversion, first = self._convert_draw, w.referral_conversion, journeys * PER_JOURNEY
        referrals = 0
        for i in range(told):  # each person told comes or not: the customer's own dice (keyed by journey and person)
            if convert(cid, first + i) < conversion:
                referrals += 1
        env = self.ctx.env
        for _ in range(referrals if feedback else 0):
            delay = self._referral_after() * MINUTES_PER_DAY
            if env.now + delay < self.ctx.horizon:
                Timeout(env, delay).callbacks.append(self._on_referral)
        return referrals

    def _on_return(self, event: Event) -> None:
        ctx = self.ctx
        customer = cast(Customer, event.value)
        now = ctx.env.now
        customer.start_journey(now)
        ctx.hot.arrived(now, customer.id, customer.segment, "returning", customer.journeys + 1)  # a CustomerArrived
        Walk(journey(ctx, customer))

    def _on_referral(self, _event: Event) -> None:
        self._referral_ids += 1  # a separate id range keeps new customers' ids equal across policies
        population = self.ctx.population
        population.new_customer(population.pick_segment(self._referral_segment), "referral", self._referral_ids)
