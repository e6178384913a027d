"""Percentage discounts: ``compensate`` with ``percent`` gives each customer reached that share of their order."""

from __future__ import annotations

import pytest
from helpers import make_scenario, queue_toml

from sim import Simulation, parse_scenario
from sim.effects import Compensate
from sim.errors import ScenarioError
from sim.records import OrderLost, RecoveryDelivered
from sim.results.results import build_results

FAILING_CHECKOUT = """
[touchpoints.site]
kind = "self_service"
channel = "website"
stage = "consideration"

[touchpoints.checkout]
kind = "self_service"
channel = "checkout"
stage = "purchase"
places_order = true

[failures.down]
kind = "scheduled"
touchpoint = "{failing}"
day = 1
time = "01:00"
duration_min = 240
severity = 0.9
"""


def _shop(discount: str, *, failing: str = "checkout", order_value: str = '{ dist = "constant", value = 80 }') -> str:
    """Customers browse, then check out; the failing step makes the worst-hit call the phone, where agents give the discount."""
    text = queue_toml(per_hour=60, agents=6, days=0.3, patience='{ dist = "exponential", mean = 30.0 }')
    text = text.replace("[segments.all]\nshare = 1.0", f"[segments.all]\nshare = 1.0\norder_value = {order_value}")
    routes = "entry = { site = 1.0 }\n\n[journey.routes.site]\nnext = { checkout = 1.0 }\non_failure = { end = 1.0 }"
    text = text.replace("entry = { phone = 1.0 }", routes)
    text = text.replace("[policies.none]\n", "")
    return (
        text
        + FAILING_CHECKOUT.format(failing=failing)
        + f'\n[responses.discount]\neffect = "compensate"\n{discount}\n\n[policies.reactive]\non_failure = ["discount"]\n'
    )


def _run(text: str) -> tuple[dict, list]:
    records: list = []
    sim = Simulation(make_scenario(text), observers=[records.append])
    sim.run()
    return build_results(sim), records


def test_a_percentage_discount_is_that_share_of_each_callers_lost_order():
    res, records = _run(_shop("percent = 15", order_value='{ dist = "lognormal", mean = 100, sd = 40 }'))
    lost = {r.customer: r.value for r in records if isinstance(r, OrderLost)}
    given = [r for r in records if isinstance(r, RecoveryDelivered)]
    assert len(given) >= 5, "some customers hit by the failing checkout must call and get the discount"
    for r in given:
        assert r.compensation == pytest.approx(0.15 * lost[r.customer])
    assert len({round(r.compensation, 6) for r in given}) > 1, "orders differ, so the discounts do"
    assert res["money"]["compensation"] == pytest.approx(sum(r.compensation for r in given))


def test_a_fixed_amount_is_the_same_for_every_caller():
    res, records = _run(_shop("amount = 12"))
    given = [r for r in records if isinstance(r, RecoveryDelivered)]
    assert given and {r.compensation for r in given} == {12.0}
    assert res["money"]["compensation"] == pytest.approx(12.0 * len(given))


def test_a_customer_with_no_order_yet_gets_the_percentage_of_the_segments_mean_order():
    _, records = _run(_shop("percent = 10", failing="site", order_value='{ dist = "uniform", low = 40, high = 80 }'))
    given = [r for r in records if isinstance(r, RecoveryDelivered)]
    assert given and not any(isinstance(r, OrderLost) for r in records)
    assert {round(r.compensation, 9) for r in given} == {6.0}  # 10 % of the mean order, 60


def test_the_discount_lowers_profit_by_what_it_gives():
    with_discount, _ = _run(_shop("percent = 50"))
    text = _shop("percent = 50").replace('on_failure = ["discount"]', "on_failure = []")
    without, _ = _run(text)
    given = with_discount["money"]["compensation"]
    assert given > 0 and without["money"]["compensation"] == 0
    assert without["money"]["profit"] - with_discount["money"]["profit"] == pytest.approx(given, rel=0.25)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("amount = 10\npercent = 10", "give exactly one of amount (a fixed value) or percent (of the order)"),
        ("label = 'nothing'", "give exactly one of amount (a fixed value) or percent (of the order)"),
        ("percent = 120", "responses.discount.percent: must be less than or equal to 100 (got 120)"),
        ("percent = 0", "responses.discount.percent: must be greater than 0 (got 0)"),
    ],
)
def test_a_discount_needs_exactly_one_valid_amount_or_percent(keys: str, message: str):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_shop(keys).encode(), "shop.toml")
    text = str(err.value)
    assert message in text
    assert "shop.toml:" in text and "responses.discount" in text


def test_compensation_amount_is_a_pure_function_of_the_order_value():
    assert Compensate(effect="compensate", percent=10).compensation_amount(130.0) == pytest.approx(13.0)
    assert Compensate(effect="compensate", amount=10).compensation_amount(130.0) == 10.0
