"""What the fuzzer found in the engine and the formats, each the smallest example, now fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SCENARIOS

from sim import CommandError, ScenarioError, parse_scenario
from sim.commands import Choose, LoggedCommand
from sim.scenario.loader import load_scenario
from sim.session.file import read_session
from sim.session.replay import replay

TUTORIAL = (SCENARIOS / "tutorial.toml").read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    try:
        parse_scenario(text.encode(), "x.toml")
    except ScenarioError as err:
        return [str(p) for p in err.problems]
    return []


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("schema_version = 1", 'schema_version = "' + "[" * 500 + '"', "schema_version"),  # a literal
        ('kind = "staffed"', 'kind = "' + "x" * 10_000 + '"', "kind"),  # a union's tag
        ('time = "12:00"', 'time = "' + "9" * 10_000 + '"', "time"),  # a clock time
        ("seed = 1", 'seed = "' + "y" * 200_000 + '"', "seed"),  # a wrong type
        ('currency = "EUR"', 'currency = "EUR"\n"' + "k" * 5000 + '" = 1', "unknown key"),  # an unknown key
    ],
)
def test_a_huge_value_is_quoted_short(old: str, new: str, key: str):
    found = problems_of(TUTORIAL.replace(old, new, 1))
    assert found and all(len(p) < 200 for p in found), [p[:300] for p in found]
    assert any(key in p and "..." in p for p in found), found


def test_a_line_break_in_a_value_is_shown_escaped():
    # U+0085 (NEL) is a line break to str.splitlines and to some terminals: the one line became two
    found = problems_of(TUTORIAL.replace("schema_version = 1", 'schema_version = "\u0085"', 1))
    assert found == ["x.toml:4: schema_version: '\\x85' is not allowed; expected one of: '1'"]


def test_a_huge_unknown_lesson_kpi_is_quoted_short():
    found = problems_of(TUTORIAL.replace('kpi = "experience', 'kpi = "' + "z" * 10_000 + "experience", 1))
    assert len(found) == 1 and "lessons.0.kpi: unknown results key 'zzz" in found[0] and len(found[0]) < 200


def test_a_session_file_of_another_format_is_quoted_short(tmp_path: Path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"format": "x" * 10_000}), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_session(path)
    line = str(info.value.problems[0])
    assert ": format: expected 'cxsim.session/1', found 'xxx" in line and len(line) < len(str(path)) + 120


def test_a_replayed_command_the_scenario_refuses_names_the_command():
    scenario = load_scenario(SCENARIOS / "tutorial.toml")
    commands = [LoggedCommand(2160.0, Choose(decision="outage", option="tell")), LoggedCommand(2200.0, Choose(decision="nope", option="x"))]
    with pytest.raises(CommandError, match=r"^commands\[1\]: decision 'nope' "):
        replay(scenario, commands, seed=5, horizon_days=3)
