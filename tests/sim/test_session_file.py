"""Hand-edited or corrupted session files are refused with one line naming the file and the key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from sim import ScenarioError
from sim.commands import Choose, LoggedCommand, SetAgents
from sim.session.file import SessionRecord, read_session


def good(tmp_path: Path) -> dict:
    record = SessionRecord(
        scenario_file="scenarios/tutorial.toml", scenario_sha256="ab" * 32, scenario_title="Tutorial", policy="reactive",
        seed=7, trainee="ada", commands=[LoggedCommand(600.0, Choose(decision="crash", option="reach_out")),
                                         LoggedCommand(700.0, SetAgents(touchpoint="phone", extra_agents=2))],
        sim_minutes=800.0,
    )  # fmt: skip
    path = tmp_path / "good.json"
    record.save(path)
    return json.loads(path.read_text())


def refused(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "bad.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ScenarioError) as info:
        read_session(path)
    problems = info.value.problems
    assert len(problems) == 1
    line = str(problems[0])
    assert line.startswith(str(path)) and "\n" not in line
    return line


def test_a_good_file_reads_back(tmp_path: Path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(good(tmp_path)))
    rec = read_session(path)
    assert rec.seed == 7 and rec.commands[1].command == SetAgents(touchpoint="phone", extra_agents=2)


@pytest.mark.parametrize(
    ("key", "value", "names"),
    [
        ("horizon_days", 0, "horizon_days"),
        ("horizon_days", -1, "horizon_days"),
        ("horizon_days", "abc", "horizon_days"),
        ("seed", -1, "seed"),
        ("seed", "7", "seed"),
        ("sim_minutes", -5, "sim_minutes"),
        ("commands", 3, "commands"),
        ("trainee", "x" * 300, "trainee"),
        ("policy", "", "policy"),
    ],
)
def test_a_bad_value_names_its_key(tmp_path: Path, key: str, value: object, names: str):
    data = good(tmp_path)
    data[key] = value
    assert f": {names}: " in refused(tmp_path, json.dumps(data))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(tmp_path: Path, literal: str):
    text = json.dumps(good(tmp_path)).replace('"sim_minutes": 800.0', f'"sim_minutes": {literal}')
    assert ": sim_minutes: " in refused(tmp_path, text)


@pytest.mark.parametrize("extra", [2.5, "two", None])
def test_set_agents_must_be_a_whole_number(tmp_path: Path, extra: object):
    data = good(tmp_path)
    data["commands"][1]["extra_agents"] = extra
    assert ": commands[1].extra_agents: " in refused(tmp_path, json.dumps(data))


def test_an_unknown_command_is_refused(tmp_path: Path):
    data = good(tmp_path)
    data["commands"][0]["command"] = "launch_rockets"
    assert ": commands[0]" in refused(tmp_path, json.dumps(data))


def test_deep_nesting_and_binary_files_are_refused(tmp_path: Path):
    data = good(tmp_path)
    deep = json.dumps(data)[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}"
    assert "nested deeper" in refused(tmp_path, deep)
    assert "not valid UTF-8" in refused(tmp_path, b"\xff\xfe\x00garbage")
    assert "not a cxsim session file" in refused(tmp_path, "[1, 2]")


def test_replay_and_resume_refuse_a_corrupt_file_with_exit_2(tmp_path: Path):
    data = good(tmp_path)
    data["horizon_days"] = "abc"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    for args in (["replay", str(path)], ["play", "--resume", str(path)]):
        res = subprocess.run(
            [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
        )
        assert res.returncode == 2, (args, res.stderr)
        assert "horizon_days" in res.stderr and "Traceback" not in res.stderr
