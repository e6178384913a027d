"""One training session: the engine run the trainee plays, its autosave and its saved results.

This module holds the game's state that must survive a crash and match a headless run, so it
imports no pygame: the screens call it, and the tests check it against ``sim.session.replay``. The
trainee's choices reach the engine only as ``Choose`` commands, the same path policies use.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.atomic import write_text_atomic
from sim.commands import Choose, LoggedCommand
from sim.engine.simulation import Observer, Simulation
from sim.errors import Problem, ScenarioError, SimError
from sim.results.results import build_results
from sim.scenario.loader import LoadedScenario, read_scenario
from sim.scenario.schema import Decision, Scenario
from sim.scenario.teaching import default_option
from sim.session.file import SessionRecord, read_session, resolve_scenario_path
from sim.session.replay import replay

if TYPE_CHECKING:
    from sim.lms.reporter import Reporter

RESULTS_CSV = "results.csv"
CSV_COLUMNS = (
    "finished_at",
    "trainee",
    "scenario",
    "seed",
    "decisions",
    "csat_mean",
    "nps",
    "affected_nps",
    "repeat_purchase_rate",
    "profit",
    "currency",
    "session_file",
)


AUTOSAVE_SUFFIX = ".autosave.json"
RESULTS_SUFFIX = ".results.json"


@dataclass(frozen=True)
class SessionPaths:
    """Where a session's files go: the autosave while playing, results when it ends.

    Both are ``FOLDER/STEM.autosave.json`` and ``FOLDER/STEM.results.json``, with a stem no
    other session in the folder uses (see ``free_stem``), except that a session resumed from an
    autosave elsewhere keeps writing that file (``autosave_file``).
    """

    folder: Path
    stem: str
    autosave_file: Path | None = None

    @property
    def autosave(self) -> Path:
        return self.autosave_file or self.folder / f"{self.stem}{AUTOSAVE_SUFFIX}"

    @property
    def results(self) -> Path:
        return self.folder / f"{self.stem}{RESULTS_SUFFIX}"

    @property
    def csv(self) -> Path:
        return self.folder / RESULTS_CSV


def slug(text: str) -> str:
    """A file-name-safe version of a name."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "trainee"


def base_stem(scenario_file: str | Path, trainee: str) -> str:
    """``SCENARIO-TRAINEE``: the name of a trainee's first session of a scenario (``hike-launch-ada``)."""
    return f"{Path(scenario_file).stem}-{slug(trainee)}"


def free_stem(folder: Path, base: str) -> str:
    """``base`` if no session in ``folder`` uses it, else ``base-2``, ``base-3``...: the first free one.

    A stem is taken while its autosave or its results file exists, so a new session never
    overwrites an unfinished one or the results of a finished one.
    """
    n = 1
    while True:
        stem = base if n == 1 else f"{base}-{n}"
        if not (folder / f"{stem}{AUTOSAVE_SUFFIX}").exists() and not (folder / f"{stem}{RESULTS_SUFFIX}").exists():
            return stem
        n += 1


def stem_of(autosave: Path) -> str:
    """The stem of an autosave file's name (``hike-launch-ada-2.autosave.json`` -> ``hike-launch-ada-2``)."""
    name = autosave.name
    if name.endswith(AUTOSAVE_SUFFIX):
        return name[: -len(AUTOSAVE_SUFFIX)]
    return autosave.stem


def unfinished_sessions(folder: Path, trainee: str, scenario: Path | None = None) -> list[tuple[Path, SessionRecord]]:
    """The autosaves in ``folder`` by this trainee (and of this scenario file, if given), newest first.

    A trainee is matched by the name written on the files (``slug``), so "Ada" and "ada" are one
    trainee; files that cannot be read are left out.
    """
    found: list[tuple[float, Path, SessionRecord]] = []
    try:
        saves = list(folder.glob(f"*{AUTOSAVE_SUFFIX}"))
    except OSError:
        return []
    for path in saves:
        try:
            record = read_session(path)
            mtime = path.stat().st_mtime
        except (SimError, OSError):
            continue
        if slug(record.trainee) != slug(trainee):
            continue
        if scenario is not None and not _same_file(resolve_scenario_path(path, record.scenario_file), scenario):
            continue
        found.append((mtime, path, record))
    found.sort(key=lambda item: item[0], reverse=True)
    return [(path, record) for _, path, record in found]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def option_cost(scenario: Scenario, decision: Decision, option: str) -> float:
    """The fixed cost of an option's responses (per-customer costs come on top as they reach people)."""
    return sum(scenario.responses[r].cost_fixed for r in decision.options[option].responses)


def option_unit_cost(scenario: Scenario, decision: Decision, option: str) -> float:
    """The per-customer cost of an option's responses, currency per customer reached."""
    return sum(scenario.responses[r].cost_per_customer for r in decision.options[option].responses)


def load_saved(path: Path) -> tuple[LoadedScenario, SessionRecord]:
    """A saved session and its scenario, ready to resume; a ``SimError`` if either is unusable.

    A scenario changed since the session was saved is refused: the run could not be rebuilt exactly.
    """
    record = read_session(path)
    scenario_path = resolve_scenario_path(path, record.scenario_file)
    loaded = read_scenario(scenario_path)
    if record.scenario_sha256 and loaded.sha256 != record.scenario_sha256:
        message = f"{scenario_path} changed since this session was saved; it cannot be replayed exactly"
        raise ScenarioError([Problem(str(path), None, "scenario.sha256", message)])
    return loaded, record


class Session:
    """The interactive run behind the play screen: ``Session.start`` a new one, ``Session.resume`` a saved one."""

    @classmethod
    def start(
        cls,
        loaded: LoadedScenario,
        *,
        folder: Path,
        trainee: str = "",
        policy: str | None = None,
        seed: int | None = None,
        horizon_days: float | None = None,
        observers: Iterable[Observer] = (),
    ) -> Session:
        """A new session from the first minute (``None``: the scenario's policy, seed and horizon)."""
        return cls(
            loaded, folder=folder, trainee=trainee, policy=policy, seed=seed, horizon_days=horizon_days, observers=observers
        )

    @classmethod
    def resume(
        cls, loaded: LoadedScenario, record: SessionRecord, *, folder: Path, observers: Iterable[Observer] = (),
        autosave: Path | None = None,
    ) -> Session:  # fmt: skip
        """A saved session continued: its trainee, policy, seed and horizon, its commands replayed to its saved minute.

        ``autosave``: the file it was resumed from, which it keeps writing (and removes when it
        finishes); without one it gets a new name of its own, like a new session.
        """
        session = cls(
            loaded, folder=folder, trainee=record.trainee, policy=record.policy, seed=record.seed,
            horizon_days=record.horizon_days, observers=observers, commands=record.commands, resume_to=record.sim_minutes,
            autosave=autosave,
        )  # fmt: skip
        if record.started_at:  # the same attempt goes on: it keeps the time it began (the LMS counts attempts by it)
            session.record.started_at = record.started_at
        return session

    def __init__(
        self,
        loaded: LoadedScenario,
        *,
        folder: Path,
        trainee: str = "",
        policy: str | None = None,
        seed: int | None = None,
        observers: Iterable[Observer] = (),
        commands: Iterable[LoggedCommand] = (),
        resume_to: float = 0.0,
        horizon_days: float | None = None,
        autosave: Path | None = None,
    ) -> None:
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.trainee = trainee
        self.answers: dict[str, str] | None = None  # autoplay as a trainee: these answers, on the base policy
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.record = SessionRecord(
            scenario_file=loaded.path,
            scenario_sha256=loaded.sha256,
            scenario_title=self.scenario.title,
            policy=policy or self.scenario.default_policy_name,
            seed=self.scenario.seed if seed is None else seed,
            trainee=trainee,
            started_at=started,
            horizon_days=horizon_days,
        )
        if autosave is not None:  # continuing a saved session: its own file, and results under its name
            self.paths = SessionPaths(folder, stem_of(autosave), autosave_file=autosave)
        else:  # a new session: the first name no session in the folder uses (nothing is overwritten)
            self.paths = SessionPaths(folder, free_stem(folder, base_stem(loaded.path, trainee)))
        self.horizon_days = horizon_days
        commands = list(commands)
        if commands or resume_to > 0:
            self.sim = replay(
                self.scenario,
                commands,
                policy=self.record.policy,
                seed=self.record.seed,
                observers=observers,
                horizon_days=horizon_days,
                until=resume_to,
            )
        else:
            self.sim = Simulation(
                self.scenario,
                policy=self.record.policy,
                seed=self.record.seed,
                observers=observers,
                interactive=True,
                horizon_days=horizon_days,
            )
        self.results: dict[str, Any] | None = None
        # tells an LMS as the session goes: game/launch.py sets it when an LRS is configured
        self.reporter: Reporter | None = None

    # --- playing ---------------------------------------------------------------------------------

    def advance_to(self, t: float) -> None:
        """Advance the engine (it stops early when a pausing decision comes up).

        Autoplaying a path (``answers``), every decision is answered the instant it comes up, pausing
        or not, as the headless run of that path answers it: the saved results are that path's.
        """
        if self.answers is None:
            self.sim.advance_to(t)
            return
        self.sim.halt_at_decisions = True
        while True:
            self.sim.advance_to(t)
            waiting = [name for name, p in self.sim.pending_decisions.items() if not p.spec.pause]
            if not waiting:
                return
            for name in waiting:
                self.choose(name, self.policy_choice(name))

    @property
    def finished(self) -> bool:
        return self.sim.finished and not self.sim.pending_decisions

    def choose(self, decision: str, option: str) -> None:
        """Send the trainee's answer to the engine, then autosave so no decision is ever lost."""
        self.sim.apply(Choose(decision=decision, option=option))
        self.autosave()
        if self.reporter is not None:  # into the outbox (milliseconds); a background thread sends it
            style = self.scenario.decisions[decision].options[option].style
            self.reporter.decided(decision, option, style, self.sim.now)

    def policy_choice(self, decision: str) -> str:
        """The option autoplay answers at ``decision``: the trainee's path (``--answers``), else the session's policy's."""
        if self.answers is not None and decision in self.answers:
            return self.answers[decision]
        policy = self.scenario.policies[self.sim.policy_name]
        return policy.decisions.get(decision) or default_option(self.scenario.decisions[decision])

    def choices(self) -> dict[str, str]:
        """The trainee's answers so far, by decision."""
        return {c.command.decision: c.command.option for c in self.sim.command_log if isinstance(c.command, Choose)}

    def _sync_record(self) -> SessionRecord:
        rec = self.record
        rec.commands = list(self.sim.command_log)
        rec.sim_minutes = self.sim.now
        rec.finished = self.finished
        return rec

    def autosave(self) -> Path:
        """Write the replayable session (atomically) so a crash or a closed window loses nothing."""
        self.paths.folder.mkdir(parents=True, exist_ok=True)
        self._sync_record().save(self.paths.autosave)
        return self.paths.autosave

    def finish(self) -> Path:
        """Save the results JSON and a line in the trainer's CSV (naming that file); drop the autosave.

        If a results file of that name appeared meanwhile (another game on the same folder), the
        results take the next free name: a finished session is never overwritten.
        """
        self.paths.folder.mkdir(parents=True, exist_ok=True)
        if self.paths.results.exists():
            stem = free_stem(self.paths.folder, base_stem(self.loaded.path, self.trainee))
            self.paths = SessionPaths(self.paths.folder, stem, autosave_file=self.paths.autosave)
        rec = self._sync_record()
        self.results = build_results(self.sim, scenario_file=self.loaded.path, scenario_sha256=self.loaded.sha256)
        rec.results = self.results
        rec.save(self.paths.results)
        append_csv_row(self.paths.csv, csv_row(rec, self.paths.results))
        self.paths.autosave.unlink(missing_ok=True)
        if self.reporter is not None:  # ``completed`` with the results' KPIs, then ``terminated``: the attempt is over
            self.reporter.finished(self.results)
        return self.paths.results


def headless_results(record: SessionRecord, scenario: Scenario, horizon_days: float | None = None) -> dict[str, Any]:
    """What ``cxsim replay`` computes for a session: the engine alone, no game."""
    sim = replay(scenario, record.commands, policy=record.policy, seed=record.seed, horizon_days=horizon_days)
    return build_results(sim, scenario_file=record.scenario_file, scenario_sha256=record.scenario_sha256)


def csv_row(rec: SessionRecord, results_path: Path) -> dict[str, Any]:
    """The trainer's one-line summary of a finished session."""
    r = rec.results or {}
    exp = r.get("experience", {})
    choices = ";".join(f"{c.command.decision}={c.command.option}" for c in rec.commands if isinstance(c.command, Choose))
    return {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trainee": rec.trainee,
        "scenario": rec.scenario_title,
        "seed": rec.seed,
        "decisions": choices,
        "csat_mean": _round(exp.get("csat_mean")),
        "nps": _round(exp.get("nps")),
        "affected_nps": _round(exp.get("affected", {}).get("nps")),
        "repeat_purchase_rate": _round(exp.get("repeat_purchase_rate")),
        "profit": _round(r.get("money", {}).get("profit")),
        "currency": r.get("currency", ""),
        "session_file": results_path.name,
    }


def _round(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def append_csv_row(path: Path, row: dict[str, Any]) -> None:
    """Add a line to the trainer's CSV, rewriting it atomically (a crash keeps the old file)."""
    from sim.textsafe import csv_text_fields

    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    if not existing:
        writer.writeheader()
    writer.writerow(csv_text_fields(row, ("trainee", "scenario", "decisions", "currency", "session_file")))
    write_text_atomic(path, existing + buf.getvalue())
