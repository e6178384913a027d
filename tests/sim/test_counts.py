"""Counts that are real: every number of the results is what the record stream says happened.

Journeys that began in the warm-up are never surveyed in the results nor in the daily series.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from helpers import SCENARIOS, make_scenario

from sim import Simulation
from sim.records import (
    CustomerArrived,
    JourneyRemembered,
    Record,
)
from sim.results.results import build_results
from sim.scenario.schema import Scenario


def scenario_text(name: str) -> str:
    return (SCENARIOS / f"{name}.toml").read_text(encoding="utf-8")


def run(scenario: Scenario, *, policy: str | None = None, days: float | None = None, seed: int = 1,
        warmup_days: float | None = None) -> tuple[Simulation, list[Record], dict[str, Any]]:  # fmt: skip
    if warmup_days is not None:
        scenario = scenario.model_copy(update={"warmup_days": warmup_days})
    log: list[Record] = []
    sim = Simulation(scenario, policy=policy, seed=seed, horizon_days=days, observers=[log.append])
    sim.run()
    return sim, log, build_results(sim)


# --- the warm-up ---------------------------------------------------------------------------------------


@functools.cache
def warmed() -> tuple[Simulation, list[Record], dict[str, Any]]:
    return run(make_scenario(scenario_text("hike-launch")), days=12, warmup_days=5)


def test_journeys_begun_in_the_warm_up_are_never_surveyed():
    sim, log, results = warmed()
    w = sim.warmup
    remembered = [r for r in log if isinstance(r, JourneyRemembered)]
    after = [r for r in remembered if r.started >= w]
    assert any(r.started < w <= r.time for r in remembered)  # warm-up journeys surveyed after it: left out
    exp = results["experience"]
    assert exp["journeys_surveyed"] == len(after)
    assert exp["affected"]["journeys_surveyed"] + exp["unaffected"]["journeys_surveyed"] == len(after)
    assert exp["affected"]["journeys_surveyed"] == sum(r.affected for r in after)
    assert exp["contacted"]["journeys_surveyed"] == sum(r.contacted for r in after)
    assert exp["csat_mean"] == pytest.approx(sum(r.csat for r in after) / len(after))
    assert exp["reviews_posted"] == sum(1 for r in after if r.review_stars)
    assert exp["journeys_surveyed"] <= results["customers"]["arrived"]  # only journeys that arrived after it


def test_the_daily_series_starts_after_the_warm_up_and_adds_up_to_the_totals():
    sim, log, results = warmed()
    daily = results["daily"]
    assert [row["day"] for row in daily] == list(range(6, 13))  # days 1-5 are the warm-up
    total = {key: sum(row[key] for row in daily) for key in ("arrivals", "orders", "revenue", "journeys_surveyed",
                                                            "costs", "profit", "affected")}  # fmt: skip
    money = results["money"]
    assert total["arrivals"] == results["customers"]["arrived"] == sum(
        1 for r in log if isinstance(r, CustomerArrived) and r.time >= sim.warmup
    )
    assert total["orders"] == results["journey"]["orders"]
    assert total["revenue"] == pytest.approx(money["revenue"])
    assert total["journeys_surveyed"] == results["experience"]["journeys_surveyed"]
    assert total["affected"] == results["recovery"]["customers_affected"]
    costs = money["agent_cost"] + money["response_cost"] + money["recovery_cost"] + money["compensation"]
    assert total["costs"] == pytest.approx(costs)
    assert total["profit"] == pytest.approx(money["profit"])


