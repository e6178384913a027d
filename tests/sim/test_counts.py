"""Counts that are real: every number of the results is what the record stream says happened.

Journeys that began in the warm-up are never surveyed in the results nor in the daily series;
referrals count the referred customers who arrived; conversion is orders / journeys started,
one definition everywhere.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections import Counter
from typing import Any

import pytest
from helpers import SCENARIOS, make_scenario
from rich.console import Console

from sim import Simulation
from sim.records import (
    CustomerArrived,
    JourneyRemembered,
    OrderPlaced,
    Record,
)
from sim.results.results import build_results, conversion_rate
from sim.scenario.schema import Scenario


def scenario_text(name: str) -> str:
    return (SCENARIOS / f"{name}.toml").read_text(encoding="utf-8")


def with_model(text: str, **keys: object) -> str:
    """The scenario with ``[customer_model]`` keys set (the bundled files have no such table but contact-centre's)."""
    lines = "".join(f"{k} = {str(v).lower() if isinstance(v, bool) else v}\n" for k, v in keys.items())
    if "\n[customer_model]\n" in text:
        return text.replace("\n[customer_model]\n", "\n[customer_model]\n" + lines, 1)
    return text + "\n[customer_model]\n" + lines


def run(scenario: Scenario, *, policy: str | None = None, days: float | None = None, seed: int = 1,
        warmup_days: float | None = None) -> tuple[Simulation, list[Record], dict[str, Any]]:  # fmt: skip
    if warmup_days is not None:
        scenario = scenario.model_copy(update={"warmup_days": warmup_days})
    log: list[Record] = []
    sim = Simulation(scenario, policy=policy, seed=seed, horizon_days=days, observers=[log.append])
    sim.run()
    return sim, log, build_results(sim)


def printed(results: dict[str, Any]) -> str:
    """What ``cxsim run`` prints for these results, as plain text."""
    from sim.cli import present

    console = Console(file=io.StringIO(), width=200, color_system=None, emoji=False)
    saved = present.out
    present.out = console
    try:
        present.print_results(results)
    finally:
        present.out = saved
    return console.file.getvalue()  # type: ignore[attr-defined]


def cell(text: str, label: str) -> str:
    """The value column of a row of the 'Customers and money' table."""
    match = re.search(rf"│ {re.escape(label)}\s+│\s+([^│]+?)\s+│", text)
    assert match, f"no row {label!r} in:\n{text}"
    return match.group(1)



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


# --- referrals ---------------------------------------------------------------------------------------


@functools.cache
def hike(feedback: bool) -> tuple[list[Record], dict[str, Any]]:
    text = scenario_text("hike-launch")
    _, log, results = run(make_scenario(text if feedback else with_model(text, feedback=False)), days=20)
    return log, results


@pytest.mark.parametrize("feedback", [True, False])
def test_referred_customers_are_those_who_arrived_by_referral(feedback):
    log, results = hike(feedback)
    arrived = Counter(r.source for r in log if isinstance(r, CustomerArrived))
    assert results["customers"]["referred"] == arrived["referral"]
    assert results["customers"]["returning"] == arrived["returning"]
    assert results["customer_model"] == {"enabled": True, "feedback": feedback}
    drawn = sum(r.referrals for r in log if isinstance(r, JourneyRemembered))
    assert results["experience"]["referrals"] == drawn > 0  # friends won over: drawn either way
    if feedback:
        assert arrived["referral"] > 0 and arrived["returning"] > 0
    else:
        assert arrived["referral"] == arrived["returning"] == 0 == results["experience"]["prospects_deterred"]


def test_with_feedback_off_the_table_shows_no_referral_return_or_deterred_rows():
    off, on = printed(hike(False)[1]), printed(hike(True)[1])
    for gone in ("referr", "returning", "won over", "kept away"):
        assert gone not in off, gone
        assert gone in on, gone
    assert "feedback is off" in off
    assert cell(on, "  new customers from referrals") == f"{hike(True)[1]['customers']['referred']:,}"


# --- conversion ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hike-launch", "late-delivery"])
def test_printed_conversion_is_orders_over_journeys_started(name):
    _, _, results = run(make_scenario(scenario_text(name)), days=3)
    text = printed(results)
    orders = int(cell(text, "orders").replace(",", ""))
    journeys = int(cell(text, "journeys started (customers arrived)").replace(",", ""))
    assert cell(text, "conversion (orders / journeys started)") == f"{100 * orders / journeys:.1f} %"
    assert results["journey"]["conversion_rate"] == conversion_rate(orders, journeys) == orders / journeys
    assert orders == results["journey"]["orders"] and journeys == results["customers"]["arrived"]


def test_conversion_of_a_short_run_is_the_share_of_its_journeys_that_order():
    """Journeys still under way at the horizon (buyers waiting for their parcel) do not bias it."""
    scenario = make_scenario(scenario_text("hike-launch"))
    _, _, short = run(scenario, days=3)
    _, log, _ = run(scenario, days=10)  # the same journeys, followed to their end
    journey_start: dict[int, float] = {}  # customer -> start of their journey under way
    began = ordered = 0
    for r in log:
        if isinstance(r, CustomerArrived):
            journey_start[r.customer] = r.time
            began += r.time < 3 * 1440
        elif isinstance(r, OrderPlaced):
            ordered += journey_start[r.customer] < 3 * 1440
    assert began == short["customers"]["arrived"]
    assert short["journey"]["conversion_rate"] == pytest.approx(ordered / began, abs=0.01)
    assert short["journey"]["conversion_rate"] < short["journey"]["orders"] / short["customers"]["journeys_completed"] - 0.05



def test_conversion_rate_is_none_without_journeys():
    assert conversion_rate(0, 0) is None
    assert math.isclose(conversion_rate(1, 4) or 0.0, 0.25)
