"""What the fuzzer found in the engine and the formats, each the smallest example, now fixed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import SCENARIOS, make_scenario, queue_toml

from sim import CommandError, ScenarioError, parse_scenario
from sim.authoring.lint import silent_decisions
from sim.commands import Choose, LoggedCommand
from sim.scenario.loader import load_scenario, read_scenario
from sim.session.file import read_session, resolve_scenario_path
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
    assert len(found) == 1 and "lessons (the first item).kpi: unknown results key 'zzz" in found[0] and len(found[0]) < 200


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


KPI_DECISION = """
[decisions.queue]
trigger = { on = "kpi", touchpoint = "phone", metric = "queue_length", above = 1e6 }
prompt = "The queue is long."
options = { wait = { label = "Wait" } }
"""


def test_lint_checks_a_trigger_over_twenty_runs_when_they_are_cheap():
    scenario = make_scenario(queue_toml(per_hour=10, days=2, extra="") + KPI_DECISION)
    [(path, message)] = list(silent_decisions(scenario))
    assert path == ("decisions", "queue", "trigger")
    assert message == "never came up in 20 seeded runs of the whole horizon: trainees may never see it"


def test_lint_checks_fewer_runs_of_a_busy_scenario():
    scenario = make_scenario(queue_toml(per_hour=100, days=2) + KPI_DECISION)  # 4,800 customers a run
    [(_, message)] = list(silent_decisions(scenario, customers=20_000))
    assert message.startswith("never came up in 4 seeded runs of the whole horizon")


def test_lint_checks_the_first_days_of_a_scenario_too_busy_for_one_run():
    # b2b-engineering-services with 100,000 times the customers at 13:00 brought 7.8 million
    # customers a run: lint simulated until the decision fired (18 s), a never-firing one would take an hour
    scenario = make_scenario(queue_toml(per_hour=1000, days=30, agents=100) + KPI_DECISION)
    start = time.perf_counter()
    [(_, message)] = list(silent_decisions(scenario, customers=6_000))
    assert time.perf_counter() - start < 10
    assert message.startswith("never came up in the first 0.25 days of a seeded run (the whole run brings about 720,000 customers)")


@pytest.mark.parametrize("name", ["x" * 300, "x" * 5000])
def test_a_file_name_the_system_refuses_is_one_line(tmp_path: Path, name: str):
    # exists() raised OSError (File name too long): replay of a session naming such a scenario, or validate, exit 1
    path = resolve_scenario_path(tmp_path / "s.json", name)
    with pytest.raises(ScenarioError) as info:
        read_scenario(path)
    [problem] = info.value.problems
    assert problem.message in ("file not found", "cannot read file (File name too long)")


def test_a_session_naming_a_scenario_path_longer_than_any_system_takes_is_refused(tmp_path: Path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"format": "cxsim.session/1", "scenario": {"file": "x" * 5000}, "policy": "p", "seed": 1}))
    with pytest.raises(ScenarioError, match=r"scenario\.file: string should have at most 1024 characters"):
        read_session(path)
