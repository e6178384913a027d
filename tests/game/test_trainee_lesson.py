"""The lesson lands: a scripted trainee plays the flagship by keyboard only, reactive then proactive,
and reads the debrief's numbers from the screen. They must tell the lesson of the brief.

Each answer is the key of the card's first option of that style (1-4, as a trainee presses it);
nothing but key presses reaches the game. The numbers are read back from what the debrief drew
(``DebriefScene.shown``): the "Your choices" row, the session's own results.
"""

from __future__ import annotations

import re

import pygame
import pytest
from game_driver import Driver
from helpers import SCENARIOS

from game.scenes.debrief import DebriefScene
from game.scenes.decision import DecisionScene
from game.scenes.play import PlayScene

pytestmark = pytest.mark.slow  # two 90-day sessions and their own replays


def number(cell: str) -> float:
    """'315.7k' or '+28.1' or '3.94 / 5' or '27.3 %' (the value before any band) as a float."""
    head = cell.split(" (")[0].replace(",", "").replace(" EUR", "").strip()
    m = re.match(r"([+-]?[\d.]+)\s*([km]?)", head)
    assert m, cell
    scale = {"": 1.0, "k": 1e3, "m": 1e6}[m.group(2)]
    return float(m.group(1)) * scale


def play(tmp, style: str) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Play hike-launch to the end answering every card in ``style``; return the row read from the debrief."""
    d = Driver(tmp, scenario=SCENARIOS / "hike-launch.toml")
    chosen: dict[str, str] = {}
    try:
        d.frames(3)
        d.key(pygame.K_RETURN)  # title: start
        d.key(pygame.K_RETURN)  # briefing: play
        for _ in range(200000):
            scene = d.scene
            if isinstance(scene, DebriefScene):
                break
            if isinstance(scene, DecisionScene):
                if not scene.answered:
                    names = list(scene.spec.options)
                    styled = [n for n in names if scene.spec.options[n].style == style] or names[:1]
                    d.key(pygame.K_1 + names.index(styled[0]))
                    chosen[scene.pending.name] = styled[0]
                else:
                    d.key(pygame.K_RETURN)  # past the feedback
                continue
            if isinstance(scene, PlayScene) and scene.speed != -1.0:
                d.key(pygame.K_END)  # fast-forward
                continue
            d.frames(1)
        debrief = d.scene
        assert isinstance(debrief, DebriefScene)

        def own_row() -> dict[str, str] | None:
            row = debrief.shown.get("table", {}).get("Your choices")
            return row if row and "..." not in row.get("Profit", "...") else None

        d.until(lambda: own_row() is not None, limit=100000)
        row = own_row()
        assert row is not None
        return row, chosen, list(debrief.shown.get("debrief", []))
    finally:
        d.close()


def test_a_keyboard_trainee_sees_proactive_win_on_the_flagship(tmp_path):
    reactive, r_chosen, _ = play(tmp_path / "reactive", "reactive")
    proactive, p_chosen, texts = play(tmp_path / "proactive", "proactive")
    assert set(r_chosen) == set(p_chosen) == {"launch_prep", "crash", "late_parcels", "parcel", "reviews"}
    assert r_chosen != p_chosen
    assert number(proactive["Profit"]) > number(reactive["Profit"])
    assert number(proactive["Affected NPS (later)"]) > number(reactive["Affected NPS (later)"])
    assert number(proactive["Affected repeat prob."]) > number(reactive["Affected repeat prob."])
    # customer service looks the same: callers are about as satisfied either way
    assert abs(number(proactive["Callers' CSAT (now)"]) - number(reactive["Callers' CSAT (now)"])) < 0.15
    assert texts and not any("{" in t for t in texts)  # every placeholder filled
