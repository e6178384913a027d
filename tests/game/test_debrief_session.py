"""The debrief argues from the session: texts filled with its numbers, the what-if table, the same customer, decision days."""

from __future__ import annotations

import json
import re

import pygame
import pytest
from game_driver import Driver
from helpers import SCENARIOS

from game.scenes.debrief import DebriefScene
from game.scenes.decision import DecisionScene
from sim.authoring.placeholders import PENDING, format_value

CRASH_TEXT = (
    "{contacted} of the {hit} runners the crash hit contacted you ({contacted_one_in}); {reached_first} were reached first. "
    "Your answer cost {option_cost}; discounts paid {discounts}. NPS gap {nps_gap}, repeat gap {repeat_gap}, "
    "profit gap {profit_gap} against '{alternative}'. {{literal}}"
)
OBJECTIVE = "Over the run failures hit {run_hit} customers and profit was {run_profit}; the crash hit {crash.hit}."


def flagship_with_placeholders(folder):
    text = (SCENARIOS / "hike-launch.toml").read_text(encoding="utf-8")
    text, n = re.subn(r'(\[decisions\.crash\]\n(?:(?!\n\[).)*?)debrief = (""".*?"""|"[^"\n]*")', lambda m: m.group(1) + "debrief = "
                      + json.dumps(CRASH_TEXT), text, count=1, flags=re.S)  # fmt: skip
    assert n == 1
    text, n = re.subn(r"learning_objectives = \[", "learning_objectives = [" + json.dumps(OBJECTIVE) + ", ", text, count=1)
    assert n == 1
    # only the crash comes up in the two days played: the night-before and parcel decisions move past them
    for decision, when in (("launch_prep", 'day = 1, time = "00:05"'), ("parcel", 'day = 1, time = "18:00"')):
        text, n = re.subn(rf'(\[decisions\.{decision}\]\ntrigger = {{ on = "time", ){re.escape(when)}', r'\1day = 30, time = "09:00"', text)
        assert n == 1, decision
    path = folder / "hike-launch.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """One session of the flagship, 2 days, reaching out at the crash; the debrief once the replays are all in."""
    tmp = tmp_path_factory.mktemp("debrief")
    d = Driver(tmp, scenario=flagship_with_placeholders(tmp), days=2.0)
    d.frames(3)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_END)
    d.until(lambda: isinstance(d.scene, DecisionScene))
    d.key(pygame.K_2)  # reach out
    d.key(pygame.K_RETURN)
    d.key(pygame.K_END)
    d.until(lambda: isinstance(d.scene, DebriefScene), limit=5000)
    scene = d.scene
    d.frames(1)
    early = {"debrief": list(scene.shown["debrief"]), "text": d.text()}
    d.until(lambda: scene.runs.complete, limit=200000)
    d.frames(3)
    results = json.loads(next((tmp / "sessions").glob("*.results.json")).read_text())["results"]
    yield d, scene, results, early
    d.close()


def test_the_texts_say_pending_until_the_replays_are_in(played):
    _d, _scene, _results, early = played
    assert PENDING in early["debrief"][0] and "{hit}" not in early["debrief"][0]


def test_the_debrief_text_is_filled_with_the_sessions_numbers(played):
    d, scene, results, _early = played
    text = scene.shown["debrief"][0]
    assert scene.chosen == {"crash": "reach_out"}
    hit = results["failures"]["launch_crash"]["customers_affected"]
    reached = results["recovery"]["proactive"]  # only the crash's SMS reaches anyone first in this run
    m = re.match(r"([\d,]+) of the ([\d,]+) runners the crash hit contacted you \((.+?)\); ([\d,]+) were reached first", text)
    assert m, text
    contacted = int(m.group(1).replace(",", ""))
    assert int(m.group(2).replace(",", "")) == hit and int(m.group(4).replace(",", "")) == reached > 0
    assert m.group(3) == format_value((contacted, hit), "ratio")
    money = results["money"]
    assert f"cost {format_value(money['response_cost'] + money['recovery_cost'], 'currency', 'EUR')};" in text
    assert "NPS gap " in text and " points, repeat gap " in text and " percentage points, profit gap " in text
    assert "against 'Let the agents handle whoever calls" in text and text.endswith("{literal}")
    assert PENDING not in text and "{" not in text.replace("{literal}", "")
    assert text.split("\n")[0].split()[0] in d.text()  # drawn on screen


def test_the_objectives_are_shown_filled_with_run_and_decision_numbers(played):
    d, scene, results, _early = played
    d.key(pygame.K_RETURN)
    try:
        assert scene.name == "debrief-charts"
        objective = scene.shown["objectives"][0]
        hit = format_value(results["recovery"]["customers_affected"], "customers")
        profit = format_value(results["money"]["profit"], "currency", "EUR")
        crash = format_value(results["failures"]["launch_crash"]["customers_affected"], "customers")
        assert objective == f"Over the run failures hit {hit} customers and profit was {profit}; the crash hit {crash}."
        assert f"- {objective[:40]}" in d.text().replace("\n", " ") or objective.split()[0] in d.text()
        # the charts mark the decision day with the decision's name
        assert scene.shown["marks"] == [(600.0, "crash")]
        assert d.text().count("crash") >= 3  # on each of the three charts
    finally:
        d.key(pygame.K_PAGEUP)
    assert scene.name == "debrief"


def test_the_what_if_table_has_contacts_costs_n_and_a_band_for_every_path(played):
    _d, scene, results, _early = played
    table = scene.shown["table"]
    assert list(table) == ["Your choices", "crash: wait for calls", "crash: vague email"]
    yours = table["Your choices"]
    money = results["money"]
    offered = results["channels"]["phone"]["offered"] + results["channels"]["chat"]["offered"]
    assert yours["Contacts"].startswith(f"{offered:,} (")
    assert yours["n affected"].startswith(f"{results['experience']['affected']['journeys_surveyed']:,} (")
    cost = money["response_cost"] + money["recovery_cost"] + money["compensation"]
    assert yours["Costs"].startswith(f"{cost:,.0f} EUR (")
    for row in table.values():
        assert set(row) >= {"Callers' CSAT (now)", "Affected NPS (later)", "Profit", "Contacts", "Costs", "n affected"}
        assert all(re.search(r" to .*, (\d+) seeds\)$", cell) for cell in row.values()), row  # each with its band
        assert row["Profit"].endswith(", 10 seeds)") and row["Costs"].endswith(", 10 seeds)")  # seeds seed..seed+9
    # the band is real: different seeds give different profits
    low, high, n = scene.runs.band(0, "profit")
    assert n == 10 and low < high and low <= results["money"]["profit"] <= high


def test_same_customer_other_choice_shows_one_silent_customer_under_both(played):
    _d, scene, _results, _early = played
    same = scene.shown["same_customer"]
    customer = same["customer"]
    own = scene.runs.results()[0][1]
    assert customer == scene.runs.watched["crash"]
    assert customer in own["facts"]["crash"]["silent_answers"]  # hit by the crash, never contacted service
    assert same["yours"] and same["other"]
    assert same["yours"][0] == same["other"][0]  # the same person arriving at the same minute
    assert any("ran into a failure at Checkout: Checkout crashes" in line for line in same["yours"])
    assert not any("queued on" in line or "an agent answered" in line for line in same["yours"])
    survey = next(line for line in same["yours"] if "remembers it:" in line)
    csat, ltr = (int(x) for x in re.search(r"CSAT (\d)/5, would recommend (\d+)/10", survey).groups())
    assert abs(ltr / 10 - (csat - 1) / 4) <= 0.35  # the answers agree with each other
    assert "chance of buying again" in same["yours"][-1] and "chance of buying again" in same["other"][-1]
