"""What ``cxsim host --lrs-config FILE`` tells the LMS about the class session as a whole.

A team's game reports its own play (``sim.lms.reporter.Reporter``: launched, answered,
completed, ...), under the class session's registration, with the team as ``context.team``.
The host adds the session's own statements, as the class (an identified Group): ``launched``
and ``initialized`` when a new session opens, ``completed`` with the class scorecard (the
teams' mean score as ``result.score.scaled``, each team's rank, score and measures in an
extension) and ``terminated`` when the facilitator ends it. Same outbox, same background
sender as the game's, so a slow or absent LRS never holds up the host's answers to the teams.

Ids are version 5 UUIDs of the class registration and the event: a host started again on
the same database, or ended twice, sends the same statements again and the LRS keeps one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.lms import statements as st
from sim.lms.config import LrsConfig
from sim.lms.reporter import Sender, utc_now


def scorecard_lines(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Each team's line of the class scorecard from the dashboard's data (``sim.classroom.board``), in rank order."""
    measures = [m["label"] for m in board.get("scorecard", {}).get("measures", [])]
    return [
        {
            "rank": t.get("rank"),
            "team": t["name"],
            "score": t.get("score"),
            "finished": t.get("finished", False),
            "sim_minutes": t.get("sim_minutes"),
            "decisions": t.get("decisions", 0),
            "measures": dict(zip(measures, t.get("values", []), strict=False)),
        }
        for t in board.get("teams", [])
    ]


def class_score(board: dict[str, Any]) -> float | None:
    """The class's score: the mean of the teams' scorecard scores (None while no team has one)."""
    scores = [t["score"] for t in board.get("teams", []) if t.get("score") is not None]
    return sum(scores) / len(scores) if scores else None


class ClassReporter(Sender):
    """The class session's statements, through the outbox (see the module docstring)."""

    def __init__(
        self, config: LrsConfig, klass: st.ClassInfo, *, clock: Callable[[], str] = utc_now, background: bool = True
    ) -> None:
        super().__init__(config, clock=clock, background=background)
        self.klass = klass

    def launched(self) -> None:
        """A new class session opened: ``launched``, then ``initialized``."""
        now, n = self.clock(), self.config.naming
        self._queue(
            st.class_statement(n, self.klass, "launched", "launched", now),
            st.class_statement(n, self.klass, "initialized", "initialized", now),
        )

    def ended(self, board: dict[str, Any]) -> None:
        """The facilitator ended the session: ``completed`` with the class scorecard, then ``terminated``."""
        now, n = self.clock(), self.config.naming
        self._queue(
            st.class_completed(n, self.klass, now, score_scaled=class_score(board), scorecard=scorecard_lines(board)),
            st.class_statement(n, self.klass, "terminated", "terminated", now),
        )
