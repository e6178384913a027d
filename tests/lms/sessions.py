"""Session files for the LMS tests, as the game saves them (built with the engine, once per process)."""

from __future__ import annotations

import functools
import json
import uuid
from pathlib import Path
from typing import Any

from helpers import SCENARIOS

TUTORIAL = SCENARIOS / "tutorial.toml"


@functools.cache
def _finished_tutorial() -> str:
    """A finished tutorial session as the game saves it: the outage answered 'tell', the rush left to its default."""
    from sim.commands import Choose, LoggedCommand
    from sim.results.results import build_results, to_json
    from sim.scenario.loader import read_scenario
    from sim.session.file import SessionRecord
    from sim.session.replay import replay

    loaded = read_scenario(TUTORIAL)
    commands = [LoggedCommand(2160.0, Choose(decision="outage", option="tell"))]
    sim = replay(loaded.scenario, commands, policy="reactive", seed=5, horizon_days=3.0)
    results = json.loads(to_json(build_results(sim, scenario_file=str(TUTORIAL), scenario_sha256=loaded.sha256)))
    record = SessionRecord(
        scenario_file=str(TUTORIAL), scenario_sha256=loaded.sha256, scenario_title=loaded.scenario.title, policy="reactive",
        seed=5, trainee="Ada", commands=list(sim.command_log), sim_minutes=sim.now, finished=True,
        started_at="2026-12-01T09:00:00Z", horizon_days=3.0, results=results,
    )  # fmt: skip
    return json.dumps(record.to_dict())


def write_session(folder: Path, *, trainee: str | None = None, finished: bool = True) -> tuple[Path, dict[str, Any]]:
    """A session file of its own (a new trainee name, so new ids) in ``folder``: its path and its document."""
    doc = json.loads(_finished_tutorial())
    doc["trainee"] = trainee or f"Ada {uuid.uuid4().hex[:8]}"
    if not finished:
        doc["finished"], doc["results"] = False, None
    suffix = ".results.json" if finished else ".autosave.json"
    path = folder / f"tutorial-{doc['trainee'].replace(' ', '-').lower()}{suffix}"
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path, doc
