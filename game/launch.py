"""Opening a scenario's briefing and starting or resuming a session: the steps several screens share.

The title starts on a file or continues a saved session, the picker opens a briefing, the
briefing starts play, and ``cxsim play --resume`` continues a file: they all come here, and
here asks the host for the next screen by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import SimError
from sim.experiments.workload import customers_per_run, describe, repeated
from sim.lms.reporter import Reporter
from sim.scenario.loader import LoadedScenario, read_scenario
from sim.session.file import SessionRecord
from sim.session.paths import parse_answers

from .live_view import LiveView
from .session import Session, load_saved

if TYPE_CHECKING:
    from .options import GameOptions
    from .scene import Host


def first_problem(exc: SimError) -> str:
    """The line a screen shows for an error: its first problem."""
    problems = getattr(exc, "problems", None) or [exc]
    return str(problems[0])


def brief(host: Host, path: Path) -> str | None:
    """Open the briefing of the scenario at ``path``; returns an error line if it cannot be read or is too large.

    A scenario picked in the game is checked for size here (the one ``cxsim play FILE`` opens was
    checked by the command, which may have been given ``--allow-large``).
    """
    try:
        loaded = read_scenario(path)
    except SimError as exc:
        return first_problem(exc)
    if host.options.scenario is None or Path(path) != Path(host.options.scenario):
        work = repeated(customers_per_run(loaded.scenario, host.options.days), 1, "")
        if work.large:
            return f"{path}: one session would simulate {describe(work)}, too many to play here (cxsim play {path} --allow-large)"
    host.push("briefing", loaded=loaded)
    return None


def open_session(host: Host, loaded: LoadedScenario, record: SessionRecord | None = None, autosave: Path | None = None) -> None:
    """Open the play screen on a new session, or on a saved one (``record``, from ``autosave``) replayed to where it stopped.

    A new session takes a file name no other session in the save folder uses; a saved one keeps
    writing its own autosave.
    """
    view = LiveView(loaded.scenario)
    opts = host.options
    if record is None:
        session = Session.start(
            loaded, folder=opts.save_dir, trainee=opts.trainee, policy=opts.policy, seed=opts.seed, horizon_days=opts.days,
            observers=[view],
        )  # fmt: skip
    else:
        session = Session.resume(loaded, record, folder=opts.save_dir, observers=[view], autosave=autosave)
    if opts.answers:  # checked by `cxsim play` before the window opens
        session.answers = parse_answers(opts.answers, loaded.scenario)
    session.autosave()
    session.reporter = start_reporting(opts, session, new=record is None)
    host.session = session
    host.replace("play", session=session, view=view)


def start_reporting(opts: GameOptions, session: Session, *, new: bool) -> Reporter | None:
    """The session's LMS reporter when an LRS is configured: a new session says ``launched``, a resumed one ``resumed``.

    A resumed session is the same attempt (the same registration and ids); its reporter counts the
    answers already given (from the synced record: call after ``autosave``), so the next answer
    gets the next id and nothing already reported is reported again.
    """
    if opts.lrs is None:
        return None
    team = opts.classroom.reply.team if opts.classroom is not None else ""
    reporter = Reporter.for_record(opts.lrs, session.record, scenario=session.scenario, team=team)
    if new:
        reporter.launched()
    else:
        reporter.resumed(session.sim.now)
    return reporter


def resume_saved(host: Host, path: Path) -> str | None:
    """Continue an autosaved session; returns an error line if it cannot be resumed."""
    try:
        loaded, record = load_saved(path)
    except SimError as exc:
        return first_problem(exc)
    open_session(host, loaded, record, autosave=path)
    return None
