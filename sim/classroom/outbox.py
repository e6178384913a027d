"""A team's outbox on disk: every message the game sends waits here until the host has acknowledged it.

Why on disk: the host may be unreachable for a while (restarted, the Wi-Fi dropped) or the game
may be closed before everything was sent. Messages are numbered per team as they are queued
(``seq``, never reused: the counter is kept with them), sent oldest first, and deleted only when
the host's answer says it kept them; the host ignores a number it already has, so sending again
is harmless. The next game that joins as the same team, from the same save folder, sends what
is left, and also finds here the token that lets it join again as that team, and how many of
its run's decisions were queued already (a game that goes on with the run's autosave queues only
the decisions after them: the host never gets one twice).

The game's thread queues and the sender's thread reads: one connection, behind a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
"""


class Outbox:
    """Messages waiting for the host, and the few facts a team keeps between games (its token)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.executescript(SCHEMA)

    def get(self, key: str) -> str | None:
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def put(self, message: dict[str, Any], meta: dict[str, str] | None = None) -> int:
        """Queue a message; returns the sequence number it was given (one more than any before).

        ``meta``: facts to keep in the same transaction (how many of a run's decisions are queued),
        so a crash leaves both as they were or both changed, never a message without its count.
        """
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                row = self.db.execute("SELECT value FROM meta WHERE key = 'next_seq'").fetchone()
                seq = int(row[0]) if row else 1
                body = json.dumps({**message, "seq": seq}, allow_nan=False)
                self.db.execute("INSERT INTO outbox (seq, body) VALUES (?, ?)", (seq, body))
                self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_seq', ?)", (str(seq + 1),))
                for key, value in (meta or {}).items():
                    self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        return seq

    def pending(self, limit: int) -> list[dict[str, Any]]:
        """The oldest ``limit`` messages not yet acknowledged, oldest first."""
        with self.lock:
            rows = self.db.execute("SELECT body FROM outbox ORDER BY seq LIMIT ?", (limit,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def acknowledge(self, through: int) -> None:
        """The host kept every message up to ``through``: forget them."""
        with self.lock:
            self.db.execute("DELETE FROM outbox WHERE seq <= ?", (through,))

    def drop(self, seqs: list[int]) -> None:
        """Forget messages the host refused as invalid (sending them again would be refused again)."""
        with self.lock:
            self.db.executemany("DELETE FROM outbox WHERE seq = ?", [(s,) for s in seqs])

    def count(self) -> int:
        with self.lock:
            (n,) = self.db.execute("SELECT COUNT(*) FROM outbox").fetchone()
        return int(n)

    def close(self) -> None:
        with self.lock:
            self.db.close()
