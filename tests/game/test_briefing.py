"""The briefing tells the situation, the trainee's role and what to watch; the lessons wait for the debrief."""

from __future__ import annotations

import pygame
import pytest
from game_driver import Driver
from helpers import SCENARIOS

from game import ui
from game.scenes.briefing import BriefingScene, kpi_label
from sim.scenario.loader import read_scenario

LIBRARY = sorted(SCENARIOS.glob("*.toml"))


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def shown(tmp_path_factory):
    """What each bundled scenario's briefing shows, as laid out on screen (a tall window: no scrolling needed)."""
    d = Driver(tmp_path_factory.mktemp("brief"), size=(1280, 2000))
    out = {}
    try:
        for path in LIBRARY:
            loaded = read_scenario(path)
            scene = d.app.push("briefing", loaded=loaded)
            assert isinstance(scene, BriefingScene)
            d.frames(2)
            out[path.stem] = (loaded.scenario, words(ui.shown_text(scene.text_box)))
            d.app.pop()
    finally:
        d.close()
    return out


@pytest.mark.parametrize("stem", [p.stem for p in LIBRARY])
def test_the_briefing_keeps_the_objectives_and_lessons_for_the_debrief(shown, stem):
    scenario, text = shown[stem]
    assert scenario.learning_objectives or scenario.lessons  # there is something to keep back
    for objective in scenario.learning_objectives:
        assert words(objective)[:40] not in text, objective
    for lesson in scenario.lessons:
        assert words(lesson.says)[:40] not in text, lesson.says
    assert "What you will learn" not in text
    for heading in ("The situation", "Your role", "What to watch", "How long"):
        assert heading in text
    assert words(scenario.description)[:60] in text  # the story is told
    for lesson in scenario.lessons:
        assert kpi_label(lesson.kpi) in text  # what the lessons measure is named, not which way it goes


def test_the_tutorials_briefing_announces_the_tour(shown):
    _, text = shown["tutorial"]
    assert "repeat probability of customers hit by a failure" in text
    assert "A short tour of the screen starts with play" in text
    assert "tour starts" not in shown["hike-launch"][1]  # elsewhere F1 offers it
    assert "F1 on the play screen shows a short tour" in shown["hike-launch"][1]


def test_kpi_labels_read_as_words():
    assert kpi_label("experience.affected.nps") == "NPS, customers hit by a failure"  # the catalogue's label
    assert kpi_label("channels.phone.abandon_rate") == "phone abandonment"
    assert kpi_label("experience.contacted.csat_mean") == "CSAT of callers (1-5)"
    assert kpi_label("experience.affected.repeat_probability_mean") == "repeat probability of customers hit by a failure"
    assert kpi_label("journey.orders") == "orders"


def test_a_trainee_reads_the_briefing_and_plays_by_keyboard(tmp_path):
    d = Driver(tmp_path, scenario=SCENARIOS / "tutorial.toml", days=2.0)
    try:
        d.frames(3)
        d.key(pygame.K_RETURN)
        assert d.scene.name == "briefing"
        assert "The situation" in d.text() and "Customers hit by a failure who hear from you first" not in d.text()
        d.key(pygame.K_PAGEDOWN)
        d.key(pygame.K_RETURN)
        assert d.scene.name == "play"
    finally:
        d.close()
