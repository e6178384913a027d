"""The balanced scorecard: each measure scores 0 at its baseline and 1 at its target; the score is their weighted mean."""

from __future__ import annotations

import pytest
from helpers import SCENARIOS, make_scenario, queue_toml

from sim.errors import ScenarioError
from sim.scenario.loader import parse_scenario, read_scenario
from sim.scenario.scorecard import DEFAULT_SCORECARD, Measure, Scorecard, scorecard_of

CARD = """
[scorecard]
title = "Service and money"

[[scorecard.measures]]
kpi = "money.profit"
per_day = true
weight = 3
baseline = 0
target = 1000

[[scorecard.measures]]
kpi = "channels.phone.abandon_rate"
label = "hung up"
weight = 1
baseline = 0.5
target = 0.1
"""


def test_a_declared_scorecard_weighs_its_measures_between_baseline_and_target():
    card = make_scenario(queue_toml(extra="") + CARD).scorecard
    assert card is not None and card.title == "Service and money"
    two_days = 2 * 1440
    # profit 1,000 a day scores 1 (and more is still 1); abandonment 0.3 is halfway from 0.5 down to 0.1
    assert card.scores({"money.profit": 2000.0, "channels.phone.abandon_rate": 0.3}, two_days) == [1.0, pytest.approx(0.5)]
    assert card.score({"money.profit": 2000.0, "channels.phone.abandon_rate": 0.3}, two_days) == pytest.approx(0.875)
    assert card.score({"money.profit": 9e9, "channels.phone.abandon_rate": 0.9}, two_days) == pytest.approx(0.75)
    assert card.score({"money.profit": -50.0, "channels.phone.abandon_rate": 0.05}, two_days) == pytest.approx(0.25)
    # a KPI with no value yet is left out, and the other weights count; none at all: no score
    assert card.score({"money.profit": 500.0, "channels.phone.abandon_rate": None}, 1440) == pytest.approx(0.5)
    assert card.score({}, 1440) is None
    assert card.score({"money.profit": 500.0}, 0.0) is None  # per day at minute 0: no value yet
    assert [m.name for m in card.measures] == ["money.profit", "hung up"]


def test_without_a_scorecard_a_scenario_is_scored_on_the_documented_default():
    scenario = make_scenario(queue_toml())
    assert scenario.scorecard is None
    assert scorecard_of(scenario.scorecard) is DEFAULT_SCORECARD
    assert DEFAULT_SCORECARD.kpis == ["experience.affected.nps", "experience.repeat_purchase_rate", "experience.contacted.csat_mean"]
    values = {"experience.affected.nps": 0.0, "experience.repeat_purchase_rate": 0.25, "experience.contacted.csat_mean": 4.0}
    assert DEFAULT_SCORECARD.score(values, 1440) == pytest.approx((0.5 + 0.25 + 0.75) / 3)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[scorecard]\nmeasures = []", "scorecard.measures"),
        ('[[scorecard.measures]]\nkpi = "money.profit"\nbaseline = 1\ntarget = 1', "target and baseline must differ"),
        ('[[scorecard.measures]]\nkpi = "money.profit"\nbaseline = 0\ntarget = 1\nweight = 0',
         "card.toml:30: scorecard.measures (the first item).weight: must be greater than 0"),
        ('[[scorecard.measures]]\nkpi = "money.profit"\nbaseline = 0\ntarget = 1\nscore = 2', "unknown key 'score'"),
    ],
)
def test_a_wrong_scorecard_is_a_located_error(table, message):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario((queue_toml() + table).encode(), "card.toml")
    assert message in str(caught.value)


def test_the_flagship_declares_its_scorecard_over_keys_its_results_have():
    from sim.results.results import result_keys

    scenario = read_scenario(SCENARIOS / "hike-launch.toml").scenario
    card = scenario.scorecard
    assert isinstance(card, Scorecard) and len(card.measures) == 4
    assert set(card.kpis) <= set(result_keys(scenario))
    assert sum(m.weight for m in card.measures) == pytest.approx(1.0)
    assert Measure(kpi="x", baseline=0, target=-1).score(-0.25) == pytest.approx(0.25)  # lower is better
