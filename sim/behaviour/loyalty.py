"""From a customer's state to what the business sees: repeat purchase, survey answers, reviews, value.

All equations are centred on a reference customer who had a normal journey (attitude and memory
equal to "met expectations", trust at its reference, no effort), so each coefficient reads as
the effect relative to that customer. Pure functions; the engine draws the random outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.scenario.customer_model import Loyalty, Recovery, WordOfMouth


def logistic(x: float) -> float:
    """1 / (1 + e^-x), safe for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def logit(p: float) -> float:
    """log(p / (1 - p)), with p kept away from 0 and 1."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def complain_probability(severity: float, r: Recovery) -> float:
    """Chance a customer who hit a failure contacts the brand unprompted (most small problems go unsaid)."""
    return logistic(r.complain_intercept + r.complain_slope * severity)


def repeat_probability(
    attitude: float, trust: float, effort: int, memory: float, ref_affect: float, ref_trust: float, lo: Loyalty
) -> float:
    """Chance of buying again: logistic in attitude, trust, effort and memory around the reference customer."""
    x = (
        logit(lo.repeat_base)
        + lo.beta_attitude * (attitude - ref_affect)
        + lo.beta_trust * (trust - ref_trust)
        + lo.beta_effort * effort
        + lo.beta_memory * (memory - ref_affect)
    )
    return logistic(x)


def ordered_distribution(latent: float, baseline: Sequence[float]) -> list[float]:
    """Ordered-logit answer shares: the baseline distribution shifted by a latent score (0 = baseline)."""
    cumulative = 0.0
    below = 0.0
    out = []
    for share in baseline[:-1]:
        cumulative += share
        at_most = logistic(logit(cumulative) - latent) if cumulative > 0 else 0.0
        out.append(max(at_most - below, 0.0))
        below = at_most
    out.append(max(1.0 - below, 0.0))
    return out


def survey_latent(attitude: float, trust: float, memory: float, ref_affect: float, ref_trust: float, lo: Loyalty) -> float:
    """Latent satisfaction behind survey answers (0 for the reference customer)."""
    return lo.nps_attitude * (attitude - ref_affect) + lo.nps_trust * (trust - ref_trust) + lo.nps_memory * (memory - ref_affect)


def expected_nps(ltr_shares: Sequence[float]) -> float:
    """100 x (share of promoters 9-10 minus share of detractors 0-6)."""
    return 100.0 * (sum(ltr_shares[9:]) - sum(ltr_shares[:7]))


def nps_group(ltr: int) -> str:
    """'promoter' (9-10), 'passive' (7-8) or 'detractor' (0-6)."""
    return "promoter" if ltr >= 9 else "passive" if ltr >= 7 else "detractor"


def review_probability(ltr: int, lo: Loyalty) -> float:
    """Chance of posting a review: J-shaped, highest for the angry and the delighted."""
    band = 0 if ltr <= 2 else 1 if ltr <= 6 else 2 if ltr <= 8 else 3
    return lo.review_probability[band]


def review_stars(ltr: int) -> int:
    """Star rating 1-5 of a review by a customer who answered ``ltr``."""
    return min(5, 1 + round(ltr * 0.4))


def refer_probability(group: str, w: WordOfMouth) -> float:
    """Chance a customer in an NPS group refers someone."""
    return {"promoter": w.refer_promoter, "passive": w.refer_passive, "detractor": w.refer_detractor}[group]


def nwom_probability(group: str, w: WordOfMouth) -> float:
    """Chance a customer in an NPS group spreads negative word of mouth."""
    return {"promoter": 0.0, "passive": w.nwom_passive, "detractor": w.nwom_detractor}[group]


def after_needless_notices(repeat: float, churn_odds_factor: float, notices: int) -> float:
    """Chance of buying again after ``notices`` needless notices, each multiplying the odds of leaving.

    An odds ratio (Ascarza et al. 2016: churn 6.4 % -> 10.0 %, odds ratio 1.62) shifts the repeat
    logit by -log(factor) per notice, so it stays a probability at any base rate; a risk ratio of
    1.6 on an e-commerce churn of 72 % would exceed 100 %.
    """
    if notices <= 0 or repeat <= 0.0:
        return repeat
    return repeat / (repeat + (1.0 - repeat) * churn_odds_factor**notices)


def cycle_discount_rate(annual_rate: float, cycle_days: float) -> float:
    """Discount rate per purchase cycle of ``cycle_days`` from an annual rate: (1 + d_year)^(days/365) - 1."""
    return math.pow(1.0 + annual_rate, cycle_days / 365.0) - 1.0


def lifetime_value(margin_per_order: float, repeat: float, discount_rate: float) -> float:
    """Customer lifetime value m p / (1 + d - p) of a customer who buys again with probability p.

    ``discount_rate`` is per purchase cycle (Gupta & Lehmann 2003 discount once per period).
    """
    return margin_per_order * repeat / (1 + discount_rate - repeat)
