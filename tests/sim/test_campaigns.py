"""Arrival campaigns: a launch day's spike is an exact piecewise-constant Poisson rate, and nothing else moves."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import make_scenario

from sim import Simulation, parse_scenario
from sim.engine.arrivals import Window, campaign_windows, next_arrival, next_arrival_with_campaigns
from sim.errors import ScenarioError
from sim.records import CustomerArrived
from sim.scenario.schema import Arrivals, Campaign

BASE = """
schema_version = 1
title = "a launch"
seed = 11
horizon_days = {days}

[segments.all]
share = 1.0

[arrivals]
customers_per_hour = {per_hour}
{campaigns}

[touchpoints.ad]
kind = "self_service"
channel = "social_ad"
stage = "awareness"

[journey]
entry = {{ ad = 1.0 }}

[policies.none]

[customer_model]
enabled = false
feedback = false
"""

LAUNCH = """
[[arrivals.campaigns]]
label = "Launch e-mail"
day = 1
start = "10:00"
end = "12:00"
multiplier = 4

[[arrivals.campaigns]]
label = "Influencer post"
day = 2
start = "14:00"
end = "14:30"
extra_per_hour = 60
"""


def _toml(campaigns: str = LAUNCH, *, per_hour: float = 30, days: float = 2) -> str:
    return BASE.format(campaigns=campaigns, per_hour=per_hour, days=days)


def _arrival_times(text: str, seed: int) -> list[float]:
    records: list = []
    Simulation(make_scenario(text), seed=seed, observers=[records.append]).run()
    return [r.time for r in records if isinstance(r, CustomerArrived)]


def test_the_next_arrival_spends_its_budget_exactly_across_window_edges():
    flat = [1.0] * 168  # one customer a minute
    spike = [Window(60.0, 120.0, 3.0, 0.0)]
    assert next_arrival_with_campaigns(0.0, 30.0, flat, spike) == pytest.approx(30.0)  # before the window
    assert next_arrival_with_campaigns(0.0, 90.0, flat, spike) == pytest.approx(70.0)  # 60 before, 30 at 3 a minute
    assert next_arrival_with_campaigns(0.0, 245.0, flat, spike) == pytest.approx(125.0)  # 60 + 180 inside, 5 after
    assert next_arrival_with_campaigns(130.0, 5.0, flat, spike) == next_arrival(130.0, 5.0, flat)  # past it: the plain path
    closed = [0.0] * 168
    only_extra = [Window(600.0, 660.0, 1.0, 1.0)]  # no usual traffic, one a minute added for an hour
    assert next_arrival_with_campaigns(0.0, 10.0, closed, only_extra) == pytest.approx(610.0)
    assert next_arrival_with_campaigns(0.0, 100.0, closed, only_extra) == math.inf


def test_overlapping_campaigns_multiply_and_add():
    spec = Arrivals(
        customers_per_hour=10,
        campaigns=[
            Campaign(day=1, start="10:00", end="12:00", multiplier=2),
            Campaign(day=1, start="11:00", end="13:00", multiplier=3, extra_per_hour=60),
        ],
    )
    assert campaign_windows(spec) == [
        Window(600.0, 660.0, 2.0, 0.0),
        Window(660.0, 720.0, 6.0, 1.0),
        Window(720.0, 780.0, 3.0, 1.0),
    ]


def test_arrival_counts_inside_and_outside_the_windows_match_the_declared_rates():
    seeds = range(40)
    inside_launch = inside_post = outside = 0
    for seed in seeds:
        times = np.array(_arrival_times(_toml(), seed))
        launch = (times >= 600) & (times < 720)
        post = (times >= 1440 + 840) & (times < 1440 + 870)
        inside_launch += int(launch.sum())
        inside_post += int(post.sum())
        outside += int((~launch & ~post).sum())
    n = len(seeds)
    expected = {  # Poisson counts: mean = rate x time x seeds, sd = sqrt(mean)
        "launch": (inside_launch, 30 * 4 * 2.0 * n),
        "influencer": (inside_post, (30 + 60) * 0.5 * n),
        "outside": (outside, 30 * (48 - 2.5) * n),
    }
    for name, (seen, mean) in expected.items():
        assert abs(seen - mean) < 4 * math.sqrt(mean), f"{name}: {seen} arrivals, expected {mean:.0f}"


def test_a_campaign_changes_nothing_before_it_and_the_same_seed_gives_the_same_run():
    later = LAUNCH.replace("day = 1", "day = 3").replace("day = 2", "day = 3")
    plain = _arrival_times(_toml(campaigns="", days=4), seed=5)
    launched = _arrival_times(_toml(campaigns=later, days=4), seed=5)
    day3 = 2 * 1440 + 600
    assert [t for t in launched if t < day3] == [t for t in plain if t < day3]
    assert len(launched) > len(plain)
    assert _arrival_times(_toml(campaigns=later, days=4), seed=5) == launched


def test_a_closed_day_has_no_arrivals():
    closed = '[[arrivals.campaigns]]\nlabel = "Shop closed"\nday = 2\nmultiplier = 0\n'
    times = _arrival_times(_toml(campaigns=closed, days=3), seed=2)
    assert times and not [t for t in times if 1440 <= t < 2880]


@pytest.mark.parametrize(
    ("campaign", "message"),
    [
        ('day = 1\nstart = "12:00"\nend = "10:00"\nmultiplier = 2', "arrivals.campaigns (the first item): end (10:00) must be later than start (12:00)"),
        ("day = 1\nmultiplier = 1", "arrivals.campaigns (the first item): changes nothing: give a multiplier other than 1"),
        ("day = 0\nmultiplier = 2", "arrivals.campaigns (the first item).day: must be greater than or equal to 1 (got 0)"),
        ('day = 1\nstart = "25:00"\nmultiplier = 2', "arrivals.campaigns (the first item).start: expected a clock time like '09:30'"),
        ("day = 1\nmultipler = 2", "arrivals.campaigns (the first item).multipler: unknown key 'multipler'; did you mean 'multiplier'?"),
        ("day = 1\nmultiplier = 5000", "the busiest hour brings 150,000 customers"),
    ],
)
def test_a_wrong_campaign_is_reported_with_its_file_line_and_key(campaign: str, message: str):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_toml(campaigns=f"\n[[arrivals.campaigns]]\n{campaign}\n").encode(), "launch.toml")
    assert message in str(err.value)
    assert str(err.value).startswith("launch.toml:")
