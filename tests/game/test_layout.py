"""Text fits at the extremes: every line drawn stays inside its panel and overlaps no other, at 800x500 with 2x
and 0.8x text and at 1920x1080 with 2x, on every screen of a session: the title, the picker, the briefing, the play
screen (clock bar, map, KPI panel, ticker, speed buttons), the decision card (options and feedback), the pause menu,
both debrief pages and the results.

The debrief's what-if replays are stubbed (``stub_replays``) with wide numbers and long stories, so the test
measures the layout, not the replays, and stays quick."""

from __future__ import annotations

from concurrent.futures import Future
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pygame
import pytest
from game_driver import Driver
from helpers import LAUNCH_DAY

from game.counterfactuals import CounterfactualRuns
from game.scenes.debrief import DebriefScene
from game.scenes.decision import DecisionScene
from game.scenes.play import PlayScene

EXTREMES = [((800, 500), 2.0), ((800, 500), 0.8), ((1920, 1080), 2.0)]
WATCHED = 40321  # the stub's silent customer


def problems(d: Driver, only: pygame.Rect | None = None) -> list[str]:
    """What does not fit on the screen just drawn: text outside its panel, text over text, a button's text wider than it.

    ``only``: check the text drawn in this panel alone (a screen whose other parts are not under test).
    """
    app = d.app
    screen = app.screen.get_rect()
    painter = app.painter
    if app.top.overlay:  # a card or the menu: its own text, not the screen under its shade
        painter.drawn = []
        app.top.draw(app.screen)
    blits = [(t, r, c or screen) for t, r, c in painter.blits if t.strip() and (only is None or c == only)]
    found = [f"{t!r} {r} leaves its panel {c}" for t, r, c in blits if not c.contains(r)]
    found += [f"{a[0]!r} {a[1]} overlaps {b[0]!r} {b[1]}" for a, b in combinations(blits, 2) if a[1].colliderect(b[1])]
    if only is not None:
        return found
    font = painter.font(15)
    box = getattr(app.top, "text_box", None)  # a text box the screen does not draw itself (the briefing's)
    if box is not None:
        rect = box.get_abs_rect()
        found += [f"{t!r} {r} lies over the text box {rect}" for t, r, _ in blits if r.colliderect(rect)]
    for button, _ in app.top.buttons:
        rect = button.get_abs_rect()
        if not screen.contains(rect):
            found.append(f"button {button.text!r} {rect} leaves the window")
        hit_area = "#hit_area" in button.object_ids  # a row the screen draws itself: its text is in the blits
        if not hit_area and font.size(button.text)[0] > rect.width - 8:
            found.append(f"button text {button.text!r} is wider than its button {rect}")
        for t, r, _panel in blits:
            if r.colliderect(rect) and not (hit_area and rect.contains(r)):
                found.append(f"{t!r} {r} lies under the button {button.text!r} {rect}")
    return found


def results_stub(tmp: Path) -> SimpleNamespace:
    results = {"currency": "EUR", "experience": {"csat_mean": 4.21, "nps": 12.5, "repeat_purchase_rate": 0.274},
               "money": {"profit": 303712.0}}  # fmt: skip
    return SimpleNamespace(results=results, paths=SimpleNamespace(csv=tmp / "sessions" / "results.csv"), reporter=None)


def stub_summary(path: int, seed: int, days: int, decisions: list[str]) -> dict[str, Any]:
    """A replay's summary as game/counterfactuals.py sends it, with numbers as wide as a real run's get."""
    k = path + seed / 10
    facts = {d: {"hit": 1204, "contacted": 61, "reached_first": 1150, "option_cost": 14600.0, "affected_nps": -32.5 + k,
                 "affected_repeat": 0.271} for d in decisions}  # fmt: skip
    story = [
        "day 2 12:03 arrives from a launch-day campaign e-mail, wants the new trail runners in size 44",
        "day 2 12:09 checkout crashes under launch traffic: the order is lost, feels angry",
        "day 2 12:10 leaves without calling; never hears from the brand",
        "day 3 12:10 the memory settles: CSAT 2/5, likelihood to recommend 3/10, repeat probability 18.4 %",
    ]
    return {
        "callers_csat": 4.21 - k / 50, "csat": 4.0, "affected_nps": -32.5 + 3 * k, "affected_repeat": 0.2714 + k / 100,
        "affected_n": 10234, "nps": 12.5, "repeat_rate": 0.274, "profit": -1_234_567.0 + 9000 * k, "cost": 123_456.0,
        "contacts": 12_345, "profit_cumulative": [-1000.0 * d * (1 + k) for d in range(days)],
        "nps_daily": [10.0 + (d % 5) - k for d in range(days)], "repeat_daily": [27.0 + (d % 3) + k for d in range(days)],
        "currency": "EUR", "facts": facts, "stories": {WATCHED: story},
    }  # fmt: skip


def stub_replays(runs: CounterfactualRuns) -> None:
    """``CounterfactualRuns.start`` without processes: every replay is in at once, from ``stub_summary``."""
    days = round(runs.horizon_days or runs.scenario.horizon_days)
    decisions = sorted({alt.changed[0] for alt in runs.alts if alt.changed})
    for i in range(len(runs.alts)):
        for k in range(runs.band_seeds):
            fut: Future[dict[str, Any]] = Future()
            fut.set_result(stub_summary(i, k, days, decisions))
            runs.futures[(i, runs.seed + k)] = fut
    runs.watched.update(dict.fromkeys(decisions, WATCHED))


@pytest.mark.parametrize(("size", "text"), EXTREMES, ids=[f"{w}x{h}-{t}x" for (w, h), t in EXTREMES])
def test_every_screen_fits_its_text_at_the_extremes(tmp_path, monkeypatch, size, text):
    monkeypatch.setattr(CounterfactualRuns, "start", stub_replays)
    d = Driver(tmp_path, scenario=LAUNCH_DAY, days=9.0, trainee="Grace Brewster Murray Hopper")  # long enough that Esc lands in play
    try:
        d.app.painter.set_text_scale(text)
        d.app.resize(size)
        d.frames(3)
        seen: dict[str, list[str]] = {"title": problems(d)}
        d.app.push("picker")
        d.frames(3)
        seen["picker"] = problems(d)
        d.app.pop()
        path = tmp_path / "sessions" / "hike-launch-grace-brewster-murray-hopper.results.json"
        d.app.push("results", session=results_stub(tmp_path), path=path)
        d.frames(3)
        seen["results"] = problems(d)
        d.app.pop()
        d.frames(2)
        d.key(pygame.K_RETURN)  # the briefing
        assert d.scene.name == "briefing"
        d.frames(2)
        seen["briefing"] = problems(d)
        d.key(pygame.K_RETURN)  # play
        assert isinstance(d.scene, PlayScene)
        d.key(pygame.K_5)
        d.frames(60)
        play = d.scene
        seen["KPI panel"] = problems(d, only=play.kpi_rect)
        seen["play"] = problems(d)
        d.key(pygame.K_c)  # follow a customer: the KPI panel tells their story
        d.frames(2)
        assert play.view.followed is not None
        seen["play, following"] = problems(d)
        d.key(pygame.K_x)
        d.key(pygame.K_END)
        d.until(lambda: isinstance(d.scene, DecisionScene))
        d.frames(2)
        seen["decision card"] = problems(d)
        d.key(pygame.K_1)
        d.frames(2)
        seen["decision feedback"] = problems(d)
        d.key(pygame.K_RETURN)
        assert d.scene is play
        d.key(pygame.K_1)  # paused, just after the decision: the failure is on the map
        d.frames(2)
        seen["play, paused after the decision"] = problems(d)
        d.key(pygame.K_ESCAPE)
        assert d.scene.name == "pause"
        d.frames(2)
        seen["pause"] = problems(d)
        d.key(pygame.K_ESCAPE)  # back to play, and on to the end of the run
        d.key(pygame.K_END)
        while not isinstance(d.scene, DebriefScene):
            d.until(lambda: isinstance(d.scene, (DecisionScene, DebriefScene)))
            if isinstance(d.scene, DecisionScene):
                d.key(pygame.K_2)
                d.key(pygame.K_RETURN)
        debrief = d.scene
        d.until(lambda: debrief.ready and debrief.same is not None, limit=20)
        d.frames(2)
        assert debrief.shown["table"] and debrief.shown["same_customer"]  # the stub's rows and story are on the page
        seen["debrief"] = problems(d)
        d.key(pygame.K_RETURN)
        assert debrief.page == 1
        d.frames(2)
        seen["debrief charts"] = problems(d)
    finally:
        d.close()
    bad = {screen: found for screen, found in seen.items() if found}
    assert not bad, "\n".join(f"{screen}: {line}" for screen, found in bad.items() for line in found)
