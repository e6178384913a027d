"""Text fits at the extremes: every line drawn stays inside its panel and overlaps no other, at 800x500 with 2x
and 0.8x text and at 1920x1080 with 2x, on the title, the picker, the decision card (options and feedback), the
pause menu, the results and the KPI panel."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

import pygame
import pytest
from game_driver import Driver
from helpers import LAUNCH_DAY

from game.scenes.decision import DecisionScene
from game.scenes.play import PlayScene

EXTREMES = [((800, 500), 2.0), ((800, 500), 0.8), ((1920, 1080), 2.0)]


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
    return SimpleNamespace(results=results, paths=SimpleNamespace(csv=tmp / "sessions" / "results.csv"))


@pytest.mark.parametrize(("size", "text"), EXTREMES, ids=[f"{w}x{h}-{t}x" for (w, h), t in EXTREMES])
def test_every_screen_fits_its_text_at_the_extremes(tmp_path, size, text):
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
        d.key(pygame.K_RETURN)  # play
        assert isinstance(d.scene, PlayScene)
        d.key(pygame.K_5)
        d.frames(60)
        play = d.scene
        seen["KPI panel"] = problems(d, only=play.kpi_rect)
        d.key(pygame.K_END)
        d.until(lambda: isinstance(d.scene, DecisionScene))
        d.frames(2)
        seen["decision card"] = problems(d)
        d.key(pygame.K_1)
        d.frames(2)
        seen["decision feedback"] = problems(d)
        d.key(pygame.K_RETURN)
        d.key(pygame.K_ESCAPE)
        assert d.scene.name == "pause"
        d.frames(2)
        seen["pause"] = problems(d)
    finally:
        d.close()
    bad = {screen: found for screen, found in seen.items() if found}
    assert not bad, "\n".join(f"{screen}: {line}" for screen, found in bad.items() for line in found)
