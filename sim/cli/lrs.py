"""``cxsim lrs``: report training sessions to an LMS's Learning Record Store (xAPI 1.0.3).

``send FILE`` reports a session file the game saved; ``flush`` sends what waits in the outbox;
``status`` says where statements go and what waits. Exit 0 when everything reached the LRS, 2
for a bad config, an unreachable LRS or a statement it rejects: one line says which, and the
statements stay in the outbox for the next ``flush``. docs/lms.md is the guide.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.console import err, fail, out

if TYPE_CHECKING:
    from sim.lms.config import LrsConfig
    from sim.lms.lrs import FlushReport
    from sim.scenario.schema import Scenario
    from sim.session.file import SessionRecord

app = typer.Typer(
    name="lrs",
    help="Report training sessions to an LMS's LRS as xAPI 1.0.3 statements (docs/lms.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--lrs-config",
        metavar="FILE",
        help="LRS config (TOML); default $CXSIM_LRS_CONFIG, else ~/.config/cxsim/lrs.toml. CXSIM_LRS_* variables win over it.",
    ),
]


def _say(message: str) -> None:
    out.print(message, highlight=False, soft_wrap=True, markup=False)


def _finish(report: FlushReport, config: LrsConfig) -> None:
    """Print how the flush went; exit 2 (with the reason, and where the rest waits) unless everything was sent."""
    sent = report.stored + report.conflicts
    if sent:
        ids = "1 id was" if report.conflicts == 1 else f"{report.conflicts} ids were"
        held = f" ({ids} already held by other statements; the LRS keeps its own)" if report.conflicts else ""
        _say(f"sent {sent} statement{'s' if sent != 1 else ''} to {config.endpoint}{held}")
    waiting = f"{report.remaining} statement{'s' if report.remaining != 1 else ''} wait in {config.outbox}"
    if report.stopped is not None:
        then = "fix the LRS config, then run 'cxsim lrs flush'" if report.stopped.config_problem else (
            "run 'cxsim lrs flush' when the LRS can be reached"
        )
        raise fail(f"{report.stopped.reason}; {waiting}: {then}")
    if report.rejected:
        sid, reason = report.rejected[0]
        raise fail(f"the LRS rejected {len(report.rejected)} statement(s), first {sid} ({reason}); {waiting}")


def _scenario_of(file: Path, record: SessionRecord) -> Scenario | None:
    """The session's scenario, for the options' styles and labels; None (with a warning) if it cannot be used."""
    from sim.errors import SimError
    from sim.scenario.loader import read_scenario
    from sim.session.file import resolve_scenario_path

    path = resolve_scenario_path(file, record.scenario_file)
    try:
        loaded = read_scenario(path)
    except SimError:
        loaded = None
    if loaded is None or (record.scenario_sha256 and loaded.sha256 != record.scenario_sha256):
        why = "cannot be read" if loaded is None else "has changed since the session was played"
        err.print(f"warning: {path} {why}: the options' styles are reported as 'unknown'", highlight=False, markup=False)
        return None
    return loaded.scenario


@app.command()
def send(
    files: Annotated[
        list[Path],
        typer.Argument(help="Session files saved by the game (*.results.json, or *.autosave.json).", show_default=False),
    ],
    lrs_config: ConfigOpt = None,
    score: Annotated[
        float | None,
        typer.Option("--score", min=0.0, max=1.0, help="result.score.scaled (0-1); default: the share of answers that were proactive."),
    ] = None,
    team: Annotated[str, typer.Option("--team", help="The classroom team the session was played for (default: none).")] = "",
) -> None:
    """Report saved sessions: launched, initialized, each answer, then completed and terminated if it finished.

    Every file is read before anything is queued (a bad one: exit 2, nothing sent). The statements
    go into the outbox first and leave it once the LRS has them, so an unreachable LRS loses
    nothing: `cxsim lrs flush` sends them later. Sending a file twice stores nothing twice (each
    statement's id is derived from the session and the event).
    """
    from sim.lms.config import load_config
    from sim.lms.lrs import flush
    from sim.lms.outbox import Outbox
    from sim.lms.session_file import file_time, record_statements
    from sim.session.file import read_session

    config = load_config(lrs_config)
    statements = []
    for file in files:
        record = read_session(file)
        scenario = _scenario_of(file, record)
        statements += record_statements(config, record, scenario=scenario, saved_at=file_time(file), score_scaled=score, team=team)
    outbox = Outbox(config.outbox)
    outbox.add(statements)
    _finish(flush(outbox, config), config)


@app.command("flush")
def flush_outbox(lrs_config: ConfigOpt = None) -> None:
    """Send the statements waiting in the outbox (from the game or an earlier `send`), oldest first."""
    from sim.lms.config import load_config
    from sim.lms.lrs import flush
    from sim.lms.outbox import Outbox

    config = load_config(lrs_config)
    outbox = Outbox(config.outbox)
    if not len(outbox):
        _say(f"nothing to send: the outbox {config.outbox} is empty")
        return
    _finish(flush(outbox, config), config)


@app.command()
def status(lrs_config: ConfigOpt = None) -> None:
    """Where statements go (endpoint, user, config file, outbox) and what waits, with the last error."""
    from sim.lms.config import load_config
    from sim.lms.outbox import Outbox

    config = load_config(lrs_config)
    pending = Outbox(config.outbox).pending()
    _say(f"endpoint: {config.endpoint}")
    _say(f"user: {config.username or '(none)'}")
    _say(f"config: {config.source or '(environment only)'}")
    _say(f"activities: {config.naming.activity_base}")
    _say(f"outbox: {config.outbox} ({len(pending)} waiting)")
    failed = [q for q in pending if q.last_error]
    if failed:
        _say(f"last error: {failed[-1].last_error}")
