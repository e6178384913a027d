"""Opening a scenario's briefing and starting or resuming a session: the steps several screens share.

The title starts on a file or continues a saved session, the picker opens a briefing, the
briefing starts play, ``cxsim play --resume`` continues a file, and a team that joined a
classroom session (``cxsim play --join``, or the title's join screen) plays the host's scenario
or goes on with its own autosave: they all come here, and here asks the host for the next
screen by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.experiments.workload import customers_per_run, describe, repeated
from sim.lms.reporter import Reporter
from sim.scenario.loader import LoadedScenario, read_scenario
from sim.session.file import SessionRecord
from sim.session.paths import parse_answers

from .live_view import LiveView
from .session import Session, load_saved, unfinished_sessions

if TYPE_CHECKING:
    from sim.classroom.client import TeamLink
    from sim.scenario.schema import Scenario

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
        too_large = oversize(path, loaded, host.options.days)
        if too_large:
            return too_large
    host.push("briefing", loaded=loaded)
    return None


def oversize(path: Path, loaded: LoadedScenario, days: float | None) -> str | None:
    """The line to show when one session of ``loaded`` would simulate too many customers to play here."""
    work = repeated(customers_per_run(loaded.scenario, days), 1, "")
    if work.large:
        return f"{path}: one session would simulate {describe(work)}, too many to play here (cxsim play {path} --allow-large)"
    return None


def join_class(host: Host, link: TeamLink) -> str | None:
    """Play the classroom session the title's join screen joined: the host's scenario, seed, policy and days.

    The options become what ``cxsim play --join`` makes them, so the rest of the game cannot tell
    the two apart; then the team goes on with its autosave of this session if it has one
    (``continue_class``), else opens the briefing. Returns an error line (the link is closed) if the
    scenario cannot be played here.
    """
    opts = host.options
    reply = link.reply
    try:
        loaded = read_scenario(link.scenario_path)
    except SimError as exc:
        link.close(timeout=0)
        return first_problem(exc)
    too_large = oversize(link.scenario_path, loaded, reply.horizon_days)
    if too_large:
        link.close(timeout=0)
        return too_large
    opts.classroom, opts.scenario = link, link.scenario_path
    opts.seed, opts.policy, opts.days = reply.seed, reply.policy, reply.horizon_days
    opts.trainee = opts.trainee or reply.team
    if continue_class(host):
        return None
    host.push("briefing", loaded=loaded)
    return None


def continue_class(host: Host) -> bool:
    """A joined team with an unfinished session of this class in its save folder goes on with it; True if it did.

    A joined run is one run for the host: starting it again from the first minute would send the
    host the same decisions again. The autosave carries the run; the team's outbox knows which of
    its decisions the host was already sent (``TeamLink.observe``), so only new ones go.
    """
    opts = host.options
    if opts.classroom is None or opts.scenario is None:
        return False
    found = unfinished_sessions(opts.save_dir, opts.trainee, opts.scenario)
    return bool(found) and resume_saved(host, found[0][0]) is None


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
    joined = opts.classroom.reply if opts.classroom is not None else None  # a classroom team: its name, its class
    reporter = Reporter.for_record(
        opts.lrs, session.record, scenario=session.scenario, team=joined.team if joined else "",
        class_registration=joined.registration if joined else "", team_account=joined.team_account if joined else "",
        scenario_key=joined.scenario_name if joined else "",
    )  # fmt: skip
    if joined is not None:  # the LMS gets the score the host's leaderboard shows: the session's scorecard
        reporter.score = scorecard_score(session.scenario)
    if new:
        reporter.launched()
    else:
        reporter.resumed(session.sim.now)
    return reporter


def scorecard_score(scenario: Scenario) -> Callable[[Mapping[str, Any]], float | None]:
    """A finished run's score on the scenario's scorecard, from its results, as the host ranks a team (``sim.classroom.board``)."""
    from sim.classroom.client import results_values
    from sim.scenario.scorecard import scorecard_of

    card = scorecard_of(scenario.scorecard)

    def score(results: Mapping[str, Any]) -> float | None:
        minutes = results.get("sim_minutes", 0.0)
        return card.score(results_values(dict(results), card.kpis), float(minutes) if isinstance(minutes, int | float) else 0.0)

    return score


def resume_saved(host: Host, path: Path) -> str | None:
    """Continue an autosaved session; returns an error line if it cannot be resumed."""
    try:
        loaded, record = load_saved(path)
    except SimError as exc:
        return first_problem(exc)
    open_session(host, loaded, record, autosave=path)
    return None
