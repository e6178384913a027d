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
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.atomic import write_text_atomic
from sim.commands import ApplyResponse, Choose, Command, LoggedCommand, SetAgents
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


def _bad(path: str | Path, key: str, message: str, line: int | None = None) -> ScenarioError:
    return ScenarioError([Problem(str(path), line, key, message)])


MAX_JSON_NESTING = 64  # a session file nests five levels; the results a few more
MAX_TRAINEE_CHARS = 80


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False, strict=True)


MAX_PATH_CHARS = 1024


class _ScenarioRef(_Strict):
    file: str = Field(min_length=1, max_length=MAX_PATH_CHARS)
    sha256: str = ""
    title: str = ""


class _Choose(_Strict):
    command: Literal["choose"]
    time: float = Field(ge=0)
    decision: str = Field(min_length=1)
    option: str = Field(min_length=1)


class _ApplyResponse(_Strict):
    command: Literal["apply_response"]
    time: float = Field(ge=0)
    response: str = Field(min_length=1)
    failure: str | None = None


class _SetAgents(_Strict):
    command: Literal["set_agents"]
    time: float = Field(ge=0)
    touchpoint: str = Field(min_length=1)
    extra_agents: int = Field(ge=-10_000, le=10_000)


class _SessionFile(_Strict):
    """What ``read_session`` accepts: the ``cxsim.session/1`` document (docs/game.md)."""

    format: Literal["cxsim.session/1"]
    trainee: str = Field("", max_length=MAX_TRAINEE_CHARS)
    started_at: str = ""
    scenario: _ScenarioRef
    policy: str = Field(min_length=1)
    seed: int = Field(ge=0, le=2**63 - 1)
    horizon_days: float | None = Field(None, gt=0, le=3660)
    sim_minutes: float = Field(0.0, ge=0, le=3660 * 1440)
    finished: bool = False
    commands: list[Annotated[_Choose | _ApplyResponse | _SetAgents, Field(discriminator="command")]] = Field(default_factory=list)
    results: dict[str, Any] | None = None


def _depth(value: Any, limit: int) -> bool:
    """True if ``value`` nests deeper than ``limit`` (checked iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _key(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part not in ("choose", "apply_response", "set_agents"):  # the union's tag, not a key
            parts.append(("." if parts else "") + part)
    return "".join(parts)


def read_session(path: str | Path) -> SessionRecord:
    """Read a session file; any problem is a one-line ``ScenarioError`` naming the file and key."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise _bad(path, "", f"cannot read the session file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(path, "", "not a text file (it is not valid UTF-8): not a cxsim session file") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(path, "", f"not valid JSON ({exc.msg})", exc.lineno) from exc
    except RecursionError as exc:  # the parser gives up past the interpreter's recursion limit
        raise _bad(path, "", f"JSON nested deeper than {MAX_JSON_NESTING} levels: not a cxsim session file") from exc
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        found = repr(data.get("format")) if isinstance(data, dict) else type(data).__name__
        found = found if len(found) <= 40 else found[:37] + "..."
        raise _bad(path, "format", f"expected '{SESSION_FORMAT}', found {found}: not a cxsim session file")
    if _depth(data, MAX_JSON_NESTING):
        raise _bad(path, "", f"JSON nested deeper than {MAX_JSON_NESTING} levels: not a cxsim session file")
    try:
        doc = _SessionFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        shown = first["input"] if not isinstance(first["input"], dict | list) else type(first["input"]).__name__
        shown_text = repr(shown) if len(repr(shown)) <= 40 else repr(shown)[:37] + "..."
        message = first["msg"][0].lower() + first["msg"][1:]
        raise _bad(path, _key(tuple(first["loc"])), f"{message} (found {shown_text})") from exc
    commands = [LoggedCommand(c.time, _command(c)) for c in doc.commands]
    return SessionRecord(
        scenario_file=doc.scenario.file,
        scenario_sha256=doc.scenario.sha256,
        scenario_title=doc.scenario.title,
        policy=doc.policy,
        seed=doc.seed,
        trainee=doc.trainee,
        commands=commands,
        sim_minutes=doc.sim_minutes,
        finished=doc.finished,
        started_at=doc.started_at,
        horizon_days=doc.horizon_days,
        results=doc.results,
    )


def _command(c: _Choose | _ApplyResponse | _SetAgents) -> Command:
    if isinstance(c, _Choose):
        return Choose(decision=c.decision, option=c.option)
    if isinstance(c, _ApplyResponse):
        return ApplyResponse(response=c.response, failure=c.failure)
    return SetAgents(touchpoint=c.touchpoint, extra_agents=c.extra_agents)


def resolve_scenario_path(session_path: str | Path, scenario_file: str) -> Path:
    """Find the session's scenario: as written, else relative to the session file's folder."""
    candidate = Path(scenario_file)
    if _is_file(candidate) or candidate.is_absolute():
        return candidate
    beside = Path(session_path).parent / candidate
    return beside if _is_file(beside) else candidate


def _is_file(path: Path) -> bool:
    """``path.is_file()``, False where the system refuses the name (too long for a file name, say)."""
    try:
        return path.is_file()
    except OSError:
        return False
