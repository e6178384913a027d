"""A Poisson count read from one keyed uniform (people a customer tells) has the Poisson law."""

from __future__ import annotations

import math

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
