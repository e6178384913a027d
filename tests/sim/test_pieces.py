"""Small pure pieces of the engine, each on its own."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from sim.clock import at_day, format_time, parse_clock
from sim.engine.arrivals import next_arrival, weekly_rates_per_min
from sim.engine.staffing import staffing_timeline
from sim.results.counters import Level, WaitHistogram
from sim.rng import RandomStreams, replication_seeds
from sim.scenario.distributions import Empirical, Gamma, Lognormal, Normal, Triangular, sampler
from sim.scenario.schema import Arrivals, Shift
from sim.scenario.toml_lines import KeyLines


def test_streams_depend_on_name_not_creation_order():
    a = RandomStreams(42)
    b = RandomStreams(42)
    b["something.else"].random(10)
    assert a["arrivals"].random(5).tolist() == b["arrivals"].random(5).tolist()
    assert a["x"].random() != RandomStreams(42)["y"].random()


def test_replication_seeds_are_reproducible_and_distinct():
    seeds = replication_seeds(1, 50)
    assert seeds == replication_seeds(1, 50) and len(set(seeds)) == 50


@pytest.mark.parametrize(
    "spec",
    [Lognormal(dist="lognormal", mean=6, sd=3), Gamma(dist="gamma", mean=9, sd=5), Normal(dist="normal", mean=5, sd=1)],
)
def test_distributions_have_the_mean_and_sd_the_trainer_wrote(spec):
    draw = sampler(spec, np.random.default_rng(1))
    values = [draw() for _ in range(40_000)]
    assert statistics.fmean(values) == pytest.approx(spec.mean, rel=0.02)
    assert statistics.stdev(values) == pytest.approx(spec.sd, rel=0.04)


def test_truncated_normal_is_never_negative():
    draw = sampler(Normal(dist="normal", mean=1, sd=2), np.random.default_rng(1))
    assert min(draw() for _ in range(5000)) >= 0


def test_triangular_and_empirical():
    tri = Triangular(dist="triangular", low=1, mode=2, high=6)
    assert tri.mean_value() == 3
    emp = Empirical(dist="empirical", values=[1, 10], weights=[3, 1])
    assert emp.mean_value() == pytest.approx(3.25)
    with pytest.raises(ValueError):
        Empirical(dist="empirical", values=[1, 2], weights=[1])


def test_clock_arithmetic():
    assert parse_clock("09:30") == 570 and parse_clock("24:00") == 1440
    assert at_day(3, "12:00") == 2 * 1440 + 720
    assert format_time(1440 + 600) == "day 2 (tue) 10:00"
    with pytest.raises(ValueError):
        parse_clock("25:00")


def test_next_arrival_spends_the_budget_across_hours():
    rates = [0.0] * 168
    rates[1] = 1.0  # only 01:00-02:00 on Monday, one per minute
    assert next_arrival(0.0, 5.0, rates) == pytest.approx(65.0)
    assert next_arrival(0.0, 70.0, rates) == pytest.approx(7 * 1440 + 70.0)
    assert next_arrival(0.0, 1.0, [0.0] * 168) == math.inf


def test_arrival_profile_multiplies_base_rate():
    spec = Arrivals(customers_per_hour=60, hour_profile=[2.0] + [1.0] * 23, weekday_profile=[1.0] * 6 + [0.5])
    rates = weekly_rates_per_min(spec)
    assert rates[0] == 2.0 and rates[1] == 1.0 and rates[6 * 24 + 1] == 0.5


def test_staffing_timeline_from_shifts():
    shifts = [
        Shift(start="08:00", end="20:00", agents=5, days=["mon"]),
        Shift(start="00:00", end="24:00", agents=1),
    ]
    assert staffing_timeline(shifts, 2 * 1440) == [(0.0, 1), (480.0, 6), (1200.0, 1)]


def test_time_weighted_level():
    level = Level(start=10.0)
    level.set(5.0, 3)  # before the start: counts from the start
    level.set(20.0, 1)
    assert level.integral(30.0) == pytest.approx(3 * 10 + 1 * 10)


def test_wait_histogram_quantiles():
    h = WaitHistogram()
    for w in [0.0] * 50 + [1.0] * 40 + [10.0] * 10:
        h.add(w)
    assert h.quantile(0.5) == 0.0
    assert h.quantile(0.9) == pytest.approx(1.0 + 1 / 60)
    assert h.quantile(0.95) == pytest.approx(10.0 + 1 / 60)


def test_key_lines_find_headers_keys_and_nearest_parent():
    text = '# c\ntitle = "x"\n[touchpoints.phone]\nagents = 3\nhandle_min = { dist = "exponential", mean = 1 }\n'
    lines = KeyLines(text)
    assert lines.line_of(("title",)) == 2
    assert lines.line_of(("touchpoints", "phone")) == 3
    assert lines.line_of(("touchpoints", "phone", "agents")) == 4
    assert lines.line_of(("touchpoints", "phone", "handle_min", "mean")) == 5
    assert lines.line_of(("touchpoints", "phone", "missing")) == 3
