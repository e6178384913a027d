"""A team's side of a classroom session: join the host, then report decisions and KPI snapshots as the game plays.

``join`` asks the host for the session (the scenario text, seed, policy and horizon every team
plays) and returns a ``TeamLink``. The game calls ``TeamLink.observe`` once a frame: each new
decision in the run's command log is queued at once, a snapshot of the scorecard's KPIs about
every real second, and a last one when the run has finished. Queuing writes to the on-disk
outbox (``sim.classroom.outbox``) and returns; a background thread sends batches and reads the
session's state from each answer, so the game never waits on the network and keeps playing
while the host is away. ``holds_time`` is how the game learns that the facilitator has not
started yet or paused everyone; ``banner`` is the line it shows about it.

Only the standard library speaks HTTP here, so a game install needs no web framework.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from sim.classroom.outbox import Outbox
from sim.classroom.protocol import HOLDING, JoinReply, team_name
from sim.commands import Choose
from sim.engine.simulation import Simulation
from sim.errors import CommandError

SNAPSHOT_EVERY_S = 1.0
BATCH_SIZE = 50
MAX_REPLY_BYTES = 4 * 1024 * 1024
TIMEOUT_S = 5.0
OFFLINE_AFTER_S = 3.0  # unanswered for this long: the banner says the host is unreachable
BANNERS = {
    "lobby": "Waiting for the facilitator to start the session",
    "paused": "Paused by the facilitator",
    "debrief": "The facilitator has released the debrief",
    "ended": "The facilitator has ended the session",
}
JOIN_PATH = re.compile(r"^/join/([A-Z0-9]{4,12})/?$")


def slug(text: str) -> str:
    """A file-name-safe version of a name (what the host or a team calls itself is never used as a path)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "team"


class JoinError(CommandError):
    """Joining is refused or impossible; ``field`` says what about: the join ``url``, the ``team`` name, or the ``host``.

    The command line names its flag (``--join: ...``, ``--team: ...``); the game's join screen
    shows the same ``reason`` under its own label, so both apply one set of rules in one wording.
    """

    FLAGS: ClassVar[dict[str, str]] = {"url": "--join", "team": "--team", "host": "--join"}

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{self.FLAGS[field]}: {reason}")


def parse_join_url(url: str) -> tuple[str, str]:
    """(base URL, join code) of ``http://HOST:PORT/join/CODE``; a ``JoinError`` for anything else."""
    parts = urlsplit(url.strip())
    found = JOIN_PATH.match(parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or found is None or parts.query or parts.fragment:
        raise JoinError("url", f"'{url[:200]}' is not a join URL; use the one cxsim host printed (http://HOST:PORT/join/CODE)")
    return f"{parts.scheme}://{parts.netloc}", found.group(1)


def checked_team_name(team: str) -> str:
    """The team name as the host keeps it (``protocol.team_name``), or a ``JoinError`` saying what is wrong with it."""
    try:
        return team_name(team)
    except ValueError as exc:
        raise JoinError("team", str(exc)) from None


def request(url: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    """POST ``body`` as JSON, return the JSON answer; ``urllib.error.HTTPError`` for an error status."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(body, allow_nan=False).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=TIMEOUT_S) as reply:  # the scheme was checked: http or https
        data = reply.read(MAX_REPLY_BYTES + 1)
    if len(data) > MAX_REPLY_BYTES:
        raise ValueError("the host's answer is too large")
    answer = json.loads(data)
    if not isinstance(answer, dict):
        raise ValueError("the host's answer is not a JSON object")
    return answer


def detail(exc: urllib.error.HTTPError) -> str:
    """The host's one-line reason for an error status."""
    try:
        found = json.loads(exc.read(4096)).get("detail")
    except (ValueError, AttributeError, OSError):
        found = None
    return str(found)[:200] if found else f"HTTP {exc.code}"


def reason(exc: Exception) -> str:
    """Why a request failed, in a few words (``urlopen`` wraps the socket's error: 'Connection refused')."""
    inner = getattr(exc, "reason", None)
    if isinstance(inner, OSError) and inner.strerror:
        return inner.strerror
    return str(inner or exc)[:200]


def kpi_values(sim: Simulation, keys: list[str]) -> dict[str, float | None]:
    """The run's results at this moment, at each dotted key (None where there is no number yet)."""
    from sim.results.results import build_results

    return results_values(build_results(sim), keys)


def results_values(results: dict[str, Any], keys: list[str]) -> dict[str, float | None]:
    """A results document's numbers at each dotted key (``experience.affected.nps``); None where there is none."""
    out: dict[str, float | None] = {}
    for key in keys:
        value: Any = results
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        out[key] = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return out


class TeamLink:
    """The game's link to the host: queue what happens, learn the session's state, never block the game."""

    def __init__(self, base: str, reply: JoinReply, outbox: Outbox, scenario_path: Path) -> None:
        self.base = base
        self.reply = reply
        self.outbox = outbox
        self.scenario_path = scenario_path
        self.state = reply.state
        self.last_answer = time.monotonic()
        self.problem: str | None = None  # the last reason the host refused something, for the banner and the log
        self._sim: Simulation | None = None
        self._seen = 0  # entries of the run's command log looked at
        self._decisions = 0  # the run's decisions queued so far (by this game or one before it, in the outbox)
        self._counted = 0  # the run's decisions looked at by this game
        self._last_snapshot = -SNAPSHOT_EVERY_S
        self._done = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._send_loop, name="cxsim-classroom", daemon=True)
        self._thread.start()

    # --- what the game asks ----------------------------------------------------------------------

    @property
    def holds_time(self) -> bool:
        """Whether the game's clock must stand still: the session has not started, or the facilitator paused it."""
        return self.state in HOLDING

    @property
    def offline(self) -> bool:
        return time.monotonic() - self.last_answer > OFFLINE_AFTER_S and self.outbox.count() > 0

    @property
    def banner(self) -> str | None:
        """One line for the screen about the session, or None when there is nothing to say."""
        if self.offline:
            return f"Host unreachable: your run goes on; {self.outbox.count()} updates wait to be sent"
        return BANNERS.get(self.state)

    def observe(self, sim: Simulation, finished: bool, run: str = "") -> None:
        """Called every frame: queue new decisions now, a snapshot every second, a last one when the run finished.

        ``run`` names the run (the game passes its session's start time, which a resumed session
        keeps). The outbox keeps how many of that run's decisions it queued, in the transaction
        that queues each one; a game that goes on with the same run after it was closed replays
        those decisions from its autosave and queues only the ones after them, so the host sees
        each decision once and the sequence numbers go on. Another run (or none named) starts
        from its first decision.
        """
        if self._done:
            return
        if sim is not self._sim:  # a new run, or a run resumed in a new game: where its decisions start
            same = bool(run) and self.outbox.get("run") == run
            self._sim, self._seen = sim, 0
            self._decisions = int(self.outbox.get("run_decisions") or 0) if same else 0
            self._counted = 0
            self.outbox.set("run", run)
            self.outbox.set("run_decisions", str(self._decisions))
        log = sim.command_log
        for logged in log[self._seen :]:
            if isinstance(logged.command, Choose):
                self._counted += 1
                if self._counted <= self._decisions:  # queued by the game that played this run before
                    continue
                self._decisions = self._counted
                self.outbox.put({
                    "kind": "decision", "sim_minutes": logged.time, "decision": logged.command.decision,
                    "option": logged.command.option,
                }, meta={"run_decisions": str(self._decisions)})  # fmt: skip
                self._wake.set()
        self._seen = len(log)
        now = time.monotonic()
        if finished or now - self._last_snapshot >= SNAPSHOT_EVERY_S:
            self._last_snapshot = now
            kpis = kpi_values(sim, self.reply.kpis)
            self.outbox.put({"kind": "snapshot", "sim_minutes": sim.now, "finished": finished, "kpis": kpis})
            self._done = finished
            self._wake.set()

    def close(self, timeout: float = 15.0) -> int:
        """Send what is left (waiting at most ``timeout`` seconds) and stop; returns how many messages are still queued."""
        deadline = time.monotonic() + timeout
        while self.outbox.count() and time.monotonic() < deadline and self._thread.is_alive():
            self._wake.set()
            time.sleep(0.1)
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=TIMEOUT_S + 1)
        left = self.outbox.count()
        self.outbox.close()
        return left

    # --- the sender thread -----------------------------------------------------------------------

    def _send_loop(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            batch = self.outbox.pending(BATCH_SIZE)
            if not batch:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            if self._send(batch):
                backoff = 0.5
                continue
            self._wake.wait(backoff)
            self._wake.clear()
            backoff = min(5.0, backoff * 2)

    def _send(self, batch: list[dict[str, Any]]) -> bool:
        """One batch; True when the host answered (kept it, or refused it for good)."""
        try:
            answer = request(self.base + self.reply.batch_url, {"messages": batch}, token=self.reply.token)
        except urllib.error.HTTPError as exc:
            if exc.code in (413, 422):  # never acceptable: sending it again would be refused again
                self.problem = detail(exc)
                self.outbox.drop([m["seq"] for m in batch])
                self.last_answer = time.monotonic()
                return True
            self.problem = detail(exc)
            return False
        except (OSError, ValueError):  # unreachable, timed out, or an answer that is not ours: try again later
            return False
        acked = answer.get("acked")
        state = answer.get("state")
        if isinstance(acked, int):
            self.outbox.acknowledge(acked)
        if isinstance(state, str) and state in (*BANNERS, "running"):
            self.state = state
        self.last_answer = time.monotonic()
        self.problem = None
        return True


def join(url: str, team: str, folder: Path, scenario_file: Path | None = None) -> TeamLink:
    """Join the session at ``url`` as ``team``; the scenario is written to ``folder`` (or ``scenario_file`` is checked).

    The outbox (``folder/classroom-CODE-TEAM.outbox.sqlite``) keeps the team's token, so a game
    started again joins as the same team and sends what the last one could not.
    """
    base, code = parse_join_url(url)
    name = checked_team_name(team)
    outbox = Outbox(folder / f"classroom-{code.lower()}-{slug(name)}.outbox.sqlite")
    try:
        answer = request(f"{base}/join/{code}", {"team": name, "token": outbox.get("token")})
        reply = JoinReply.model_validate(answer)
    except urllib.error.HTTPError as exc:
        outbox.close()
        raise JoinError("host", f"the host refused: {detail(exc)}") from None
    except (OSError, ValueError) as exc:
        outbox.close()
        raise JoinError("host", f"cannot reach the host at {base} ({reason(exc)})") from None
    text = reply.scenario_toml.encode("utf-8")
    if hashlib.sha256(text).hexdigest() != reply.scenario_sha256:
        outbox.close()
        raise JoinError("host", "the scenario the host sent does not match its SHA-256; try again")
    stem = f"{slug(reply.scenario_name)}-{code.lower()}"
    if scenario_file is not None:
        if hashlib.sha256(scenario_file.read_bytes()).hexdigest() != reply.scenario_sha256:
            outbox.close()
            raise CommandError(f"{scenario_file}: is not the scenario this session plays; omit it to play the host's")
        path = scenario_file
    else:
        path = folder / f"{stem}.toml"
        if not path.is_file() or path.read_bytes() != text:
            from sim.atomic import write_text_atomic

            folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, reply.scenario_toml)
    outbox.set("token", reply.token)
    return TeamLink(base, reply, outbox, path)

