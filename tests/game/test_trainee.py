"""A scripted trainee plays the flagship scenario from the title to saved results."""

from __future__ import annotations

import json

import pygame
import pytest
from game_driver import Driver
from helpers import LAUNCH_DAY

from game.scenes.debrief import DebriefScene
from game.scenes.decision import DecisionScene
from game.scenes.play import PlayScene
from game.session import headless_results
from sim.scenario.loader import read_scenario
from sim.session.file import read_session

HIKE = LAUNCH_DAY  # a crash card first: this trainee checks the screens, the lesson is test_trainee_lesson.py


@pytest.fixture
def driver(tmp_path):
    d = Driver(tmp_path, scenario=HIKE, days=9.0)
    yield d
    d.close()


def test_keyboard_and_mouse_trainee_plays_to_saved_results(driver, tmp_path):
    d = driver
    d.frames(3)
    assert d.scene.name == "title"
    assert "Start training" in d.text()
    # type a name, leave the field with Enter, start with Enter
    d.click(d.scene.name_entry.get_abs_rect().center)
    d.type_text("Ada")
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "briefing"
    assert "What to watch" in d.scene.text_box.html_text
    d.key(pygame.K_RETURN)  # Play
    assert isinstance(d.scene, PlayScene)
    d.key(pygame.K_5)  # 64x
    assert d.scene.speed == 64.0
    d.until(lambda: isinstance(d.scene, DecisionScene))
    card = d.scene
    assert card.pending.name == "crash"
    assert "Checkout is down" in d.text()
    assert d.app.session.sim.paused  # time stands still on this card
    d.key(pygame.K_2)  # reach_out, by keyboard
    assert card.chosen == "reach_out"
    assert "Every affected runner hears from you" in card.spec.options["reach_out"].feedback
    d.key(pygame.K_RETURN)  # Continue
    assert isinstance(d.scene, PlayScene)
    d.key(pygame.K_END)  # fast-forward to the next decision
    d.until(lambda: isinstance(d.scene, DecisionScene))
    assert d.scene.pending.name == "reviews"
    d.click_button("2 ")  # thank reviewers, by mouse
    assert d.scene.chosen == "thank"
    d.click_button("Continue")
    d.until(lambda: isinstance(d.scene, DebriefScene), limit=5000)
    debrief = d.scene
    d.until(lambda: debrief.runs.complete, limit=100000)
    d.frames(3)
    text = d.text()
    assert "Over time" in text and "YOUR DECISIONS" in text and "Callers' CSAT (now)" in text
    assert len(debrief.runs.results()) == 4  # yours + 2 other crash options + the other reviews option
    assert all(res is not None for _, res in debrief.runs.results())
    d.key(pygame.K_RETURN)
    assert d.scene.name == "debrief-charts"
    assert "LESSONS" in d.text()
    d.key(pygame.K_RETURN)
    assert d.scene.name == "results"
    d.frames(2)
    assert "Session saved" in d.text()

    saved = tmp_path / "sessions" / "hike-launch-ada.results.json"
    data = json.loads(saved.read_text())
    assert data["trainee"] == "Ada"
    assert [(c["decision"], c["option"]) for c in data["commands"]] == [("crash", "reach_out"), ("reviews", "thank")]
    assert [x["by"] for x in data["results"]["decisions"]] == ["command", "command"]
    assert not (tmp_path / "sessions" / "hike-launch-ada.autosave.json").exists()
    csv_lines = (tmp_path / "sessions" / "results.csv").read_text().splitlines()
    assert csv_lines[0].startswith("finished_at,trainee,scenario")
    assert "Ada" in csv_lines[1] and "crash=reach_out;reviews=thank" in csv_lines[1]

    # the game adds nothing to the model: the headless replay of the same commands gives the same KPIs
    rec = read_session(saved)
    assert headless_results(rec, read_scenario(HIKE).scenario, rec.horizon_days) == data["results"]


def test_play_screen_shows_the_journey_kpis_and_ticker(driver):
    d = driver
    d.frames(3)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_4)  # 16x
    d.frames(200)
    text = d.text()
    for label in ("CSAT now", "NPS now", "Profit", "WHAT JUST HAPPENED", "SERVICE CHANNELS", "Checkout", "Phone agents", "AWARENESS"):
        assert label in text, label
    assert "speed: 16x" in text
    d.key(pygame.K_SPACE)
    assert d.scene.speed == 0
    now = d.app.session.sim.now
    d.frames(30)
    assert d.app.session.sim.now == now  # paused means paused
    d.key(pygame.K_SPACE)
    assert d.scene.speed == 16.0
    # follow a customer by keyboard
    d.until(lambda: bool(d.scene.view.markers))
    d.key(pygame.K_c)
    assert d.scene.view.followed is not None
    d.frames(2)
    assert "FOLLOWING CUSTOMER" in d.text()
    d.key(pygame.K_x)
    assert d.scene.view.followed is None
