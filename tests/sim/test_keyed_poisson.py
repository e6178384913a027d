"""A Poisson count read from one keyed uniform (people a customer tells) has the Poisson law."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.rng import KeyedUniform, poisson_quantile


@pytest.mark.parametrize("mean", [0.5, 1.0, 3.0])
def test_poisson_quantile_of_keyed_uniforms_follows_the_poisson_pmf(mean):
    draw = KeyedUniform(7, "people_told")
    n = 40_000
    counts: dict[int, int] = {}
    for customer in range(n):
        k = poisson_quantile(draw(customer, 1), mean)
        counts[k] = counts.get(k, 0) + 1
    for k in range(5):
        expected = math.exp(-mean) * mean**k / math.factorial(k)
        assert abs(counts.get(k, 0) / n - expected) < 4 * math.sqrt(expected * (1 - expected) / n) + 1e-3, k
    assert sum(k * c for k, c in counts.items()) / n == pytest.approx(mean, abs=0.03)


def test_poisson_quantile_edges():
    assert poisson_quantile(0.0, 1.0) == 0
    assert poisson_quantile(0.999999, 1.0) >= 7
    assert poisson_quantile(0.5, 0.0) == 0


def _summed(u: float, mean: float) -> int:
    """The definition: add the pmf term by term until the sum exceeds u (at most 1,000 terms)."""
    p = math.exp(-mean)
    cumulative, k = p, 0
    while u >= cumulative and k < 1000:
        k += 1
        p *= mean / k
        cumulative += p
    return k


@pytest.mark.parametrize("mean", [0.0, 1e-9, 0.3, 1.0, 2.5, 7.0, 30.0, 200.0, 745.0, 800.0, 1e6])
def test_poisson_quantile_from_the_table_equals_the_sum_term_by_term(mean):
    us = [*np.random.default_rng(7).random(5000).tolist(), 0.0, 1.0, 0.9999999999999999, 5e-324]
    p = cumulative = math.exp(-mean)
    for k in range(1, 40):  # exactly on the cumulative sums, where < and <= part
        us.append(cumulative)
        p *= mean / k
        cumulative += p
    assert [poisson_quantile(u, mean) for u in us] == [_summed(u, mean) for u in us]
