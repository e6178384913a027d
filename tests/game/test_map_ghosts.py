"""The customers who never call stay visible: hike-launch's crash leaves a crowd of fading ghosts at
checkout, the funnel counts hit -> called -> answered / reached first from the records, and
delight is drawn and counted (the legend read 0 while the ticker spoke of delighted customers)."""

from __future__ import annotations

from collections import deque

import pygame
import pytest
from helpers import SCENARIOS

from game import ui
from game.live_view import GHOST_MIN, LiveView, Marker, Mood
from game.render.journey import JourneyMap
from game.ui import Painter
from sim import Simulation, read_scenario
from sim.records import (
    ContactBalked,
    ContactQueued,
    CustomerAffected,
    JourneyEnded,
    Record,
    RecoveryDelivered,
    ServiceStarted,
)
from sim.results.results import build_results

HIKE = SCENARIOS / "hike-launch.toml"
SIZE = (1280, 720)
CRASH_AT = 600.0  # day 1, 10:00: launch_crash, for 180 minutes



def run(policy: str = "reactive") -> tuple[Simulation, LiveView, list[Record]]:
    scenario = read_scenario(HIKE).scenario
    view = LiveView(scenario)
    records: list[Record] = []
    sim = Simulation(scenario, policy=policy, observers=[view, records.append])
    return sim, view, records


def drawn(p: Painter, sim: Simulation, view: LiveView) -> tuple[pygame.Surface, JourneyMap, list[str]]:
    surface = pygame.Surface(SIZE)
    m = JourneyMap(sim.scenario)
    m.place(pygame.Rect(10, 48, 920, 520), p)
    view.expire(sim.now)
    p.drawn.clear()
    m.draw(surface, p, sim.snapshot(), view, 2.5)
    return surface, m, list(p.drawn)


def brightness(surface: pygame.Surface, rect: pygame.Rect) -> int:
    return sum(sum(surface.get_at((x, y))[:3]) for x in range(rect.left, rect.right) for y in range(rect.top, rect.bottom))


def changed(a: pygame.Surface, b: pygame.Surface, rect: pygame.Rect) -> int:
    return sum(a.get_at((x, y)) != b.get_at((x, y)) for x in range(rect.left, rect.right) for y in range(rect.top, rect.bottom))


def test_the_crash_leaves_a_crowd_of_unhappy_ghosts_at_checkout_that_fades(painter):
    sim, view, _ = run()
    sim.advance_to(CRASH_AT + 170)  # the crash nearly over
    at_checkout = [g for g in view.ghosts if g.touchpoint == "checkout"]
    assert len(at_checkout) >= 20, "the runners the crash sent away, silent, are still on the map"
    assert all(g.silent and g.mood >= Mood.ANNOYED for g in at_checkout)
    assert view.left_at["checkout"] == len(at_checkout)
    surface, m, text = drawn(painter, sim, view)
    assert f"{view.at['checkout']:,} here · {len(at_checkout):,} left" in text  # the box says so in words
    crowd = m.places["checkout"].ghosts
    lit = brightness(surface, crowd)
    ghosts, view.ghosts = view.ghosts, deque()
    bare = drawn(painter, sim, view)[0]
    view.ghosts = ghosts
    assert changed(surface, bare, crowd) > 0.3 * crowd.width * crowd.height, "a crowd is drawn under the checkout box"
    assert lit > brightness(bare, crowd)

    sim.advance_to(CRASH_AT + 180 + GHOST_MIN - 30)  # the last crash victims are about to fade out
    late = [g for g in view.ghosts if g.touchpoint == "checkout" and g.since < CRASH_AT + 181]
    assert late, "the last ones are still there, faint"
    surface2, _, _ = drawn(painter, sim, view)
    assert brightness(surface2, crowd) < lit, "fewer and fainter: the crowd fades"

    sim.advance_to(CRASH_AT + 180 + GHOST_MIN + 1)
    view.expire(sim.now)
    assert not [g for g in view.ghosts if g.since < CRASH_AT + 181], "a few sim hours later they are gone"


def test_the_worst_moods_are_drawn_on_top(painter):
    sim, view, _ = run()
    sim.advance_to(CRASH_AT + 120)
    m = JourneyMap(sim.scenario)
    m.place(pygame.Rect(10, 48, 920, 520), painter)
    order = [view.markers[cid].mood for cid, _, _ in m.positions(painter, view.markers, sim.now, 2.5)]
    assert len(set(order)) >= 2 and order == sorted(order), "drawn delighted first, angry last"
    # two customers on the same spot (starting out, ids 61 apart): the angry one, met first, is drawn on top
    view.markers = {
        61: Marker(61, "runner", None, None, 0.0, mood=Mood.ANGRY),
        122: Marker(122, "runner", None, None, 0.0, mood=Mood.CONTENT),
    }
    view.ghosts = deque()
    (_, x, y), (_, x2, y2) = m.positions(painter, view.markers, sim.now, 2.5)
    assert (x, y) == (x2, y2)
    surface, _, _ = drawn(painter, sim, view)
    assert surface.get_at((x, y))[:3] == ui.MOOD_COLOURS[Mood.ANGRY]


def contacts_after_hits(records: list[Record]) -> tuple[int, int]:
    """(journeys that contacted service after a hit, journeys that ended after a hit without one), from the records."""
    service = {"phone", "chat"}
    hit: dict[int, bool] = {}
    called: set[int] = set()
    called_n = silent_n = 0
    for r in records:
        if isinstance(r, CustomerAffected):
            hit[r.customer] = True
        elif isinstance(r, ContactQueued | ContactBalked | ServiceStarted) and r.touchpoint in service:
            if hit.get(r.customer) and r.customer not in called:
                called.add(r.customer)
                called_n += 1
        elif isinstance(r, JourneyEnded):
            if hit.pop(r.customer, False) and r.customer not in called:
                silent_n += 1
            called.discard(r.customer)
    return called_n, silent_n


@pytest.mark.parametrize("policy", ["reactive", "proactive"])
def test_the_funnel_counts_what_the_record_stream_says(painter, policy):
    sim, view, records = run(policy)
    sim.advance_to(3 * 1440)
    f = view.funnel
    recoveries = [r for r in records if isinstance(r, RecoveryDelivered)]
    assert f.hit == sum(isinstance(r, CustomerAffected) for r in records) > 0
    assert f.answered == sum(not r.proactive for r in recoveries)
    assert f.reached_first == sum(r.proactive for r in recoveries)
    assert (f.called, f.left_silent) == contacts_after_hits(records)
    kpis = build_results(sim)["recovery"]  # the KPI panel's numbers agree
    assert (kpis["customers_affected"], kpis["proactive"], kpis["on_contact"]) == (f.hit, f.reached_first, f.answered)
    _, _, text = drawn(painter, sim, view)
    for words in (f"{f.hit:,} hit", f"{f.called:,} called", f"{f.reached_first:,} reached first"):
        assert words in text
    if policy == "reactive":
        assert f.called < f.hit / 3 and f.reached_first == 0, "the silent majority: most never call"
    else:
        assert f.reached_first > f.called


def test_delighted_customers_are_drawn_and_counted(painter):
    sim, view, _ = run()
    seen = 0
    day = 1440.0
    for t in range(int(4 * day), int(9 * day), 120):
        sim.advance_to(t)
        view.expire(sim.now)
        seen = max(seen, view.mood_counts()[Mood.DELIGHTED])
    assert seen > 0, "customers who remember their purchase with delight show as delighted"
    _, _, text = drawn(painter, sim, view)
    count = view.mood_counts()[Mood.DELIGHTED]
    assert f"delighted {count:,}" in text
    delighted = [g for g in view.ghosts if g.mood is Mood.DELIGHTED]
    assert delighted and all(not g.silent for g in delighted)
    assert {g.touchpoint for g in delighted} <= {"review", "delivery", "checkout"}, "buyers, at the step where they left"
