"""The brief's whole journey, written as a scenario, shows up step by step in the results and in a customer's story.

ad -> website + virtual assistant -> checkout crash -> the runner phones -> the agent apologises,
completes the order and gives a discount -> delivery with a handwritten note in eco packaging ->
she loves the product and reviews it -> the brand thanks her with early access.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

import pytest
from helpers import ROOT

from game.live_view import LiveView
from sim import Simulation, read_scenario
from sim.records import (
    ContactServed,
    CustomerAffected,
    JourneyRemembered,
    OrderLost,
    OrderPlaced,
    Record,
    RecoveryDelivered,
    ReviewPosted,
    TouchDelivered,
    TouchpointVisited,
)
from sim.results.results import build_results

FILE = ROOT / "tests" / "scenarios" / "files" / "brief-journey.toml"


@cache
def journey_run() -> tuple[dict[int, list[Record]], dict[str, Any]]:
    loaded = read_scenario(FILE)
    by_customer: dict[int, list[Record]] = defaultdict(list)

    def keep(record: Record) -> None:
        customer = getattr(record, "customer", None)
        if customer is not None:
            by_customer[customer].append(record)

    sim = Simulation(loaded.scenario, observers=[keep])
    sim.run()
    return dict(by_customer), build_results(sim)


def whole_journey(records: list[Record]) -> bool:
    """Every step of the brief happened to this customer, in one journey."""
    kinds = {type(r) for r in records}
    visited = [r.touchpoint for r in records if isinstance(r, TouchpointVisited) and r.outcome == "ok"]
    return (
        visited[:3] == ["social_ad", "website", "assistant"]
        and {OrderLost, ContactServed, RecoveryDelivered, TouchDelivered, ReviewPosted} <= kinds
        and any(isinstance(r, OrderPlaced) and r.recovered_from == "checkout_crash" for r in records)
        and any(isinstance(r, ReviewPosted) and r.answered for r in records)
    )


@cache
def the_runner() -> int:
    by_customer, _ = journey_run()
    found = [c for c, records in by_customer.items() if whole_journey(records)]
    assert found, "no customer walked the whole journey of the brief"
    return found[0]


def test_every_step_of_the_brief_happens_to_one_runner_in_order():
    by_customer, _ = journey_run()
    records = by_customer[the_runner()]
    order = [type(r).__name__ + (":" + getattr(r, "touchpoint", "")) for r in records]
    steps = [
        "TouchpointVisited:social_ad",
        "TouchpointVisited:website",
        "TouchpointVisited:assistant",
        "CustomerAffected:checkout",
        "OrderLost:checkout",
        "ContactServed:phone",
        "OrderPlaced:phone",
        "TouchDelivered:delivery",
        "TouchpointVisited:delivery",
        "TouchpointVisited:review",
        "ReviewPosted:review",  # posted on the review page, after the journey
        "JourneyRemembered:",
    ]
    positions = [order.index(step) for step in steps]
    assert positions == sorted(positions), order
    lost = next(r for r in records if isinstance(r, OrderLost))
    completed = next(r for r in records if isinstance(r, OrderPlaced))
    assert completed.value == lost.value and completed.recovered_from == "checkout_crash"
    (recovery,) = [r for r in records if isinstance(r, RecoveryDelivered)]
    assert set(recovery.responses) == {"apologise", "discount"} and not recovery.proactive
    assert recovery.compensation == pytest.approx(0.10 * lost.value)  # 10 % of her order
    touches = {r.response: r for r in records if isinstance(r, TouchDelivered)}
    assert set(touches) == {"handwritten_note", "eco_packaging"}  # the note because the crash hit her
    assert touches["handwritten_note"].cost == 0.6 and touches["eco_packaging"].cost == 0.4
    (review,) = [r for r in records if isinstance(r, ReviewPosted)]
    assert review.answered and review.cost == 1.0
    (memory,) = [r for r in records if isinstance(r, JourneyRemembered)]
    assert memory.affected and memory.recovered and memory.contacts == 1 and memory.thanked


def test_the_journey_shows_in_the_results():
    by_customer, results = journey_run()
    affected = [c for c, rs in by_customer.items() if any(isinstance(r, CustomerAffected) for r in rs)]
    assert len(affected) > 50
    journey, money = results["journey"], results["money"]
    assert 0 < journey["recovered_orders"] <= journey["lost_orders"]
    assert money["recovered_revenue"] > 0 and money["compensation"] > 0
    notes = sum(
        1 for rs in by_customer.values() for r in rs if isinstance(r, TouchDelivered) and r.response == "handwritten_note"
    )
    parcels = sum(1 for rs in by_customer.values() for r in rs if isinstance(r, TouchDelivered) and r.response == "eco_packaging")
    answered = sum(1 for rs in by_customer.values() for r in rs if isinstance(r, ReviewPosted) and r.answered)
    assert 0 < notes < parcels  # the note goes only to runners a failure hit; eco packaging to every parcel
    assert money["response_cost"] == pytest.approx(0.6 * notes + 0.4 * parcels + 1.0 * answered)
    assert results["experience"]["reviews_posted"] >= answered > 0
    page = results["touchpoints"]["review"]  # the touchpoint with posts_reviews: the reviews and the brand's answers
    assert page["reviews_posted"] == results["experience"]["reviews_posted"] and page["reviews_answered"] == answered
    assert 1 <= page["review_stars_mean"] <= 5


class StoryOf(LiveView):
    """The live view a trainee watches, keeping every line it tells of one customer (the panel shows the last few)."""

    def __init__(self, *args: Any, customer: int) -> None:
        super().__init__(*args)
        self.told: list[str] = []
        self.follow(customer)

    def _note(self, customer: int, t: float, text: str) -> None:
        super()._note(customer, t, text)
        if customer == self.followed:
            self.told.append(text)


def test_a_trainee_following_her_reads_every_step():
    loaded = read_scenario(FILE)
    view = StoryOf(loaded.scenario, customer=the_runner())
    Simulation(loaded.scenario, observers=[view]).run()
    story = "\n".join(view.told + [text for _, text in view.followed_story])
    for words in (
        "used Social ad",
        "used Product page",
        "used Virtual assistant: sizing",
        "ran into a failure at Checkout: Checkout crashes under launch traffic",
        "lost to a failure (Checkout crashes under launch traffic)",
        "an agent answered on Phone agents",
        "got a response on contact: The agent apologises; 10 % off the order",
        "the agent completed the order",
        "at Parcel delivery: A handwritten note in the parcel",
        "at Parcel delivery: Eco packaging",
        "used First run and review",
        "review; the brand answered it",
        "remembers it",
    ):
        assert words in story, f"{words!r} not in the story:\n{story}"
