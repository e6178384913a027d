"""Verdicts on paired differences: good news or bad, in words a manager can act on.

A verdict says whether a policy did *better* or *worse* than the baseline on a KPI, from the
catalogue's ``higher_is_better`` (``sim.results.kpis``), not merely whether the difference is
"significant": a higher abandonment is worse, a higher profit better. For a KPI with no good
direction (the number of contacts) it says *higher* or *lower*. When the paired 95 % interval
spans 0 it says *no detectable difference*. The word leads the sentence, so it is there in
plain text wherever a colour marks it (the console, the HTML report).
"""

from __future__ import annotations

from sim.experiments.stats import Interval
from sim.results.kpis import Kpi
from sim.results.precision import format_change

BETTER, WORSE, HIGHER, LOWER = "better", "worse", "higher", "lower"
NO_DIFFERENCE = "no detectable difference"
EFFECTS = (BETTER, WORSE, HIGHER, LOWER, NO_DIFFERENCE)


def effect(diff: Interval, higher_is_better: bool | None) -> str:
    """The verdict's word for a paired difference b - a."""
    if not diff.excludes_zero():
        return NO_DIFFERENCE
    up = diff.mean > 0
    if higher_is_better is None:
        return HIGHER if up else LOWER
    return BETTER if up == higher_is_better else WORSE


def verdict_text(policy: str, baseline: str, kpi: Kpi, diff: Interval, base_mean: float | None, currency: str) -> str:
    """The verdict in one sentence, its word first.

    'better: proactive raises profit by 721 EUR (+39.6 %) compared with reactive (95 % CI +226 to +1,216 EUR)';
    'no detectable difference in CES (1-7) between proactive and reactive (95 % CI -0.013 to +0.029 points)'.
    """
    change = format_change(diff.mean, diff.low, diff.high, kpi.unit, currency, base_mean)
    word = effect(diff, kpi.higher_is_better)
    if word == NO_DIFFERENCE:
        if change.exact:
            return f"{NO_DIFFERENCE} in {kpi.label} between {policy} and {baseline} (the same on every seed)"
        return f"{NO_DIFFERENCE} in {kpi.label} between {policy} and {baseline} (95 % CI {change.interval})"
    verb = "raises" if diff.mean > 0 else "lowers"
    ci = "the same on every seed" if change.exact else f"95 % CI {change.interval}"
    return f"{word}: {policy} {verb} {kpi.label} by {change.amount} compared with {baseline} ({ci})"
