"""The game shows a scenario's strings and the trainee's name as written, never as pygame_gui markup.

pygame_gui reads a text box's html_text as HTML-like markup: an ``<img src="/etc/passwd">`` in a
decision prompt made the game open that file as an image and exit 1, on every resume too. The
hostile scenario (tests/hostile.py) is played by a scripted trainee, closed on its decision card,
resumed and finished; the card and the briefing show its text literally (read back from the
widgets), and ``cxsim play --autoplay`` finishes it.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pygame_gui
import pytest
from game_driver import Driver
from helpers import ROOT
from hostile import DESCRIPTION, FEEDBACK, HOSTILE, OBJECTIVE, PROMPT, TITLE, WAIT_LABEL, write_hostile

from game import ui
from game.scene import Scene
from game.scenes.decision import DecisionScene
from game.scenes.play import PlayScene

TRAINEE = '=HYPERLINK("x") <b>Ada</b> [/b]'
NUL_SHOWN = "\ufffd"  # what a NUL in the scenario shows as (fonts refuse a NUL)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def manager():
    pygame.init()
    pygame.display.set_mode((800, 600))
    manager = pygame_gui.UIManager((800, 600))
    manager.preload_fonts([{"name": "noto_sans", "point_size": 14, "style": style, "antialiased": "1"} for style in ("bold", "italic")])
    yield manager
    pygame.display.quit()


SHOWN_AS_WRITTEN = [
    HOSTILE,
    "<b>bold</b> <i>it</i> <u>u</u> <font color='#FF0000' size=7>big</font> <a href='x'>link</a> <br> <p>",
    "&amp; &lt; &gt; &#46; &nbsp; & < >",
    "<effect id=shake>shake</effect> <body bgcolor='#FF0000'> <hr>",
    "pygame-gui.OK",
    "pygame-gui.Cancel",
]


@pytest.mark.parametrize("text", SHOWN_AS_WRITTEN)
def test_a_text_box_shows_user_text_as_written_and_the_games_own_tags_still_work(manager, text: str):
    box = pygame_gui.elements.UITextBox(ui.gui_text(text), pygame.Rect(0, 0, 700, 500), manager)
    manager.update(0.01)
    assert ui.shown_text(box) == text
    styled = pygame_gui.elements.UITextBox(f"<b>{ui.gui_text(text)}</b><br>after", pygame.Rect(0, 0, 700, 500), manager)
    manager.update(0.01)
    assert ui.shown_text(styled) == f"{text}\nafter"


def test_ordinary_text_is_unchanged_and_a_nul_shows_as_a_replacement_character(manager):
    for text in ("The checkout is down. What do you do?", "Wait for calls (0 EUR)", "A/B: 50% off"):
        assert ui.gui_text(text) == text and ui.button_text(text) == text and ui.plain_text(text) == text
    box = pygame_gui.elements.UITextBox(ui.gui_text("a\x00b"), pygame.Rect(0, 0, 300, 100), manager)
    manager.update(0.01)
    assert ui.shown_text(box) == f"a{NUL_SHOWN}b"


@pytest.mark.parametrize("text", [*SHOWN_AS_WRITTEN, "nul \x00 here"])
def test_buttons_and_their_tooltips_show_user_text_as_written(manager, text: str):
    scene = Scene(host=None)  # type: ignore[arg-type]  # add_button needs no host
    button = scene.add_button(manager, pygame.Rect(0, 0, 780, 40), text, lambda: None, tooltip=text)
    manager.update(0.01)
    manager.draw_ui(pygame.display.get_surface())
    shown = button.drawable_shape.text_box_layout.plain_text
    assert shown.replace("\u2060", "") == text.replace("\x00", NUL_SHOWN)  # a word joiner keeps "pygame-gui.OK" untranslated
    tip = pygame_gui.elements.UITextBox(button.tool_tip_text, pygame.Rect(0, 0, 780, 200), manager)  # a tooltip's text box
    manager.update(0.01)
    assert ui.shown_text(tip) == text.replace("\x00", NUL_SHOWN)


def test_a_trainee_plays_closes_on_the_card_resumes_and_finishes_the_hostile_scenario(tmp_path: Path):
    path = write_hostile(tmp_path, nul=True)
    prompt = PROMPT + NUL_SHOWN
    d = Driver(tmp_path, scenario=path, days=3.0, trainee=TRAINEE)
    try:
        d.frames(3)
        d.key(pygame.K_RETURN)
        assert d.scene.name == "briefing"
        shown = d.text()
        assert DESCRIPTION in shown and OBJECTIVE not in shown and (TITLE + NUL_SHOWN) in shown  # objectives wait for the debrief
        d.key(pygame.K_RETURN)
        assert isinstance(d.scene, PlayScene)
        d.key(pygame.K_END)
        d.until(lambda: isinstance(d.scene, DecisionScene))
        assert prompt in d.text()  # read back from the card's text box: as written
        assert any(WAIT_LABEL + NUL_SHOWN in b.text for b, _ in d.scene.buttons)
        pygame.event.post(pygame.event.Event(pygame.QUIT))  # close the window on the card: autosaved
        d.frames(1)
        assert not d.app.running and d.app.exit_code == 0
    finally:
        d.close()

    d = Driver(tmp_path, scenario=path, days=3.0)
    try:
        d.frames(3)
        d.click_button("Continue saved session")
        d.until(lambda: isinstance(d.scene, DecisionScene))
        assert prompt in d.text()
        d.key(pygame.K_1)
        assert d.scene.chosen == "wait"
        d.frames(2)
        assert _words(FEEDBACK) in _words(d.text())  # the feedback, wrapped over lines by the painter
        d.key(pygame.K_RETURN)
        d.key(pygame.K_END)
        d.until(lambda: d.scene.name == "debrief", limit=5000)
        debrief = d.scene
        d.until(lambda: debrief.runs.complete, limit=100000)
        d.frames(3)
        d.key(pygame.K_RETURN)
        d.key(pygame.K_RETURN)
        assert d.scene.name == "results"
        d.frames(2)
        assert d.app.running
    finally:
        d.close()
    saved = next((tmp_path / "sessions").glob("*.results.json"))
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["trainee"] == TRAINEE and data["finished"]
    assert [(c["decision"], c["option"]) for c in data["commands"]] == [("outage", "wait")]


def test_autoplay_finishes_the_hostile_scenario(tmp_path: Path):
    path = write_hostile(tmp_path)
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "play", str(path), "--autoplay", "--speed", "max", "--days", "3", "--unthrottled",
         "--save-dir", str(tmp_path / "sessions"), "--name", TRAINEE],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(next((tmp_path / "sessions").glob("*.results.json")).read_text(encoding="utf-8"))
    assert data["finished"] and data["trainee"] == TRAINEE


def test_the_trainers_results_csv_keeps_formula_like_text_as_text(tmp_path: Path):
    _finished_session(tmp_path, TRAINEE).finish()
    row = next(csv.DictReader((tmp_path / "results.csv").open(encoding="utf-8")))
    assert row["trainee"] == f"'{TRAINEE}" and row["scenario"] == TITLE and row["currency"] == "'=[/b]"
    assert row["nps"] == "" or float(row["nps"]) == float(row["nps"])  # numbers stay numbers


def _finished_session(tmp_path: Path, trainee: str):
    from game.session import Session
    from sim.scenario.loader import read_scenario

    session = Session.start(read_scenario(write_hostile(tmp_path)), trainee=trainee, folder=tmp_path, horizon_days=3.0)
    while not session.finished:
        session.advance_to(session.sim.horizon)
        for name in session.sim.pending_decisions:
            session.choose(name, "tell")
    return session


def test_replay_prints_the_trainees_name_literally(tmp_path: Path):
    from typer.testing import CliRunner

    from sim.cli import app

    saved = _finished_session(tmp_path, TRAINEE).finish()
    res = CliRunner().invoke(app, ["replay", str(saved), "--json", str(tmp_path / "replayed.json")])
    assert res.exit_code == 0, res.output
    assert f"by {TRAINEE} on seed 1" in " ".join(res.stderr.split()) and "reproduced exactly" in res.stderr
