"""The cost guard's estimate: expected customers over the horizon, in closed form, and its limits."""

from __future__ import annotations

import math

import pytest
from helpers import make_scenario, queue_toml

from sim.engine.simulation import Simulation
from sim.experiments import workload as wl
from sim.experiments.workload import (
    LIMIT,
    MAX_RUNS,
    amount,
    check,
    customers_per_run,
    describe,
    expected_arrivals,
    repeated,
    workload,
)
from sim.results.results import build_results
from sim.scenario.schema import Arrivals


def test_a_constant_rate_gives_rate_times_length():
    flat = Arrivals(customers_per_hour=60)
    assert expected_arrivals(flat, 1) == 1440
    assert expected_arrivals(flat, 7.5) == pytest.approx(10800)
    assert expected_arrivals(flat, 3660) == pytest.approx(60 * 24 * 3660)


def test_the_hour_and_weekday_profiles_shape_the_estimate_from_monday_midnight():
    nine = [0.0] * 24
    nine[9] = 2.0  # 20 customers between 09:00 and 10:00
    a = Arrivals(customers_per_hour=10, hour_profile=nine)
    assert expected_arrivals(a, 9 / 24) == 0  # the run ends at 09:00 on Monday
    assert expected_arrivals(a, 9.5 / 24) == pytest.approx(10)
    assert expected_arrivals(a, 1) == pytest.approx(20)
    closed_monday = Arrivals(customers_per_hour=10, weekday_profile=[0, 1, 1, 1, 1, 1, 1])
    assert expected_arrivals(closed_monday, 1) == 0
    assert expected_arrivals(closed_monday, 14) == pytest.approx(10 * 24 * 12)


def test_the_estimate_matches_what_the_engine_brings():
    scenario = make_scenario(queue_toml(per_hour=570.0, days=1.0))
    expected = customers_per_run(scenario)
    assert expected == pytest.approx(570 * 24)
    sim = Simulation(scenario, seed=3)
    sim.run()
    arrived = sum(row["arrivals"] for row in build_results(sim)["daily"])
    assert abs(arrived - expected) < 5 * math.sqrt(expected)  # a Poisson count: within 5 standard deviations
    assert customers_per_run(scenario, days=0.5) == pytest.approx(expected / 2)


def test_the_format_bound_over_a_long_horizon_is_refused_and_small_runs_pass():
    """The issue's example: the busiest hour may bring 100,000 customers, for 90 days."""
    big = repeated(customers_per_run(make_scenario(queue_toml(per_hour=100_000, days=90))), 1, "")
    assert big.customers == pytest.approx(216e6) and big.large
    refused, note = check(big, "this run", allow_large=False)
    assert refused == (
        "this run would simulate about 216 million customers, more than the 5 million cxsim runs without asking: "
        "add --allow-large to run it anyway, or lower --reps or --days"
    )
    assert note is None
    allowed, note = check(big, "this run", allow_large=True)
    assert allowed is None and note == "note: about 216 million customers to simulate; this may take a while (Ctrl-C stops it)"
    assert check(repeated(3840, 20, "20 replications"), "this run", allow_large=False) == (None, None)


def test_many_small_runs_are_large_too():
    tiny = repeated(1.0, MAX_RUNS + 1, "100,001 replications")
    assert tiny.large
    refused, _ = check(tiny, "this comparison", allow_large=False)
    assert refused is not None and "would do 100,001 runs (100,001 replications)" in refused


def test_groups_add_up_and_unbounded_rates_are_large():
    w = workload([(100.0, 3), (1000.0, 2), (5.0, 0)], "points")
    assert (w.customers, w.runs, w.largest_run) == (2300.0, 5, 1000.0)
    assert describe(w) == "about 2,300 customers (points, about 1,000 each)"
    assert workload([(math.inf, 1)], "").large and workload([(math.nan, 1)], "").large
    assert describe(workload([(math.inf, 2)], "")) == "about an unbounded number of customers"


def test_amounts_read_as_people_say_them():
    assert [amount(x) for x in (0, 31123.4, 1e6, 1.94e6, 5e6, 2.2e9, 3e12, math.inf)] == [
        "0", "31,123", "1 million", "1.9 million", "5 million", "2.2 billion", "3 trillion", "an unbounded number of",
    ]  # fmt: skip
    assert amount(LIMIT) == "5 million"


def test_the_notice_threshold_is_below_the_limit():
    assert wl.NOTICE < wl.LIMIT
    assert repeated(wl.NOTICE + 1, 1, "").worth_saying and not repeated(wl.NOTICE, 1, "").worth_saying
