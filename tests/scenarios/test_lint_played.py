"""Lint plays the scenario once per side of its lessons and says what those runs show.

A failure that hits almost nobody, and a lesson whose two sides give exactly the same value
(the choices it compares cannot move that KPI), are warnings with the file's line and key.
"""

from __future__ import annotations

from helpers import SCENARIOS

from sim.authoring.lint import lint
from sim.scenario.loader import parse_scenario

TEXT = (SCENARIOS / "late-delivery.toml").read_text(encoding="utf-8")


def warnings(text: str) -> list[str]:
    loaded = parse_scenario(text.encode(), "late-delivery.toml")
    return [str(p) for p in lint(loaded, text, play=True)]


def test_a_one_minute_flood_written_for_two_days_is_flagged_at_its_key():
    text = TEXT.replace("duration_min = 2880\neffect = \"delay\"", "duration_min = 1\neffect = \"delay\"")
    assert text != TEXT
    found = [w for w in warnings(text) if "failures.hub_flood" in w]
    assert len(found) == 1 and "duration_min is in minutes" in found[0], found  # the unit check says it; the run does not repeat it
    line = TEXT[: TEXT.index("duration_min = 2880")].count("\n") + 1
    assert found[0].startswith(f"late-delivery.toml:{line}: failures.hub_flood.duration_min: warning: the outage lasts 1 minute and")


def test_a_failure_that_hits_nobody_is_flagged_at_its_key():
    text = TEXT.replace("duration_min = 2880\neffect = \"delay\"", "duration_min = 10\neffect = \"delay\"")
    found = [w for w in warnings(text) if "failures.hub_flood" in w]
    assert len(found) == 1 and "nobody to teach anything about" in found[0], found
    line = TEXT[: TEXT.index("[failures.hub_flood]")].count("\n") + 1
    assert found[0].startswith(f"late-delivery.toml:{line}: failures.hub_flood: warning: hit ")


def test_a_lesson_the_decisions_cannot_move_is_flagged():
    lesson = (
        '\n[[lessons]]\nsays = "Calls before the flood differ."\nkpi = "arrivals"\ndays = [1, 3]\n'
        'direction = "higher"\nanswers = "proactive"\nbaseline_answers = "reactive"\n'
    )
    found = [w for w in warnings(TEXT + lesson) if "lessons (the fifth item).kpi" in w]
    assert len(found) == 1 and "cannot move it" in found[0], found

