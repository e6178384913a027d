"""A classroom session on disk: SQLite (stdlib ``sqlite3``, write-ahead log), so a restarted host keeps it.

Why a database rather than memory: the host may be stopped (a laptop closed, a crash, Ctrl+C)
in the middle of a class. Everything a session is (its join code and facilitator key, the
scenario text it hands out, the teams and their tokens, every message they sent) is committed
before the host answers, so a host started again on the same file goes on where it stopped, and
the teams' games, which resend whatever was not acknowledged, lose nothing.

Messages are kept under ``(team, seq)``: a message sent again (its answer was lost) is ignored,
so resending is harmless. With ``synchronous = NORMAL`` in WAL mode, a commit survives the host
process dying; only a power cut can take the last commits back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sim.classroom.protocol import MAX_TEAMS, NAMES, Decision, Snapshot

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: a code read aloud or off a projector
CODE_LENGTH = 6

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, facilitator_key TEXT NOT NULL,
    scenario_name TEXT NOT NULL, scenario_file TEXT NOT NULL, scenario_toml TEXT NOT NULL, sha256 TEXT NOT NULL,
    seed INTEGER NOT NULL, policy TEXT NOT NULL, horizon_days REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'lobby', created_at REAL NOT NULL, names TEXT NOT NULL DEFAULT 'show'
);
CREATE TABLE IF NOT EXISTS teams (
    id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id), name TEXT NOT NULL,
    name_key TEXT NOT NULL, token_hash TEXT NOT NULL, joined_at REAL NOT NULL, last_seen REAL NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0, snapshot_seq INTEGER NOT NULL DEFAULT 0,
    sim_minutes REAL NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0, kpis TEXT NOT NULL DEFAULT '{}',
    UNIQUE (session_id, name_key)
);
CREATE TABLE IF NOT EXISTS messages (
    team_id INTEGER NOT NULL REFERENCES teams(id), seq INTEGER NOT NULL, kind TEXT NOT NULL,
    body TEXT NOT NULL, received_at REAL NOT NULL, PRIMARY KEY (team_id, seq)
);
"""


class JoinRefused(Exception):
    """A team cannot join: its name is taken, the session is full or over."""


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One classroom session: what it hands out and where it stands."""

    id: int
    code: str
    facilitator_key: str
    scenario_name: str
    scenario_file: str
    scenario_toml: str
    sha256: str
    seed: int
    policy: str
    horizon_days: float
    state: str
    created_at: float
    names: str = "show"  # whether the debrief and its exports show the names teams typed ('show') or 'Team 1..N' ('hide')


@dataclass(frozen=True, slots=True)
class TeamRow:
    """One team: its name (user text), and its last snapshot."""

    id: int
    name: str
    joined_at: float
    last_seen: float
    last_seq: int
    sim_minutes: float
    finished: bool
    kpis: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """A decision a team sent, as kept."""

    team_id: int
    seq: int
    decision: str
    option: str
    sim_minutes: float
    received_at: float


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """A KPI snapshot a team sent, as kept (the joint debrief draws the KPIs over time from them)."""

    seq: int
    sim_minutes: float
    finished: bool
    kpis: dict[str, float | None]


def token_hash(token: str) -> str:
    """What the store keeps of a team's token: its SHA-256 (a stolen database file gives no tokens)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    """A join code: 6 characters a person can read off a projector (31^6, about 900 million)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Store:
    """The session database; one connection, used from the server's event loop only."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.executescript(SCHEMA)
        columns = {r["name"] for r in self.db.execute("PRAGMA table_info(sessions)")}
        if "names" not in columns:  # a session database written before the debrief's names setting
            self.db.execute("ALTER TABLE sessions ADD COLUMN names TEXT NOT NULL DEFAULT 'show'")

    def close(self) -> None:
        self.db.close()

    # --- sessions ------------------------------------------------------------------------------

    def current_session(self) -> SessionRow | None:
        """The newest session that has not ended, if any: the one a restarted host goes on with."""
        row = self.db.execute("SELECT * FROM sessions WHERE state != 'ended' ORDER BY id DESC LIMIT 1").fetchone()
        return _session(row) if row else None

    def session(self, session_id: int) -> SessionRow:
        return _session(self.db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone())

    def create_session(
        self, *, scenario_name: str, scenario_file: str, scenario_toml: str, sha256: str, seed: int, policy: str,
        horizon_days: float,
    ) -> SessionRow:  # fmt: skip
        """A new session in the lobby, with a fresh join code and facilitator key."""
        while True:
            code = new_code()
            if not self.db.execute("SELECT 1 FROM sessions WHERE code = ?", (code,)).fetchone():
                break
        cur = self.db.execute(
            "INSERT INTO sessions (code, facilitator_key, scenario_name, scenario_file, scenario_toml, sha256, seed, policy,"
            " horizon_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (code, secrets.token_urlsafe(18), scenario_name, scenario_file, scenario_toml, sha256, seed, policy, horizon_days,
             time.time()),
        )  # fmt: skip
        return self.session(int(cur.lastrowid or 0))

    def set_state(self, session_id: int, state: str) -> SessionRow:
        self.db.execute("UPDATE sessions SET state = ? WHERE id = ?", (state, session_id))
        return self.session(session_id)

    def set_names(self, session_id: int, names: str) -> SessionRow:
        """Whether the debrief shows the teams' names ('show') or 'Team 1..N' ('hide')."""
        if names not in NAMES:
            raise ValueError(f"names is one of {', '.join(NAMES)}, not '{names}'")
        self.db.execute("UPDATE sessions SET names = ? WHERE id = ?", (names, session_id))
        return self.session(session_id)

    # --- teams ---------------------------------------------------------------------------------

    def join(self, session_id: int, name: str, token: str | None) -> tuple[TeamRow, str]:
        """Add a team (a new token), or let one in again with the token it was given; ``JoinRefused`` otherwise.

        Names are compared without case, so "Blue" and "blue" cannot both join and confuse the room.
        """
        key = name.casefold()
        row = self.db.execute("SELECT * FROM teams WHERE session_id = ? AND name_key = ?", (session_id, key)).fetchone()
        now = time.time()
        if row is not None:
            if token is None or not hmac.compare_digest(row["token_hash"], token_hash(token)):
                raise JoinRefused(f"a team named '{row['name']}' has already joined; choose another name")
            self.db.execute("UPDATE teams SET last_seen = ? WHERE id = ?", (now, row["id"]))
            return self.team(row["id"]), token
        if self.session(session_id).state == "ended":
            raise JoinRefused("this session has ended")
        (count,) = self.db.execute("SELECT COUNT(*) FROM teams WHERE session_id = ?", (session_id,)).fetchone()
        if count >= MAX_TEAMS:
            raise JoinRefused(f"this session is full ({MAX_TEAMS} teams)")
        fresh = secrets.token_urlsafe(24)
        cur = self.db.execute(
            "INSERT INTO teams (session_id, name, name_key, token_hash, joined_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, name, key, token_hash(fresh), now, now),
        )
        return self.team(int(cur.lastrowid or 0)), fresh

    def team(self, team_id: int) -> TeamRow:
        return _team(self.db.execute("SELECT * FROM teams WHERE id = ?", (team_id,)).fetchone())

    def authorised(self, session_id: int, team_id: int, token: str) -> bool:
        """Whether ``token`` is team ``team_id``'s, in this session."""
        row = self.db.execute("SELECT token_hash FROM teams WHERE id = ? AND session_id = ?", (team_id, session_id)).fetchone()
        return row is not None and hmac.compare_digest(row["token_hash"], token_hash(token))

    def teams(self, session_id: int) -> list[TeamRow]:
        rows = self.db.execute("SELECT * FROM teams WHERE session_id = ? ORDER BY id", (session_id,)).fetchall()
        return [_team(r) for r in rows]

    # --- messages ------------------------------------------------------------------------------

    def record(self, team_id: int, messages: Sequence[Decision | Snapshot]) -> int:
        """Keep a batch in one transaction; returns the highest sequence number now kept (the acknowledgement).

        A message already kept is ignored; the team's state follows its newest snapshot only, so
        a late resend of an old snapshot never moves a team's clock back.
        """
        now = time.time()
        with self._transaction():
            for m in messages:
                self.db.execute(
                    "INSERT OR IGNORE INTO messages (team_id, seq, kind, body, received_at) VALUES (?, ?, ?, ?, ?)",
                    (team_id, m.seq, m.kind, m.model_dump_json(), now),
                )
            snaps = [m for m in messages if isinstance(m, Snapshot)]
            newest = max(snaps, key=lambda s: s.seq) if snaps else None
            top = max(m.seq for m in messages)
            self.db.execute(
                "UPDATE teams SET last_seen = ?, last_seq = MAX(last_seq, ?) WHERE id = ?", (now, top, team_id)
            )
            if newest is not None:
                self.db.execute(
                    "UPDATE teams SET snapshot_seq = ?, sim_minutes = ?, finished = ?, kpis = ? WHERE id = ? AND snapshot_seq < ?",
                    (newest.seq, newest.sim_minutes, int(newest.finished), json.dumps(newest.kpis), team_id, newest.seq),
                )
        return int(self.db.execute("SELECT last_seq FROM teams WHERE id = ?", (team_id,)).fetchone()[0])

    def decisions(self, session_id: int, limit: int = 500) -> list[DecisionRow]:
        """The decisions the teams sent, newest last (at most ``limit``, the newest ones)."""
        rows = self.db.execute(
            "SELECT m.team_id, m.seq, m.body, m.received_at FROM messages m JOIN teams t ON t.id = m.team_id"
            " WHERE t.session_id = ? AND m.kind = 'decision' ORDER BY m.received_at DESC, m.team_id DESC, m.seq DESC LIMIT ?",
            (session_id, limit),
        ).fetchall()
        out = []
        for r in reversed(rows):
            body = json.loads(r["body"])
            out.append(DecisionRow(r["team_id"], r["seq"], body["decision"], body["option"], body["sim_minutes"], r["received_at"]))
        return out

    def decision_counts(self, session_id: int) -> dict[int, int]:
        """How many decisions each team sent, by team id."""
        rows = self.db.execute(
            "SELECT m.team_id, COUNT(*) FROM messages m JOIN teams t ON t.id = m.team_id"
            " WHERE t.session_id = ? AND m.kind = 'decision' GROUP BY m.team_id",
            (session_id,),
        ).fetchall()
        return {int(team): int(n) for team, n in rows}

    def team_decisions(self, team_id: int) -> list[DecisionRow]:
        """Every decision one team sent, in the order it made them (by sequence number)."""
        rows = self.db.execute(
            "SELECT seq, body, received_at FROM messages WHERE team_id = ? AND kind = 'decision' ORDER BY seq", (team_id,)
        ).fetchall()
        out = []
        for r in rows:
            body = json.loads(r["body"])
            out.append(DecisionRow(team_id, r["seq"], body["decision"], body["option"], body["sim_minutes"], r["received_at"]))
        return out

    def snapshots(self, team_id: int, most: int | None = None) -> list[SnapshotRow]:
        """The snapshots one team sent, in the order it sent them; with ``most``, about that many, evenly spaced, and the last.

        The thinning is done by SQLite, so a long session's thousands of snapshots are not all read
        and parsed to draw a chart a few hundred points wide.
        """
        (total,) = self.db.execute("SELECT COUNT(*) FROM messages WHERE team_id = ? AND kind = 'snapshot'", (team_id,)).fetchone()
        every = max(1, -(-int(total) // most)) if most else 1
        rows = self.db.execute(
            "SELECT seq, body FROM (SELECT seq, body, ROW_NUMBER() OVER (ORDER BY seq) AS n FROM messages"
            " WHERE team_id = ? AND kind = 'snapshot') WHERE (n - 1) % ? = 0 OR n = ? ORDER BY seq",
            (team_id, every, total),
        ).fetchall()
        out = []
        for r in rows:
            body = json.loads(r["body"])
            out.append(SnapshotRow(r["seq"], float(body["sim_minutes"]), bool(body.get("finished")), body.get("kpis") or {}))
        return out

    def snapshot_count(self, team_id: int) -> int:
        """How many snapshots a team sent (kept for the joint debrief's charts)."""
        (n,) = self.db.execute("SELECT COUNT(*) FROM messages WHERE team_id = ? AND kind = 'snapshot'", (team_id,)).fetchone()
        return int(n)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on an error): a batch is kept whole or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")


def _session(row: sqlite3.Row) -> SessionRow:
    return SessionRow(
        id=row["id"], code=row["code"], facilitator_key=row["facilitator_key"], scenario_name=row["scenario_name"],
        scenario_file=row["scenario_file"], scenario_toml=row["scenario_toml"], sha256=row["sha256"], seed=row["seed"],
        policy=row["policy"], horizon_days=row["horizon_days"], state=row["state"], created_at=row["created_at"],
        names=row["names"],
    )  # fmt: skip


def _team(row: sqlite3.Row) -> TeamRow:
    return TeamRow(
        id=row["id"], name=row["name"], joined_at=row["joined_at"], last_seen=row["last_seen"], last_seq=row["last_seq"],
        sim_minutes=row["sim_minutes"], finished=bool(row["finished"]), kpis=json.loads(row["kpis"]),
    )  # fmt: skip
