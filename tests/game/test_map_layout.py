"""No text leaves the map or its boxes, at any window from 800x500 up and text sizes 0.8x to 2x,
on every bundled scenario; agent squares stay inside their channel's box."""

from __future__ import annotations

from itertools import combinations

import pygame
import pytest
from game_driver import Driver
from helpers import ROOT, SCENARIOS

from game import ui
from game.render.fit import Fitter
from game.render.journey import JourneyMap, draw_agents
from game.scenes.play import PlayScene
from game.ui import Painter
from sim import Simulation
from sim.engine.snapshot import TouchpointState
from sim.records import FailureStarted

FILES = [*sorted(SCENARIOS.glob("*.toml")), ROOT / "tests" / "scenarios" / "files" / "brief-journey.toml"]
WINDOWS = (((800, 500), 2.0), ((800, 500), 0.8), ((1024, 600), 1.5), ((1920, 1080), 2.0), ((1280, 720), 1.0))


def to_play(tmp_path, path) -> Driver:
    d = Driver(tmp_path, scenario=path, days=3.0)
    d.frames(3)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert isinstance(d.scene, PlayScene)
    return d


def map_texts(d: Driver) -> list[tuple[str, pygame.Rect]]:
    """Every text the map draws in one frame, with its rectangle."""
    scene = d.scene
    p = d.app.painter
    seen: list[tuple[str, pygame.Rect]] = []
    real = p.text

    def recording(surface, text, pos, base=16, colour=ui.TEXT, *, bold=False, anchor="topleft"):
        rect = real(surface, text, pos, base, colour, bold=bold, anchor=anchor)
        seen.append((text, rect))
        return rect

    p.text = recording  # type: ignore[method-assign]
    try:
        scene.map.draw(d.app.screen, p, scene.snap, scene.view, scene.travel())
    finally:
        del p.text
    return seen


def busy_moment(scenario) -> float:
    """An hour into the first failure (within the first two and a half days), else noon on day 1."""
    started: list[float] = []
    sim = Simulation(scenario, observers=[lambda r: started.append(r.time) if isinstance(r, FailureStarted) else None])
    sim.advance_to(2.5 * 1440)
    return min(started[0] + 60, 2.5 * 1440) if started else 720.0


@pytest.mark.parametrize("path", FILES, ids=lambda f: f.stem)
def test_no_text_leaves_the_map_or_its_boxes(tmp_path, path):
    d = to_play(tmp_path, path)
    try:
        session = d.app.session
        session.sim.interactive = False  # the policy answers: the map fills with customers and failures
        session.advance_to(busy_moment(session.scenario))
        for size, text_scale in WINDOWS:
            pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=size[0], h=size[1], size=size))
            d.frames(1)
            d.app.painter.set_text_scale(text_scale)
            d.app.rebuild()
            d.frames(1)
            m: JourneyMap = d.scene.map
            texts = map_texts(d)
            assert texts
            boxes = [pl.box for pl in m.places.values()] + ([m.funnel_rect] if m.funnel_rect else [])
            where = f"{path.stem} at {size} and {text_scale}x"
            for text, rect in texts:
                assert m.rect.contains(rect), f"{text!r} leaves the map {where}"
                for box in boxes:
                    assert box.contains(rect) or not box.colliderect(rect), f"{text!r} crosses a box's edge {where}"
            for (t1, r1), (t2, r2) in combinations(texts, 2):
                assert not r1.colliderect(r2), f"{t1!r} overlaps {t2!r} {where}"
            for pl in m.places.values():
                assert m.rect.contains(pl.box), f"{pl.spot.name}'s box leaves the map {where}"
    finally:
        d.close()


def test_agent_squares_wrap_or_give_way_to_words():
    pygame.init()
    p = Painter()
    p.resize((800, 500))
    fit = Fitter(p)
    area = pygame.Rect(40, 40, 60, max(2 * 6, fit.line_height(10)))  # as the map sizes it: two rows, or a line of text
    for agents, busy, in_words in ((30, 4, True), (8, 3, False), (4, 4, False)):
        surface = pygame.Surface((140, 100))
        state = TouchpointState("ivr", "staffed", "service", agents=agents, busy=busy, free=agents - busy)
        p.drawn.clear()
        draw_agents(surface, p, fit, area, state)
        ink = [(x, y) for x in range(140) for y in range(100) if surface.get_at((x, y))[:3] != (0, 0, 0)]
        assert ink and all(area.collidepoint(xy) for xy in ink), f"{agents} agents: squares or words stay in their box"
        assert (f"{agents} agents" in p.drawn) is in_words
        squares = sum(surface.get_at(xy)[:3] == ui.SKY for xy in ink)
        assert (squares == 0) is in_words
    pygame.display.quit()
