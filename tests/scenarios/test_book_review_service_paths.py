"""Inkwell (book-review-service) as a trainee plays it: decisions across the journey, and the
reactive and proactive paths differ where its lessons say, on the scenario's own seed.

The lessons themselves are checked over 20 paired replications for every bundled scenario
(tests/scenarios/test_library.py), and so is the design every bundled file
shares; this checks what is this file's own, and one session of each path.
"""

from __future__ import annotations

import functools

from helpers import SCENARIOS, minutes_to_first_event, path_results

from sim import read_scenario

PATH = SCENARIOS / "book-review-service.toml"
SCENARIO = read_scenario(PATH).scenario


@functools.cache
def played(style: str) -> dict:
    """The results of one run of the trainee's path (every decision answered in ``style``)."""
    return path_results(SCENARIO, style)


def test_every_decision_offers_both_styles_and_one_is_a_standing_rule():
    """Beyond the library's design test (tests/scenarios/test_library.py): a proactive answer at every card, a reactive lapse."""
    decisions = SCENARIO.decisions
    for name, d in decisions.items():
        styles = {o.style for o in d.options.values()}
        assert {"reactive", "proactive"} <= styles, name
    # a trainee who lets the clock run out gets the reactive answer, not a free proactive one
    assert all(d.options[d.default_option or next(iter(d.options))].style == "reactive" for d in decisions.values() if not d.pause)
    assert any(d.from_now_on for d in decisions.values())
    assert any(SCENARIO.responses[r].effect_tag() == "notify" and getattr(SCENARIO.responses[r], "notice", "") == "vague"
               for d in decisions.values() for o in d.options.values() for r in o.responses)  # fmt: skip


def test_something_happens_in_the_first_100_minutes_of_play():
    assert minutes_to_first_event(SCENARIO) <= 100


def test_the_proactive_path_reaches_the_authors_first_and_keeps_them():
    reactive, proactive = played("reactive"), played("proactive")
    assert reactive["recovery"]["proactive"] == 0 < proactive["recovery"]["proactive"]
    assert proactive["recovery"]["customers_affected"] < reactive["recovery"]["customers_affected"]  # the developer on call
    ra, pa = reactive["experience"]["affected"], proactive["experience"]["affected"]
    assert pa["repeat_probability_mean"] > ra["repeat_probability_mean"]
    assert pa["nps"] > ra["nps"]
    assert proactive["channels"]["email_desk"]["offered"] < reactive["channels"]["email_desk"]["offered"]
    assert proactive["money"]["profit"] > reactive["money"]["profit"]
