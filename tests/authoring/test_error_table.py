"""The table of mistakes in docs/authoring.md ("When something is wrong") is what cxsim prints.

Each row's mistake is made in ``scenarios/tutorial.toml`` under the row's file name, and the
message cxsim gives must be the row's message exactly (a row ending in '...' is a prefix), so the
guide cannot drift from the tool.
"""

from __future__ import annotations

import re

import pytest
from helpers import ROOT, SCENARIOS

from sim import ScenarioError, parse_scenario

TUTORIAL = (SCENARIOS / "tutorial.toml").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")

# mistake (the table's first column) -> (old text, new text): the edit of tutorial.toml that makes it
EDITS: dict[str, tuple[str, str]] = {
    "a misspelt key": ("agents = 1\nhandle", "agnets = 1\nhandle"),
    "a misspelt required key": ("horizon_days =", "horizon_dayz ="),
    "a required key left out": ('title = "Tutorial: the broken checkout"\n', ""),
    "a route to a touchpoint that does not exist": ("entry = { website = 1.0 }", "entry = { websit = 1.0 }"),
    "probabilities that do not add up": ("next = { checkout = 0.6, end = 0.4 }", "next = { checkout = 0.5, end = 0.4 }"),
    "segment shares that do not add up": ("share = 1.0", "share = 0.9"),
    "an unknown distribution": ('delay_min = { dist = "exponential"', 'delay_min = { dist = "expo"'),
    "a word where a number belongs": ("customers_per_hour = 4", 'customers_per_hour = "four"'),
    "the same key twice": ("agents = 1\n", "agents = 1\nagents = 2\n"),
    "text without quotes": ('title = "Tutorial: the broken checkout"', "title = Tutorial"),
    "a decimal comma": ("customers_per_hour = 4", "customers_per_hour = 4,5"),
    "a decimal comma in `{ ... }`": ("mean = 50.0, sd", "mean = 50,5, sd"),
    "a decimal comma in a list": ("customers_per_hour = 4\n", "customers_per_hour = 4\nweekday_profile = [1,0, 1,0, 1,0, 1,0, 1,0, 1,0, 1,0]\n"),
    "a comma after the last entry of `{ ... }`": ("entry = { website = 1.0 }", "entry = { website = 1.0, }"),
    "a comma after a value": ("horizon_days = 40", "horizon_days = 40,"),
    "a time of day without quotes": ('time = "12:00"', "time = 12:00"),
    "a name in a list without quotes": ('responses = ["email_everyone", "apologise"]', 'responses = [email_everyone, "apologise"]'),
    "a wrong name in a list (positions count from one)": (
        'responses = ["email_everyone", "apologise"]', 'responses = ["email_everyone", "apologise", "refnud"]'
    ),
    "a night shift in one piece": ("agents = 1\nhandle", 'shifts = [{ start = "20:00", end = "08:00", agents = 1 }]\nhandle'),
    "a policy naming an option that does not exist": ('outage = "tell"', 'outage = "tel"'),
    "day 0": ("day = 2\n", "day = 0\n"),
    "an impossible clock time": ('time = "12:00"', 'time = "25:00"'),
    "a lesson on a KPI the results do not have": ('kpi = "experience.affected.repeat', 'kpi = "experience.afected.nps"\n#'),
    "a day of the daily series named as in a results file": ('kpi = "experience.affected.repeat', 'kpi = "daily.2.costs"\n#'),
}


def rows() -> list[tuple[str, str]]:
    """(mistake, message) of every row of the guide's table of mistakes."""
    found = re.findall(r"^\| (.+?) \| `(.+)` \|$", GUIDE.split("| mistake | message |", 1)[1].split("\n\n", 1)[0], re.M)
    return [(mistake, message) for mistake, message in found]


def test_every_row_of_the_table_has_its_edit_and_every_edit_its_row():
    assert sorted(m for m, _ in rows()) == sorted(EDITS)


@pytest.mark.parametrize(("mistake", "message"), rows(), ids=[m for m, _ in rows()])
def test_the_guide_shows_what_cxsim_prints(mistake, message):
    old, new = EDITS[mistake]
    assert TUTORIAL.count(old) >= 1, old
    name = message.split(":", 1)[0]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(TUTORIAL.replace(old, new, 1).encode(), name)
    printed = [str(p) for p in info.value.problems]
    if message.endswith("..."):
        assert any(p.startswith(message.removesuffix("...")) for p in printed), printed
    else:
        assert message in printed, printed
