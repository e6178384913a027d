"""From a customer's state to what the business sees: repeat purchase, survey answers, reviews, value.

All equations are centred on a reference customer who had a normal journey (attitude and memory
equal to "met expectations", trust at its reference, no effort), so each coefficient reads as
the effect relative to that customer. Pure functions; the engine draws the random outcomes.

Survey answers share one latent evaluation per journey: the structural score (``survey_latent``)
plus one disturbance shared by every answer of that journey, plus a smaller noise of each
answer's own. Both noises are normal, so their sum is normal with sd ``LATENT_SD`` and the cut
points that give a reference customer the baseline shares are exact (an ordered probit). That is
what makes CSAT, likelihood to recommend and review stars agree with each other as they do in
real surveys, while each keeps its documented baseline distribution.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from statistics import NormalDist
from typing import TYPE_CHECKING

from sim.scenario.customer_model import Loyalty, Recovery, WordOfMouth

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

LATENT_SD = math.pi / math.sqrt(3)
"""Sd of the total noise behind an answer: that of the standard logistic, so the latent weights keep
the scale they had when each answer was an ordered logit with its own standard logistic noise."""

_STANDARD_NORMAL = NormalDist()

STARS_BY_ANSWER = (1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5)
"""Stars of a review by its answer on the 0-10 scale: detractors 1-3 stars, passives 4, promoters 5 (X)."""


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


@lru_cache(maxsize=16)
def _base_logit(p: float) -> float:
    """``logit`` of a scenario's base rate, computed once per rate instead of once per customer."""
    return logit(p)


def complain_probability(severity: float, r: Recovery) -> float:
    """Chance a customer who hit a failure contacts the brand unprompted (most small problems go unsaid)."""
    return logistic(r.complain_intercept + r.complain_slope * severity)


def repeat_probability(
    attitude: float, trust: float, effort: int, memory: float, ref_affect: float, ref_trust: float, lo: Loyalty
) -> float:
    """Chance of buying again: logistic in attitude, trust, effort and memory around the reference customer."""
    x = (
        _base_logit(lo.repeat_base)
        + lo.beta_attitude * (attitude - ref_affect)
        + lo.beta_trust * (trust - ref_trust)
        + lo.beta_effort * effort
        + lo.beta_memory * (memory - ref_affect)
    )
    return logistic(x)


_U_LOW, _U_HIGH = 1e-12, 1 - 1e-12
_INV_CDF = _STANDARD_NORMAL.inv_cdf


def normal_quantile(u: float) -> float:
    """A standard normal variate from a uniform one (inverse CDF), with u kept inside (0, 1)."""
    # NOTE: min(max(u, 1e-12), 1 - 1e-12) as comparisons, which cost less than two builtin calls
    return _INV_CDF(_U_LOW if u < _U_LOW else _U_HIGH if u > _U_HIGH else u)


# Wichura's AS241 (1988) central-region coefficients, as the standard library's NormalDist uses them.
_AS241_NUM = (
    2.50908_09287_30122_6727e3, 3.34305_75583_58812_8105e4, 6.72657_70927_00870_0853e4, 4.59219_53931_54987_1457e4,
    1.37316_93765_50946_1125e4, 1.97159_09503_06551_4427e3, 1.33141_66789_17843_7745e2, 3.38713_28727_96366_6080e0,
)  # fmt: skip
_AS241_DEN = (
    5.22649_52788_52854_5610e3, 2.87290_85735_72194_2674e4, 3.93078_95800_09271_0610e4, 2.12137_94301_58659_5867e4,
    5.39419_60214_24751_1077e3, 6.87187_00749_20579_0830e2, 4.23133_30701_60091_1252e1, 1.0,
)  # fmt: skip


NUMPY_QUANTILES_MIN = 256
"""Fewest values ``normal_quantiles`` evaluates with numpy (the measured crossover)."""


@lru_cache(maxsize=1)
def _as241_pairs() -> list[np.ndarray]:
    """AS241's coefficients by power, highest first, each a (numerator, denominator) column."""
    import numpy as np  # NOTE: numpy is imported on first use, not with the module (command-line start-up)

    return [np.array([[num], [den]]) for num, den in zip(_AS241_NUM, _AS241_DEN, strict=True)]


def normal_quantiles(u: Sequence[float] | NDArray[np.float64]) -> list[float]:
    """``normal_quantile`` of many uniforms at once, bit for bit the same numbers.

    The central 85 % (|u - 1/2| <= 0.425) is AS241's rational function, evaluated with numpy in
    the standard library's order of operations (only + - * /, each rounded the same way); the
    tails, which need a logarithm, go through ``normal_quantile`` one by one. Below
    ``NUMPY_QUANTILES_MIN`` values all of them do: numpy's cost per call (about 1 us, some thirty
    calls) is then more than the standard library's C function on each value (about 0.1 us).
    """
    import numpy as np

    values = np.asarray(u, dtype=np.float64).ravel()
    if len(values) < NUMPY_QUANTILES_MIN:  # normal_quantile of each, written out in the comprehension
        return [_INV_CDF(_U_LOW if x < _U_LOW else _U_HIGH if x > _U_HIGH else x) for x in values.tolist()]
    q = values - 0.5
    r = 0.180625 - q * q
    # NOTE: numerator and denominator are Horner's rule on the same r with 8 coefficients each, so
    # they run as the two rows of one array: half the numpy calls (about 1 us each on a small batch).
    coefs = _as241_pairs()
    poly = np.repeat(coefs[0], len(r), axis=1)
    for c in coefs[1:]:
        poly *= r
        poly += c
    out: list[float] = (poly[0] * q / poly[1]).tolist()
    tails = np.flatnonzero(np.abs(q) > 0.425).tolist()
    if tails:
        given = values.tolist()
        for i in tails:
            out[i] = normal_quantile(given[i])
    return out


def noise_sds(lo: Loyalty) -> tuple[float, float]:
    """(sd of the journey's shared disturbance, sd of each answer's own noise), splitting LATENT_SD^2.

    ``answer_noise_share`` of the variance is each answer's own and the rest is shared, so two
    answers of one journey correlate (1 - share) on the latent scale before rounding to a scale.
    """
    share = lo.answer_noise_share
    return LATENT_SD * math.sqrt(1.0 - share), LATENT_SD * math.sqrt(share)


def _z(cumulative: float) -> float:
    """Standard normal quantile of a cumulative share, infinite at 0 and 1 (an answer nobody gives)."""
    if cumulative <= 0.0:
        return -math.inf
    if cumulative >= 1.0:
        return math.inf
    return _STANDARD_NORMAL.inv_cdf(cumulative)


def cut_points(baseline: Sequence[float]) -> list[float]:
    """Cut points c_k = LATENT_SD * z(F0(k)) of a baseline answer distribution (all but the last answer).

    An answer is the number of cut points below latent + noise. The total noise is normal with sd
    LATENT_SD, so a reference customer (structural score 0) gives exactly the baseline shares.
    """
    out, total = [], 0.0
    for share in baseline[:-1]:
        total += share
        out.append(LATENT_SD * _z(total))
    return out


def ordered_distribution(latent: float, baseline: Sequence[float]) -> list[float]:
    """Expected answer shares of a customer whose structural score is ``latent`` (0 = the baseline).

    P(answer <= k) = Phi(z(F0(k)) - latent / LATENT_SD): the baseline shifted by the structural
    score, averaged over both noises (the shared disturbance and the answer's own).
    """
    shift = latent / LATENT_SD
    cumulative = 0.0
    below = 0.0
    out = []
    for share in baseline[:-1]:
        cumulative += share
        z = _z(cumulative)
        at_most = 0.0 if z == -math.inf else 1.0 if z == math.inf else _STANDARD_NORMAL.cdf(z - shift)
        out.append(max(at_most - below, 0.0))
        below = max(below, at_most)
    out.append(max(1.0 - below, 0.0))
    return out


def survey_latent(
    attitude: float, trust: float, memory: float, effort: int, ref_affect: float, ref_trust: float, lo: Loyalty
) -> float:
    """Structural score of the journey's evaluation behind every survey answer (0 for the reference customer).

    Attitude, trust and memory relative to the reference customer, and each effort driver (effort
    lowers satisfaction and recommendation, not only repeat purchase: Dixon et al. 2010; SQM).
    """
    return (
        lo.nps_attitude * (attitude - ref_affect)
        + lo.nps_trust * (trust - ref_trust)
        + lo.nps_memory * (memory - ref_affect)
        + lo.nps_effort * effort
    )


def answer(cuts: Sequence[float], value: float) -> int:
    """Position of a latent answer among the cut points: 0 for the lowest answer."""
    return bisect_left(cuts, value)


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
    """Star rating 1-5 of a review whose answer on the 0-10 scale is ``ltr``: 0-1, 2-3, 4-6, 7-8, 9-10 give 1-5."""
    return STARS_BY_ANSWER[min(max(ltr, 0), 10)]


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
