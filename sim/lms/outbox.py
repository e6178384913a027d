"""The outbox: statements waiting for an LRS, in an SQLite file that survives a crash.

A statement is written here before any attempt to send it, and removed only once an LRS has it,
so a closed laptop, a lost network or a killed process loses nothing: ``cxsim lrs flush`` (or the
next session) sends what is left. SQLite gives what a queue shared by the game and the CLI
needs: each change is one transaction (a crash keeps the file as it was before or after it,
never half), two processes can add and flush at once, and a statement already queued (same id)
is not queued twice. A damaged file is reported, never replaced: it may hold the only copy.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.errors import SimError

FORMAT_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    statement TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
)
"""


class OutboxError(SimError):
    """The outbox file cannot be used; it is left as it is."""


@dataclass(frozen=True)
class Queued:
    """One statement waiting, with why the last attempt failed ('' if never tried)."""

    id: str
    statement: dict[str, Any]
    attempts: int
    last_error: str


class Outbox:
    """A queue of xAPI statements on disk, in the order they were added."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _db(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """A short connection per operation: no lock is held between calls, so the game and the CLI share the file."""
        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif not self.path.exists():
                raise FileNotFoundError(self.path)
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        except FileNotFoundError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise OutboxError(f"{self.path}: cannot open the LRS outbox ({exc})") from exc
        try:
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, FORMAT_VERSION):
                raise OutboxError(f"{self.path}: an LRS outbox of format {version}, newer than this cxsim ({FORMAT_VERSION})")
            if write and version == 0:
                conn.execute(_SCHEMA)
                conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.rollback()
            raise OutboxError(f"{self.path}: not a usable LRS outbox ({exc}); it was left as it is") from exc
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        finally:
            conn.close()

    def add(self, statements: Iterable[dict[str, Any]]) -> int:
        """Queue statements (all or none); one whose id is already queued is skipped. Returns how many were new."""
        rows = [(s["id"], json.dumps(s, ensure_ascii=False, allow_nan=False, separators=(",", ":"))) for s in statements]
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._db(write=True) as db:
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO outbox (id, statement, queued_at) VALUES (?, ?, ?)", [(i, s, now) for i, s in rows])
            return db.total_changes - before

    def pending(self, limit: int | None = None) -> list[Queued]:
        """The statements waiting, oldest first (none if the file does not exist yet)."""
        try:
            with self._db(write=False) as db:
                if not self._has_table(db):
                    return []
                query = "SELECT id, statement, attempts, last_error FROM outbox ORDER BY seq"
                rows = db.execute(query + (" LIMIT ?" if limit else ""), (limit,) if limit else ()).fetchall()
        except FileNotFoundError:
            return []
        out = []
        for sid, text, attempts, error in rows:
            try:
                statement = json.loads(text)
            except json.JSONDecodeError as exc:
                raise OutboxError(f"{self.path}: statement {sid} is damaged ({exc.msg}); the outbox was left as it is") from exc
            out.append(Queued(sid, statement, attempts, error))
        return out

    def __len__(self) -> int:
        try:
            with self._db(write=False) as db:
                return int(db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]) if self._has_table(db) else 0
        except FileNotFoundError:
            return 0

    def remove(self, ids: Iterable[str]) -> None:
        """Drop statements an LRS now has."""
        with self._db(write=True) as db:
            db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])

    def note_failure(self, sid: str, reason: str) -> None:
        """Keep the statement, counting the attempt and why it failed (shown by ``cxsim lrs flush``)."""
        with self._db(write=True) as db:
            db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", (reason[:500], sid))

    @staticmethod
    def _has_table(db: sqlite3.Connection) -> bool:
        return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").fetchone() is not None
