"""``cxsim host SCENARIO``: open (or go on with) a classroom session and serve it until Ctrl+C.

The host reads the scenario once, when the session starts, and keeps its text in the session's
database: that text is what every team is handed, so a file edited during the class changes
nothing for the teams, and a host started again on the same database goes on with the same
code, key, teams and text. It binds the port itself before serving, so a port in use is one
clear line and exit 2 (``CommandError``), and ``--port 0`` lets the system pick a free one; the
``join:`` and ``dashboard:`` lines are printed (and flushed) once the server accepts requests.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.classroom.store import SessionRow, Store
from sim.errors import CommandError
from sim.scenario.loader import LoadedScenario, parse_scenario, read_scenario
from sim.scenario.schema import Scenario
from sim.scenario.scorecard import Scorecard, scorecard_of

if TYPE_CHECKING:
    from sim.lms.class_reporter import ClassReporter
    from sim.lms.config import LrsConfig

DEFAULT_PORT = 8765
LRS_GRACE_S = 3.0  # when the host stops, how long its last LMS statements may take to leave


@dataclass(frozen=True)
class HostOptions:
    """How ``cxsim host`` was started."""

    scenario: Path
    port: int = DEFAULT_PORT
    lan: bool = False
    db: Path | None = None
    new: bool = False
    seed: int | None = None
    policy: str | None = None
    days: float | None = None
    names: str | None = None  # 'show' or 'hide' the teams' names in the debrief (None: keep the session's, 'show' when new)
    lrs: LrsConfig | None = None  # report the class session to an LMS over xAPI (docs/lms.md)
    join_rate: int = 30  # join attempts a minute from one address (bench/classroom.py joins 41 teams from 127.0.0.1)

    @property
    def database(self) -> Path:
        """The session's database: ``--db``, else ``classroom/SCENARIO.sqlite`` in the current folder."""
        return self.db or Path("classroom") / f"{self.scenario.stem}.sqlite"


@dataclass(frozen=True)
class Opened:
    """A session ready to serve: its row, the scenario it hands out and the scorecard it ranks on."""

    store: Store
    session: SessionRow
    scenario: Scenario
    scorecard: Scorecard
    resumed: bool
    notes: list[str]


def check_scorecard(scenario: Scenario, where: str) -> Scorecard:
    """The session's scorecard, each of its KPIs checked against the scenario's results keys (CommandError if unknown).

    A declared scorecard's keys are checked when the file loads (sim/scenario/checks.py, at file and line); this
    guards the default card, whose keys the file never names, and a session stored by another version.
    """
    from sim.results.results import result_keys

    card = scorecard_of(scenario.scorecard)
    known = set(result_keys(scenario))
    for i, measure in enumerate(card.measures):
        if measure.kpi not in known:
            raise CommandError(f"{where}: scorecard.measures.{i}.kpi: unknown results key '{measure.kpi}'")
    return card


def open_session(options: HostOptions) -> Opened:
    """The unfinished session in the database (unless ``--new``), else a new one of the scenario file."""
    loaded = read_scenario(options.scenario)  # a broken file: one line per problem, exit 2
    card = check_scorecard(loaded.scenario, str(options.scenario))
    store = Store(options.database)
    notes: list[str] = []
    current = store.current_session()
    if current is not None and options.new:
        store.set_state(current.id, "ended")
        notes.append(f"ended the unfinished session {current.code} in {options.database}")
        current = None
    if current is not None:
        if current.scenario_name != options.scenario.stem:
            raise CommandError(
                f"{options.database}: holds an unfinished session of '{current.scenario_name}', not of {options.scenario.name};"
                " give another --db, or --new to end it and start one"
            )
        stored = parse_scenario(current.scenario_toml.encode("utf-8"), current.scenario_file)
        if stored.sha256 != loaded.sha256:
            notes.append(f"{options.scenario} changed since session {current.code} started: it goes on with the first version")
        for flag, given, kept in (("--seed", options.seed, current.seed), ("--policy", options.policy, current.policy),
                                  ("--days", options.days, current.horizon_days)):  # fmt: skip
            if given is not None and given != kept:
                notes.append(f"{flag} {given} ignored: session {current.code} goes on with {kept}")
        if options.names is not None and options.names != current.names:
            current = store.set_names(current.id, options.names)
        return Opened(store, current, stored.scenario, check_scorecard(stored.scenario, current.scenario_file), True, notes)
    scenario = loaded.scenario
    policy = options.policy or scenario.default_policy_name
    if policy not in scenario.policies:
        raise CommandError(f"--policy: unknown policy '{policy}' (policies: {', '.join(scenario.policies)})")
    row = store.create_session(
        scenario_name=options.scenario.stem, scenario_file=str(options.scenario), scenario_toml=_text(loaded),
        sha256=loaded.sha256, seed=scenario.seed if options.seed is None else options.seed, policy=policy,
        horizon_days=scenario.horizon_days if options.days is None else options.days,
    )  # fmt: skip
    if options.names is not None:
        row = store.set_names(row.id, options.names)
    return Opened(store, row, scenario, card, False, notes)


def _text(loaded: LoadedScenario) -> str:
    """The scenario file's text as read (its SHA-256 is the session's)."""
    return Path(loaded.path).read_bytes().decode("utf-8")


def bind(address: str, port: int) -> socket.socket:
    """A listening socket on ``address:port`` (0: a free port); a port in use or refused is a ``CommandError``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restarted host gets its port back at once
    try:
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CommandError(f"--port {port}: port {port} on {address} is in use; choose another, or --port 0 for a free one") from None
        raise CommandError(f"--port {port}: cannot listen on {address}:{port} ({exc.strerror or exc})") from None
    sock.listen(2048)
    return sock


def lan_address() -> str:
    """This machine's address on the local network (the one a route out would use); 127.0.0.1 if it has none."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # a documentation address: no packet is sent by a UDP connect
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def class_reporter(opened: Opened, config: LrsConfig) -> ClassReporter:
    """The class session's LMS reporter: a new session says ``launched`` and ``initialized`` (a resumed one did)."""
    from sim.lms.class_reporter import ClassReporter
    from sim.lms.statements import ClassInfo, class_registration

    row = opened.session
    klass = ClassInfo(
        code=row.code, registration=class_registration(row.code, row.sha256, row.created_at),
        scenario_key=Path(row.scenario_file).stem or row.scenario_name, scenario_title=opened.scenario.title,
        scenario_sha256=row.sha256, policy=row.policy, seed=row.seed, horizon_days=row.horizon_days,
    )  # fmt: skip
    reporter = ClassReporter(config, klass)
    if not opened.resumed:
        reporter.launched()
    return reporter


def run_host(options: HostOptions, say: Callable[[str], None]) -> int:
    """Open the session, bind, serve until interrupted; ``say`` prints a line (flushed)."""
    if not 0 <= options.port <= 65535:
        raise CommandError(f"--port {options.port}: a port is 0 to 65535")
    opened = open_session(options)
    sock = bind("0.0.0.0" if options.lan else "127.0.0.1", options.port)
    port = sock.getsockname()[1]
    shown = lan_address() if options.lan else "127.0.0.1"
    base = f"http://{shown}:{port}"
    session = opened.session
    join_url = f"{base}/join/{session.code}"

    def ready() -> None:
        for note in opened.notes:
            say(f"note: {note}")
        teams = len(opened.store.teams(session.id))
        how = f"resumed with {teams} team{'s' if teams != 1 else ''}" if opened.resumed else "new"
        say(f"session {session.code} ({how}): {opened.scenario.title}, seed {session.seed}, policy {session.policy},"
            f" {session.horizon_days:g} days, state {opened.store.session(session.id).state}")  # fmt: skip
        if opened.store.session(session.id).names == "hide":
            say("names: hidden in the debrief and its exports (Team 1..N); the dashboard can show them")
        say(f"join: {join_url}")
        say(f"dashboard: {base}/dashboard#key={session.facilitator_key}")
        say(f"database: {options.database} (Ctrl+C stops the host; the same command goes on with the session)")

    import uvicorn

    from sim.classroom.server import create_app

    reporter = class_reporter(opened, options.lrs) if options.lrs is not None else None

    def ended(board: dict[str, Any]) -> None:
        if reporter is not None:
            reporter.ended(board)

    app = create_app(
        opened.store, session, opened.scenario, opened.scorecard, join_url=join_url, join_limit=(options.join_rate, 60.0),
        on_ready=ready, on_end=ended,
    )  # fmt: skip
    config = uvicorn.Config(app, log_level="warning", access_log=False, ws_max_size=16 * 1024, lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        opened.store.close()
        if reporter is not None:
            reporter.close(LRS_GRACE_S)
    say(f"host stopped; session {session.code} is kept in {options.database}")
    if reporter is not None:
        waiting = len(reporter.outbox)
        if waiting:
            say(f"LMS reporting: {waiting} statements wait in {reporter.outbox.path}; run 'cxsim lrs flush' when the LRS can be reached")
    return 0
