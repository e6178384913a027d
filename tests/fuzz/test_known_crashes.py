"""Crashes the fuzzer found in the CLI, each the smallest failing example, kept as regression tests."""

from __future__ import annotations

import json
from pathlib import Path

from fuzz.property import check
from fuzz.targets import SESSION_SCENARIO, scenario_bytes, session_document


def session_file(folder: Path, **changes: object) -> str:
    (folder / SESSION_SCENARIO).write_bytes(scenario_bytes(SESSION_SCENARIO))
    doc = session_document()
    doc.update(changes)
    path = folder / "case.results.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_a_trainee_name_with_markup_replays(tmp_path: Path):
    check("replay", session_file(tmp_path, trainee="[/b]"), names=(SESSION_SCENARIO,), known=False)


def test_an_unknown_policy_with_markup_is_one_line(tmp_path: Path):
    check("replay", session_file(tmp_path, policy="[/b]"), names=(SESSION_SCENARIO,), known=False)


def test_a_refused_command_names_the_session_file(tmp_path: Path):
    doc = session_document()
    doc["commands"][0]["decision"] = "no_such_decision"
    check("replay", session_file(tmp_path, commands=doc["commands"]), names=(SESSION_SCENARIO,), known=False)
