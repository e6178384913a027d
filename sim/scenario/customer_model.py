"""The customer model's parameters: every number behind moments, memory and loyalty.

Each default comes from the research summarised in docs/model.md, with its source and an
evidence grade there (A strong ... D weak, X a modelling choice). A trainer can override any of
them in the scenario's ``[customer_model]`` table, e.g. ``[customer_model.loyalty] repeat_base = 0.85``
for a subscription business.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from sim.scenario.bounds import FORMAT_CONFIG, check_magnitude
from sim.scenario.distributions import Distribution, Exponential

Probability = Annotated[float, Field(ge=0, le=1)]


class _Table(BaseModel):
    model_config = FORMAT_CONFIG
    _bounded = field_validator("*")(check_magnitude)


class Moments(_Table):
    """How each moment of a journey feels (affect from -1 to +1; 0 is neutral)."""

    met_expectations: float = Field(0.10, ge=0, le=1, description="Affect of a step that went as expected.")
    wait_weight: float = Field(0.3, ge=0, le=1, description="Largest loss of affect from waiting (a very long wait).")
    wait_scale_min: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=lambda: {"phone": 5.0, "chat": 2.0, "email": 1440.0, "sms": 60.0, "ivr": 3.0, "store": 5.0},
        description="Minutes of waiting that cost 63 % of wait_weight, per channel (waits feel longer on the phone than by e-mail).",
    )
    default_wait_scale_min: float = Field(5.0, gt=0, description="Wait scale for channels not listed, minutes.")
    callback_wait_factor: float = Field(0.5, ge=0, le=1, description="Waiting for a call-back feels this much of a hold.")
    long_hold_min: float = Field(10.0, gt=0, description="A wait longer than this is an effort driver, minutes.")
    effort_moment: float = Field(
        -0.10, ge=-1, le=0, description="Extra affect of an effort driver (repeat contact, transfer, struggle)."
    )
    unresolved_penalty: float = Field(0.15, ge=0, le=1, description="Affect lost when a contact does not resolve the issue.")
    delight_bonus: float = Field(
        0.20,
        ge=0,
        le=1,
        description="Extra affect of a chance delight (a touchpoint's delight_probability: a surprise the brand does not choose).",
    )
    external_attribution: float = Field(
        0.8, ge=0, le=1, description="Share of the blame customers put on the brand for an external failure (carrier, weather)."
    )
    natural_failure_severity: float = Field(
        0.2, ge=0, le=1, description="Severity of a self-service step that simply does not work (the assistant cannot answer)."
    )


class Recovery(_Table):
    """Who complains, who is reached first, and how well a recovery repairs the damage."""

    weight_acknowledge: float = Field(0.20, ge=0, le=1, description="Recovery quality from being heard.")
    weight_fix: float = Field(0.40, ge=0, le=1, description="Recovery quality from the problem being fixed.")
    weight_fast: float = Field(0.15, ge=0, le=1, description="Recovery quality from a fast recovery.")
    weight_apology: float = Field(0.10, ge=0, le=1, description="Recovery quality from an apology.")
    weight_proactive: float = Field(0.15, ge=0, le=1, description="Recovery quality from the brand reaching out first.")
    compensation_mixed: float = Field(
        0.10, ge=0, le=1, description="Quality from compensation when exactly one of speed and apology is missing."
    )
    compensation_other: float = Field(0.03, ge=0, le=1, description="Quality from compensation otherwise.")
    cap: float = Field(0.90, ge=0, le=1, description="Most of the damage a recovery can repair.")
    paradox_cap: float = Field(
        1.10, ge=1, le=1.5, description="Cap when the recovery paradox can happen (first, mild, external failure, fast recovery)."
    )
    paradox_max_severity: Probability = Field(0.4, description="The paradox needs a failure no worse than this.")
    fast_within_min: float = Field(60.0, gt=0, description="A recovery within this many minutes of the failure is fast.")
    complain_intercept: float = Field(-4.0, description="Complaint probability is logistic(intercept + slope x severity).")
    complain_slope: float = Field(5.5, ge=0, description="See complain_intercept: 3 % complain at severity 0.1, 72 % at 0.9.")
    detect_probability: Probability = Field(0.9, description="Chance the brand detects an incident to notify customers about it.")
    contact_after_clear_notice: Probability = Field(
        0.20, description="Most customers who still contact after a clear notice (never more than without a notice)."
    )
    contact_after_vague_notice: Probability = Field(
        0.66, description="Fewest customers who still contact after a vague notice (never fewer than without a notice)."
    )
    needless_outreach_share: float = Field(
        0.05, ge=0, le=1, description="Notices that reach recent customers who were not affected, per affected customer notified."
    )
    needless_churn_factor: float = Field(
        1.6,
        ge=1,
        le=3,
        description="A needless notice multiplies the customer's odds of leaving by this (Ascarza et al. 2016: about 1.6).",
    )


class Memory(_Table):
    """How moments become a memory, and memory changes attitude and trust."""

    peak_end_weight: Probability = Field(0.6, description="Weight of (peak + end) / 2 in the remembered experience.")
    first_weight: Probability = Field(0.0, description="Weight of the first moment (primacy).")
    attitude_rate: float = Field(0.4, ge=0, le=1, description="How far one journey moves a new customer's attitude.")
    tenure_half: float = Field(4.0, gt=0, description="Journeys after which a customer's attitude moves half as much.")
    loss_aversion: float = Field(2.0, ge=1, le=4, description="How much more a worse-than-expected journey moves attitude.")
    trust_reference: Probability = Field(
        0.70, description="Trust of a customer with a normal history (the centre of the loyalty equations)."
    )
    trust_drop: float = Field(0.25, ge=0, le=1, description="Trust lost per unit of failure severity.")
    repeat_failure_factor: float = Field(1.5, ge=1, description="A second or later failure costs this many times more trust.")
    trust_recovery: Probability = Field(
        0.8, description="Share of lost trust a perfect recovery restores (never above its level before)."
    )
    proactive_trust_bonus: float = Field(0.03, ge=0, le=0.2, description="Trust gained from an honest proactive notice.")
    survey_delay_min: float = Field(
        1440.0, ge=0, description="Minutes after a journey ends when its memory settles and the survey is answered."
    )


def _baseline(n: int) -> Callable[[list[float]], list[float]]:
    def check(values: list[float]) -> list[float]:
        if len(values) != n:
            raise ValueError(f"needs {n} shares (got {len(values)})")
        if abs(sum(values) - 1) > 1e-6:
            raise ValueError(f"shares must sum to 1 (they sum to {sum(values):g})")
        return values

    return check


class Loyalty(_Table):
    """Repeat purchase, survey answers, reviews and customer value."""

    repeat_base: Probability = Field(
        0.28, description="Chance a customer with a normal journey buys again (e-commerce 0.28; subscriptions 0.8-0.9)."
    )
    beta_attitude: float = Field(2.0, description="Log-odds of buying again per unit of attitude.")
    beta_trust: float = Field(1.5, description="Log-odds of buying again per unit of trust.")
    beta_effort: float = Field(-0.20, description="Log-odds of buying again per effort driver.")
    beta_memory: float = Field(0.5, description="Log-odds of buying again per unit of remembered experience.")
    repeat_after_days: Distribution = Field(
        default_factory=lambda: Exponential(dist="exponential", mean=30.0),
        description="Days from one purchase decision to the next journey.",
    )
    ltr_baseline: list[Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: [0.02, 0.01, 0.01, 0.02, 0.02, 0.04, 0.04, 0.13, 0.26, 0.20, 0.25],
        description="Shares answering 0..10 to 'would you recommend us?' after a normal journey (NPS +29).",
    )
    nps_attitude: float = Field(3.0, description="Weight of attitude in the journey's evaluation behind every survey answer.")
    nps_trust: float = Field(1.5, description="Weight of trust in the journey's evaluation behind every survey answer.")
    nps_memory: float = Field(
        1.5, description="Weight of the remembered experience in the journey's evaluation behind every survey answer."
    )
    nps_effort: float = Field(
        -0.25,
        le=0,
        description="Weight of each effort driver in the journey's evaluation (SQM: an extra contact costs 15 % of top-box CSAT).",
    )
    answer_noise_share: Probability = Field(
        0.30,
        description="Share of the answers' noise that is each answer's own; the rest is one disturbance shared by CSAT, recommend and stars of a journey (0.30 gives CSAT vs recommend rank correlation about 0.6).",
    )
    csat_baseline: list[Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: [0.03, 0.05, 0.12, 0.40, 0.40],
        description="Shares answering CSAT 1..5 after a normal journey (80 % top-2).",
    )
    ces_per_effort: float = Field(1.5, ge=0, description="CES points (1-7, 7 = very easy) lost per effort driver.")
    review_probability: list[Probability] = Field(
        default_factory=lambda: [0.15, 0.06, 0.03, 0.08],
        description="Chance of posting a review for survey answers 0-2, 3-6, 7-8 and 9-10 (J-shaped).",
    )
    margin: Probability = Field(
        0.3, description="Share of an order's value that is gross margin (for profit and lifetime value)."
    )
    thanks_attitude_gain: float = Field(
        0.05, ge=0, le=0.5, description="Attitude gained by a reviewer the brand thanks personally (thank_reviewers)."
    )
    annual_discount_rate: float = Field(
        0.10,
        ge=0,
        le=1,
        description="Discount rate a year for customer lifetime value, converted to the mean repeat cycle (repeat_after_days).",
    )

    _v_ltr = field_validator("ltr_baseline")(_baseline(11))
    _v_csat = field_validator("csat_baseline")(_baseline(5))

    @field_validator("review_probability")
    @classmethod
    def _four(cls, values: list[float]) -> list[float]:
        if len(values) != 4:
            raise ValueError(f"needs 4 probabilities (got {len(values)})")
        return values


class WordOfMouth(_Table):
    """Referrals that bring customers and negative word of mouth that keeps them away."""

    refer_promoter: Probability = Field(0.53, description="Chance a promoter (9-10) refers someone after a journey.")
    refer_passive: Probability = Field(0.14, description="Chance a passive (7-8) refers someone after a journey.")
    refer_detractor: Probability = Field(0.03, description="Chance a detractor (0-6) refers someone after a journey.")
    extra_people_told_mean: float = Field(1.0, ge=0, description="People told per referrer beyond the first (Poisson mean).")
    referral_conversion: Probability = Field(0.125, description="Chance a referred person becomes a customer.")
    referral_delay_days: Distribution = Field(
        default_factory=lambda: Exponential(dist="exponential", mean=7.0),
        description="Days from a referral to the new customer's arrival.",
    )
    nwom_detractor: Probability = Field(0.50, description="Chance a detractor spreads negative word of mouth after a journey.")
    nwom_passive: Probability = Field(0.05, description="Chance a passive spreads negative word of mouth after a journey.")
    nwom_deterrence: Probability = Field(0.08, description="Chance negative word of mouth stops a prospect from coming.")


class CustomerModel(_Table):
    """All parameters of the customer model; every table and key is optional."""

    enabled: bool = Field(
        True,
        description="Model what customers feel and remember (surveys, loyalty). Set false for a pure queueing study: faster, and the experience results stay empty.",
    )
    feedback: bool = Field(
        True,
        description="Experience feeds back into arrivals: customers return, refer others, and word of mouth deters prospects. Set false for a pure queueing study.",
    )
    settle_every_min: float = Field(
        60.0, gt=0, le=1440, description="Surveys that fall due are answered in batches this often, minutes."
    )
    moments: Moments = Field(default_factory=Moments, description="How moments feel.")
    recovery: Recovery = Field(default_factory=Recovery, description="Complaints, notices and recovery quality.")
    memory: Memory = Field(default_factory=Memory, description="Memory, attitude and trust.")
    loyalty: Loyalty = Field(default_factory=Loyalty, description="Repeat purchase, surveys, reviews, value.")
    word_of_mouth: WordOfMouth = Field(default_factory=WordOfMouth, description="Referrals and negative word of mouth.")
