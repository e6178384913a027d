"""A countdown card is never skipped by fast-forward: the trainee who presses End still meets it with its whole countdown.

book-review-service's upload failure comes up about four hours into day 1 with a 30-minute countdown, shorter than one
step of End (60 sim minutes): the engine halts its advance at the decision, so the card shows the minute it comes up.
"""

from __future__ import annotations

import pygame
from game_driver import Driver
from helpers import SCENARIOS

from game.scenes.decision import DecisionScene
from game.scenes.play import PlayScene
from sim.results.results import build_results


def test_end_stops_at_a_countdown_card_with_its_whole_countdown_left(tmp_path):
    d = Driver(tmp_path, scenario=SCENARIOS / "book-review-service.toml", days=1.0)
    met: dict[str, float] = {}  # decision -> sim minutes of its countdown already gone when the card showed
    try:
        d.frames(3)
        d.key(pygame.K_RETURN)  # title: start
        d.key(pygame.K_RETURN)  # briefing: play
        for _ in range(20000):
            scene = d.scene
            if isinstance(scene, DecisionScene):
                if not scene.answered:
                    met.setdefault(scene.pending.name, d.app.session.sim.now - scene.pending.since)
                    d.key(pygame.K_1)
                else:
                    d.key(pygame.K_RETURN)
                continue
            if "upload" in met:
                break
            if isinstance(scene, PlayScene) and scene.speed != -1.0:
                d.key(pygame.K_END)
                continue
            d.frames(1)
        made = {m["decision"]: m["by"] for m in build_results(d.app.session.sim)["decisions"]}
    finally:
        d.close()
    assert "upload" in met, "the countdown card never showed"
    assert met["upload"] < 1.0  # shown the minute it came up, with its 30 minutes to read and answer
    assert made["upload"] == "command"  # the trainee answered it, not the clock
