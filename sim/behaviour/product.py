"""Product quality: how the product itself feels, at the step where the customer first uses it.

Satisfaction follows the gap between what a product delivers and what the customer expected
(expectation-disconfirmation: Oliver 1980; Szymanski & Henard 2001, a meta-analysis, find
disconfirmation among the strongest antecedents of satisfaction). A segment declares its
product's quality on a 0-1 scale where 0.5 is "as customers expect"; each customer's unit
varies around it (fit, a flaw, taste), so the moment of the step marked ``product_moment`` is

    a = a_ok + PRODUCT_WEIGHT x (q_i - EXPECTED_QUALITY),   q_i = clip(q + sd x z_i, 0, 1)

with z_i a standard normal from a keyed draw (customer, journey). The weight is a modelling
choice (docs/model.md §9): the best product on the scale (q = 1) feels like a delight and a
half, the worst (q = 0) like a moderate failure.
"""

from __future__ import annotations

from statistics import NormalDist

EXPECTED_QUALITY = 0.5  # the middle of the scale: the product is what customers expected (definition)
PRODUCT_WEIGHT = 0.6  # affect per unit of quality above expectation (X: q = 1 gives +0.30, q = 0 gives -0.30)
DEFAULT_QUALITY_SD = 0.15  # spread of quality between customers' units (X: one runner's shoe fits, another's pinches)

_STANDARD_NORMAL = NormalDist()


def customer_quality(mean: float, sd: float, u: float) -> float:
    """The quality one customer gets: normal around ``mean`` with ``sd``, from a uniform draw ``u``, clipped to [0, 1]."""
    if sd <= 0:
        return mean
    u = 1e-12 if u < 1e-12 else 1 - 1e-12 if u > 1 - 1e-12 else u  # min(max(u, 1e-12), 1 - 1e-12), without two calls
    q = mean + sd * _STANDARD_NORMAL.inv_cdf(u)
    return 0.0 if q < 0 else 1.0 if q > 1 else q


def product_affect(quality: float, weight: float = PRODUCT_WEIGHT, expected: float = EXPECTED_QUALITY) -> float:
    """What the product adds to its step's moment: weight x (quality - expected); 0 for a product as expected."""
    return weight * (quality - expected)
