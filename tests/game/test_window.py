"""Resize, minimise, fullscreen, text size, and closing the window mid-decision then resuming."""

from __future__ import annotations

import json

import pygame
import pytest
from game_driver import Driver
from helpers import LAUNCH_DAY

from game.launch import resume_saved
from game.scenes.decision import DecisionScene
from game.scenes.play import PlayScene

HIKE = LAUNCH_DAY  # a crash card first: these tests are about the game's mechanics


@pytest.fixture
def driver(tmp_path):
    d = Driver(tmp_path, scenario=HIKE, days=2.0, trainee="Grace")
    yield d
    d.close()


def to_first_decision(d: Driver) -> DecisionScene:
    d.frames(3)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_END)
    d.until(lambda: isinstance(d.scene, DecisionScene))
    return d.scene


def test_resize_minimise_fullscreen_and_text_size_keep_the_game_alive(driver):
    d = driver
    card = to_first_decision(d)
    sizes = {}
    for size in ((1600, 900), (800, 500), (300, 200)):
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=size[0], h=size[1], size=size))
        d.frames(2)
        w, h = d.app.screen.get_size()
        assert w >= 800 and h >= 500  # clamped to the smallest usable window
        assert len(card.buttons) == 3  # the card rebuilt its options at the new size
        assert all(d.app.screen.get_rect().contains(b.get_abs_rect()) for b, _ in card.buttons)
        sizes[size] = d.app.painter.font_px(16)
    assert sizes[(1600, 900)] > sizes[(800, 500)]  # text scales with the window
    font_before = d.app.painter.font_px(16)
    d.key(pygame.K_EQUALS, mod=pygame.KMOD_CTRL)
    assert d.app.painter.font_px(16) > font_before
    pygame.event.post(pygame.event.Event(pygame.WINDOWMINIMIZED))
    d.frames(3)
    assert d.app.minimised
    pygame.event.post(pygame.event.Event(pygame.WINDOWRESTORED))
    d.frames(2)
    assert not d.app.minimised
    d.key(pygame.K_F11)
    assert d.app.fullscreen
    d.key(pygame.K_F11)
    assert not d.app.fullscreen
    d.key(pygame.K_1)  # still answerable after all that
    assert card.chosen == "wait_for_calls"


def test_closing_mid_decision_autosaves_and_resume_loses_nothing(tmp_path):
    d = Driver(tmp_path, scenario=HIKE, days=2.0, trainee="Grace")
    card = to_first_decision(d)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    d.frames(1)
    assert not d.app.running
    d.close()
    save = tmp_path / "sessions" / "hike-launch-grace.autosave.json"
    data = json.loads(save.read_text())
    assert data["commands"] == [] and data["sim_minutes"] == card.pending.since  # stopped on the card, unanswered

    # resume: the same decision comes back at the same instant; answer it this time
    d2 = Driver(tmp_path, scenario=HIKE, days=2.0)
    d2.frames(3)
    assert "Continue saved session" in d2.text()
    d2.click_button("Continue saved session")
    d2.until(lambda: isinstance(d2.scene, DecisionScene))
    assert d2.scene.pending.name == "crash" and d2.app.session.sim.now == card.pending.since
    d2.key(pygame.K_2)
    saved = json.loads(save.read_text())
    assert [c["option"] for c in saved["commands"]] == ["reach_out"]  # autosaved the moment it was chosen
    d2.key(pygame.K_RETURN)
    assert isinstance(d2.scene, PlayScene)
    # close again mid-play, resume again, play to the end
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    d2.frames(1)
    d2.close()
    d3 = Driver(tmp_path, scenario=HIKE, days=2.0, resume=save)
    assert resume_saved(d3.app, save) is None
    d3.key(pygame.K_END)
    d3.until(lambda: d3.scene.name == "debrief", limit=5000)
    results = json.loads((tmp_path / "sessions" / "hike-launch-grace.results.json").read_text())
    assert [(c["decision"], c["option"]) for c in results["commands"]] == [("crash", "reach_out")]
    assert results["trainee"] == "Grace"
    d3.close()


def test_escape_opens_the_pause_menu_and_time_stands_still(driver):
    d = driver
    d.frames(3)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_3)
    d.frames(20)
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "pause"
    now = d.app.session.sim.now
    d.frames(20)
    assert d.app.session.sim.now == now
    assert "Resume  (Esc)" in d.text()
    d.key(pygame.K_ESCAPE)
    assert isinstance(d.scene, PlayScene)
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_DOWN)
    d.key(pygame.K_DOWN)
    d.key(pygame.K_DOWN)
    d.key(pygame.K_RETURN)  # Save and return to title
    assert d.scene.name == "title"
    assert (d.app.options.save_dir / "hike-launch-grace.autosave.json").is_file()


def test_the_picker_lists_the_library_and_opens_a_briefing(tmp_path):
    d = Driver(tmp_path)  # no scenario given: the trainee picks one
    d.frames(3)
    d.key(pygame.K_RETURN)
    assert d.scene.name == "picker"
    text = d.text()
    for title in ("Hike: launch day of the Trail One", "Tutorial: the broken checkout", "Late delivery: where is my order?"):
        assert title in text
    assert "Open a scenario file..." in text
    d.key(pygame.K_DOWN)  # the second scenario, by keyboard
    second = d.scene.scenarios[1][1]
    d.key(pygame.K_RETURN)
    assert d.scene.name == "briefing" and d.scene.scenario.title == second
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "picker"
    d.close()
