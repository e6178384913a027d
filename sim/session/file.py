"""Session files: what a training session decided, enough to replay it exactly.

The game writes one while the trainee plays (the autosave) and once more at the end with the
KPIs (the results). Both are the same format, ``cxsim.session/1``: the scenario (file and
hash), policy, seed, the trainee's name, every command with its sim minute, how far the run
got and, once finished, the results of ``build_results``. ``cxsim replay FILE`` re-runs the
commands headless and checks the KPIs match, which is how a trainer can trust a saved result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.atomic import write_text_atomic
from sim.commands import LoggedCommand
from sim.errors import Problem, ScenarioError

SESSION_FORMAT = "cxsim.session/1"


@dataclass
class SessionRecord:
    """The replayable part of a training session, plus its results once finished."""

    scenario_file: str
    scenario_sha256: str
    scenario_title: str
    policy: str
    seed: int
    trainee: str = ""
    commands: list[LoggedCommand] = field(default_factory=list)
    sim_minutes: float = 0.0
    finished: bool = False
    started_at: str = ""
    horizon_days: float | None = None  # None: the scenario's own horizon
    results: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the documented order."""
        return {
            "format": SESSION_FORMAT,
            "trainee": self.trainee,
            "started_at": self.started_at,
            "scenario": {"title": self.scenario_title, "file": self.scenario_file, "sha256": self.scenario_sha256},
            "policy": self.policy,
            "seed": self.seed,
            "horizon_days": self.horizon_days,
            "sim_minutes": self.sim_minutes,
            "finished": self.finished,
            "commands": [c.to_dict() for c in self.commands],
            "results": self.results,
        }

    def save(self, path: str | Path) -> None:
        """Write atomically: a crash mid-write keeps the previous file whole."""
        write_text_atomic(path, json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n")


def _bad(path: str | Path, key: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(str(path), None, key, message)])


def read_session(path: str | Path) -> SessionRecord:
    """Read a session file; any problem is a one-line ``ScenarioError`` naming the file and key."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise _bad(path, "", f"cannot read the session file ({exc.strerror or exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem(str(path), exc.lineno, "", f"not valid JSON ({exc.msg})")]) from exc
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise _bad(path, "format", f"expected '{SESSION_FORMAT}', found {found!r}: not a cxsim session file")
    scenario = data.get("scenario")
    if not isinstance(scenario, dict) or not isinstance(scenario.get("file"), str):
        raise _bad(path, "scenario.file", "missing: the session does not say which scenario it played")
    commands: list[LoggedCommand] = []
    for i, raw in enumerate(data.get("commands") or []):
        try:
            commands.append(LoggedCommand.from_dict(raw))
        except (ValueError, AttributeError, TypeError) as exc:
            raise _bad(path, f"commands[{i}]", f"not a command ({exc})") from exc
    try:
        seed = int(data["seed"])
        policy = str(data["policy"])
        minutes = float(data.get("sim_minutes", 0.0))
        horizon = None if data.get("horizon_days") is None else float(data["horizon_days"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(path, str(exc).strip("'") if isinstance(exc, KeyError) else "seed", "missing or not a number") from exc
    results = data.get("results")
    return SessionRecord(
        scenario_file=scenario["file"],
        scenario_sha256=str(scenario.get("sha256") or ""),
        scenario_title=str(scenario.get("title") or ""),
        policy=policy,
        seed=seed,
        trainee=str(data.get("trainee") or ""),
        commands=commands,
        sim_minutes=minutes,
        finished=bool(data.get("finished")),
        started_at=str(data.get("started_at") or ""),
        horizon_days=horizon,
        results=results if isinstance(results, dict) else None,
    )


def resolve_scenario_path(session_path: str | Path, scenario_file: str) -> Path:
    """Find the session's scenario: as written, else relative to the session file's folder."""
    candidate = Path(scenario_file)
    if candidate.is_file() or candidate.is_absolute():
        return candidate
    beside = Path(session_path).parent / candidate
    return beside if beside.is_file() else candidate
