"""The map is drawn from the routes, and shows the names a trainer wrote (labels and descriptions).

Before, every touchpoint of a stage was joined to every touchpoint of the next: in the brief's
journey the map drew social ad -> assistant and website -> checkout, which no route takes.
"""

from __future__ import annotations

import pygame
from helpers import ROOT, SCENARIOS, make_scenario

from game.layout import NEW, RETURNING, journey_edges, percent
from game.live_view import LiveView
from game.render.edges import FAILURE_LINE, LINE
from game.render.journey import JourneyMap
from game.ui import Painter
from sim import Simulation, read_scenario

BRIEF = ROOT / "tests" / "scenarios" / "files" / "brief-journey.toml"
SIZE = (1280, 720)
MAP = pygame.Rect(10, 48, 920, 520)



def draw(p: Painter, scenario, view: LiveView | None = None, sim: Simulation | None = None):
    sim = sim or Simulation(scenario)
    view = view or LiveView(scenario)
    m = JourneyMap(scenario)
    m.place(MAP, p)
    surface = pygame.Surface(SIZE)
    p.drawn.clear()
    m.draw(surface, p, sim.snapshot(), view, 2.5)
    return m, surface, list(p.drawn)


def test_an_arrow_for_every_route_and_none_where_no_route_goes(painter):
    scenario = read_scenario(BRIEF).scenario
    pairs = {(e.source, e.target) for e in journey_edges(scenario)}
    assert pairs == {
        (NEW, "social_ad"),
        ("social_ad", "website"),
        ("website", "assistant"),
        ("assistant", "checkout"),
        ("checkout", "delivery"),
        ("phone", "delivery"),
        ("delivery", "review"),
    }
    m, surface, text = draw(painter, scenario)
    assert {(a.edge.source, a.edge.target) for a in m.arrows} == pairs
    assert ("social_ad", "assistant") not in pairs and ("website", "checkout") not in pairs
    for arrow in m.arrows:  # each one is on the screen: the line's colour along it (its label covers a part)
        (a, b), *_ = arrow.pieces
        along = [(round(a[0] + (b[0] - a[0]) * k / 10), round(a[1] + (b[1] - a[1]) * k / 10)) for k in range(1, 10)]
        assert sum(surface.get_at(xy)[:3] == arrow.colour for xy in along) >= 3, arrow.edge
    # nothing drawn between the assistant's and website's neighbours that no route joins
    ad, assistant = m.places["social_ad"].box, m.places["assistant"].box
    mid = ((ad.right + assistant.left) // 2, (ad.centery + assistant.centery) // 2)
    assert surface.get_at(mid)[:3] not in (LINE, FAILURE_LINE)
    assert "100 %" in " ".join(text)


def test_probabilities_per_segment_contact_and_returning_customers():
    scenario = make_scenario("""
schema_version = 1
title = "routes"
horizon_days = 1
[segments.a]
share = 0.5
channel_preferences = { phone = 1.0 }
[segments.b]
share = 0.5
channel_preferences = { phone = 0.5, chat = 0.5 }
[arrivals]
customers_per_hour = 1
[touchpoints.web]
kind = "self_service"
channel = "website"
stage = "consideration"
[touchpoints.pay]
kind = "self_service"
channel = "checkout"
stage = "purchase"
places_order = true
[touchpoints.phone]
kind = "staffed"
channel = "phone"
agents = 1
handle_min = { dist = "constant", value = 3.0 }
[touchpoints.chat]
kind = "staffed"
channel = "chat"
agents = 1
handle_min = { dist = "constant", value = 3.0 }
[journey]
entry = { web = 1.0 }
repeat_entry = { pay = 1.0 }
[journey.routes.web]
next = { pay = 0.6, end = 0.4 }
on_failure = { contact = 0.5, end = 0.5 }
segments = { b = { next = { pay = 0.2, end = 0.8 } } }
[journey.routes.pay]
on_failure = { pay = 0.3, end = 0.7 }
[policies.none]
""")
    edges = {(e.source, e.target): e for e in journey_edges(scenario)}
    assert set(edges) == {(NEW, "web"), (RETURNING, "pay"), ("web", "pay"), ("web", "phone"), ("web", "chat"), ("pay", "pay")}
    assert percent(edges[("web", "pay")].next) == "20-60 %"  # segment b's override
    assert edges[("web", "phone")].next is None and percent(edges[("web", "phone")].failure) == "25-50 %"
    assert percent(edges[("web", "chat")].failure) == "0-25 %"  # only segment b chats
    assert edges[("pay", "pay")].loop and percent(edges[("pay", "pay")].failure) == "30 %"


def test_labels_and_descriptions_are_shown_where_the_docs_say(painter):
    loaded = read_scenario(SCENARIOS / "contact-centre-surge.toml")
    scenario = loaded.scenario
    view = LiveView(scenario)
    told: list[str] = []
    view._note = lambda customer, t, text: told.append(text)  # type: ignore[method-assign]
    sim = Simulation(scenario, observers=[view])
    sim.advance_to(7 * 60 + 30)  # the billing error started at 07:00
    ticker = [text for _, text in view.ticker]
    failure, bill = scenario.failures["billing_error"].label, scenario.touchpoints["bill"].label
    assert f"{failure}: {bill} is failing (customers get an error)" in ticker
    assert f"ran into a failure at {bill}: {failure}" in told  # not "ran into billing error at bill"
    assert not any("billing_error" in t or "billing error" in t for t in ticker + told)
    m, _, text = draw(painter, scenario, view, sim)
    joined = "\n".join(text)
    for name, tp in scenario.touchpoints.items():  # each box shows its label (whole, wrapped or cut short)
        lines = m.places[name].label.lines
        assert all(line in text for line in lines)
        assert tp.label.startswith(" ".join(lines).rstrip("\u2026")) and len(" ".join(lines)) >= 8, name
    assert "IVR self-service" in text and "line (30 ports)" in text
    assert "FAILING: " + failure[:10] in joined
    assert scenario.segments["household"].description[:30] in joined  # who the customers are, in the legend


def test_a_decision_is_told_by_its_option_label():
    loaded = read_scenario(SCENARIOS / "hike-launch.toml")
    scenario = loaded.scenario
    view = LiveView(scenario)
    Simulation(scenario, observers=[view]).advance_to(601)
    chosen = scenario.decisions["crash"].options[scenario.policies["reactive"].decisions["crash"]].label
    assert f"the policy chose: {chosen}" in [text for _, text in view.ticker]
