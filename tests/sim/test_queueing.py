"""The staffed channel is a faithful M/M/N(+M) queue: it reproduces Erlang C and Erlang A.

Each check runs independent replications and asks that the exact value lies inside the
99 % Student-t interval of the replication means. The default runs are short; the marked
``slow`` ones are long enough to pin the values to a fraction of a percent.
"""

from __future__ import annotations

import statistics

import pytest
from helpers import make_scenario, queue_toml

from sim import Simulation
from sim.experiments.erlang import erlang_a, erlang_c, erlang_c_mean_wait
from sim.results.results import build_results

T99 = {5: 4.604, 10: 3.250, 20: 2.861}
# Erlang's formulas assume Poisson arrivals: no customers coming back or referred by others.
POISSON = "\n[customer_model]\nfeedback = false\n"  # two-sided 99 % t quantiles for n - 1 degrees of freedom


def _replicate(text: str, reps: int) -> list[dict]:
    scenario = make_scenario(text)
    return [build_results(_run(scenario, 1000 + i)) for i in range(reps)]


def _run(scenario, seed):
    sim = Simulation(scenario, seed=seed)
    sim.run()
    return sim


def _assert_covers(values: list[float], truth: float, reps: int) -> None:
    mean = statistics.fmean(values)
    half = T99[reps] * statistics.stdev(values) / len(values) ** 0.5
    assert abs(mean - truth) <= half, f"exact {truth:.5f} outside {mean:.5f} ± {half:.5f}"


def _erlang_c_case(days: float, reps: int) -> None:
    text = queue_toml(per_hour=480, agents=10, patience=None, days=days, warmup_days=0.05, extra=POISSON)
    runs = [r["channels"]["phone"] for r in _replicate(text, reps)]
    _assert_covers([r["waited_share"] for r in runs], erlang_c(10, 8.0), reps)
    _assert_covers([r["wait_mean_min"] for r in runs], erlang_c_mean_wait(10, 8.0, 1.0), reps)


def _erlang_a_case(days: float, reps: int) -> None:
    text = queue_toml(per_hour=570, agents=10, days=days, warmup_days=0.05, extra=POISSON)
    exact = erlang_a(9.5, 1.0, 0.5, 10)
    runs = [r["channels"]["phone"] for r in _replicate(text, reps)]
    _assert_covers([r["waited_share"] for r in runs], exact.p_wait, reps)
    _assert_covers([r["abandon_rate"] for r in runs], exact.p_abandon, reps)
    _assert_covers([r["wait_mean_min"] for r in runs], exact.mean_wait, reps)


def test_no_abandonment_matches_erlang_c():
    _erlang_c_case(days=0.5, reps=5)


def test_exponential_patience_matches_erlang_a():
    _erlang_a_case(days=0.5, reps=5)


@pytest.mark.slow
def test_no_abandonment_matches_erlang_c_long():
    _erlang_c_case(days=5, reps=20)


@pytest.mark.slow
def test_exponential_patience_matches_erlang_a_long():
    _erlang_a_case(days=5, reps=20)


def test_littles_law_holds_on_the_queue():
    """Mean queue length = arrival rate x mean wait (over all arrivals), on one sample path."""
    scenario = make_scenario(queue_toml(per_hour=570, agents=10, days=1))
    sim = _run(scenario, 3)
    ch = build_results(sim)["channels"]["phone"]
    rate = ch["offered"] / sim.horizon
    assert ch["queue_length_mean"] == pytest.approx(rate * ch["wait_mean_min"], rel=0.02)


def test_occupancy_matches_offered_load_without_abandonment():
    scenario = make_scenario(queue_toml(per_hour=480, agents=10, patience=None, days=1))
    ch = build_results(_run(scenario, 5))["channels"]["phone"]
    assert ch["occupancy"] == pytest.approx(0.8, abs=0.03)
    assert ch["abandoned"] == 0
