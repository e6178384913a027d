"""What a customer feels and remembers: the pure formulas of the customer model.

Moments have an affect in [-1, 1] (0 = neutral; a step that goes as expected is slightly
positive). A journey's memory is a peak-end blend of its moments; memory moves attitude
(anchoring and adjustment, losses weigh more, tenure steadies); failures cost trust and
recoveries give back part of it, never more than was lost. Every function here is small and
pure so it can be checked against the worked cases in docs/model.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.scenario.customer_model import Memory, Moments, Recovery


def clip(x: float, low: float = -1.0, high: float = 1.0) -> float:
    """x limited to [low, high]."""
    return low if x < low else high if x > high else x


def wait_moment(wait_min: float, scale_min: float, m: Moments, factor: float = 1.0) -> float:
    """Affect of a wait: met expectations, minus up to ``wait_weight`` as the perceived wait grows."""
    felt = wait_min * factor
    return clip(m.met_expectations - m.wait_weight * (1.0 - math.exp(-felt / scale_min)))


def failure_moment(severity: float, attribution: float, quality: float, m: Moments) -> float:
    """Affect of a failure after a recovery of quality Q (0 = no recovery): a_ok - c s (1 - Q)."""
    return clip(m.met_expectations - attribution * severity * (1.0 - quality))


def paradox_eligible(prior_failures: int, severity: float, fast: bool, external: bool, r: Recovery) -> bool:
    """The service recovery paradox can only happen for a first, mild, external failure recovered fast."""
    return prior_failures == 0 and severity <= r.paradox_max_severity and fast and external


def recovery_quality(
    *,
    acknowledged: bool,
    fixed: bool,
    fast: bool,
    apology: bool,
    proactive: bool,
    compensation: bool,
    eligible_for_paradox: bool,
    r: Recovery,
) -> float:
    """Recovery quality Q: additive justice components, capped (above 1 only for the paradox)."""
    q = (
        r.weight_acknowledge * acknowledged
        + r.weight_fix * fixed
        + r.weight_fast * fast
        + r.weight_apology * apology
        + r.weight_proactive * proactive
    )
    if compensation:
        q += r.compensation_mixed if fast != apology else r.compensation_other
    return min(q, r.paradox_cap if eligible_for_paradox else r.cap)


def remembered(moments: Sequence[float], mem: Memory) -> float:
    """Remembered experience R: w (peak + end) / 2 + w_first first + rest x mean; peak is the most intense moment."""
    if not moments:
        return 0.0
    if len(moments) == 1:  # the most common journey to settle (one contact, one moment): the same numbers, faster
        peak = mean = moments[0]
    else:
        peak = max(moments, key=abs)
        mean = sum(moments) / len(moments)
    w_pe, w_first = mem.peak_end_weight, mem.first_weight
    return clip(w_pe * (peak + moments[-1]) / 2 + w_first * moments[0] + (1 - w_pe - w_first) * mean)


def updated_attitude(attitude: float, memory: float, journeys_before: int, mem: Memory) -> float:
    """Attitude after a journey: anchored on the old attitude, moved toward the memory, losses weigh more."""
    rate = mem.attitude_rate / (1 + journeys_before / mem.tenure_half)
    gap = memory - attitude
    return clip(attitude + rate * gap * (mem.loss_aversion if gap < 0 else 1.0))


def trust_after_failure(trust: float, severity: float, attribution: float, prior_failures: int, mem: Memory) -> float:
    """Trust after a failure: drops with severity and blame, more for a repeat failure."""
    factor = mem.repeat_failure_factor if prior_failures > 0 else 1.0
    return clip(trust - mem.trust_drop * severity * attribution * factor, 0.0, 1.0)


def trust_after_recovery(trust: float, trust_before: float, quality: float, proactive: bool, mem: Memory) -> float:
    """Trust after a recovery: a proactive notice adds a little, then part of the loss comes back, never above before."""
    if proactive:
        trust = min(trust_before, trust + mem.proactive_trust_bonus)
    return min(trust_before, trust + mem.trust_recovery * min(quality, 1.0) * (trust_before - trust))


def ces(effort_drivers: int, per_effort: float) -> float:
    """Customer Effort Score 1-7 (7 = very easy): 7 minus a penalty per effort driver."""
    return clip(7.0 - per_effort * effort_drivers, 1.0, 7.0)
