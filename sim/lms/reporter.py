"""What a front end calls as a session goes: ``launched``, ``decided``, ``suspended``, ``completed``, ``terminated``.

Each call builds its statement, puts it in the outbox on disk (a few milliseconds, and from then
on it cannot be lost) and wakes one background thread that sends the outbox, so a slow or absent
LRS never stalls a frame of the game. The thread stops at the first sign that the LRS is away
and the next call tries again; whatever is left waits for ``cxsim lrs flush``. A front end shows
``status()`` if it wants to, and calls ``close()`` when the session ends, to give the last
statements a moment to leave.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.lms import statements as st
from sim.lms.config import LrsConfig
from sim.lms.lrs import FlushReport, flush
from sim.lms.outbox import Outbox

if TYPE_CHECKING:
    from sim.commands import LoggedCommand
    from sim.scenario.schema import Scenario
    from sim.session.file import SessionRecord


def utc_now() -> str:
    """The current time as xAPI writes it: UTC, milliseconds, ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def decision_cards(scenario: Scenario) -> dict[str, st.DecisionCard]:
    """Every decision of a scenario as the trainee sees it: its prompt and its options' labels."""
    return {
        name: st.DecisionCard(prompt=d.prompt, options=tuple((o, spec.label) for o, spec in d.options.items()))
        for name, d in scenario.decisions.items()
    }


def option_style(scenario: Scenario | None, decision: str, option: str) -> str:
    """The style the scenario gives an option ('unknown' without the scenario or for a name it lacks)."""
    if scenario is None or decision not in scenario.decisions or option not in scenario.decisions[decision].options:
        return "unknown"
    return scenario.decisions[decision].options[option].style


def session_info(
    *, scenario_file: str | Path, scenario_title: str, scenario_sha256: str, policy: str, seed: int, trainee: str,
    started_at: str, team: str = "",
) -> st.SessionInfo:  # fmt: skip
    """The identity of a session as the game's ``SessionRecord`` holds it (the scenario is named by its file's stem)."""
    return st.SessionInfo(
        scenario_key=Path(scenario_file).stem or "scenario",
        scenario_title=scenario_title,
        scenario_sha256=scenario_sha256,
        policy=policy,
        seed=seed,
        trainee=trainee,
        started_at=started_at,
        team=team,
    )


class Sender:
    """Statements into the outbox, and one background thread that sends it: what every reporter shares."""

    def __init__(self, config: LrsConfig, *, clock: Callable[[], str] = utc_now, background: bool = True) -> None:
        self.config = config
        self.outbox = Outbox(config.outbox)
        self.clock, self.background = clock, background
        self.last_report: FlushReport | None = None
        self.error: Exception | None = None
        self._lock = threading.Lock()
        self._wanted = False
        self._thread: threading.Thread | None = None

    def _queue(self, *statements: dict[str, Any]) -> None:
        try:
            self.outbox.add(statements)
        except Exception as exc:  # reporting must never take a training session down
            self.error = exc
            return
        if self.background:
            self._wake()
        else:
            self._send()

    def _send(self) -> None:
        try:
            self.last_report = flush(self.outbox, self.config)
            self.error = None
        except Exception as exc:
            self.error = exc

    def _wake(self) -> None:
        with self._lock:
            self._wanted = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cxsim-lrs", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._thread = None
                    return
                self._wanted = False
            self._send()

    def close(self, timeout_s: float = 5.0) -> FlushReport | None:
        """Wait up to ``timeout_s`` for the background send to finish; what is not sent stays in the outbox."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        return self.last_report

    def status(self) -> str:
        """One line for a front end: what was sent, or why statements are waiting."""
        if self.error is not None:
            return f"LMS reporting: {self.error}"
        report = self.last_report
        if report is None:
            return "LMS reporting: sending"
        if report.stopped is not None:
            return f"LMS reporting: {report.remaining} statements wait in the outbox ({report.stopped.reason})"
        if report.rejected:
            return f"LMS reporting: {len(report.rejected)} statements rejected by the LRS ({report.rejected[0][1]})"
        return "LMS reporting: all statements sent"


class Reporter(Sender):
    """One session's reporting to an LRS through the outbox (see the module docstring)."""

    def __init__(
        self, config: LrsConfig, info: st.SessionInfo, *, scenario: Scenario | None = None,
        clock: Callable[[], str] = utc_now, background: bool = True,
    ) -> None:  # fmt: skip
        super().__init__(config, clock=clock, background=background)
        self.info, self.scenario = info, scenario
        self.cards = decision_cards(scenario) if scenario is not None else {}
        self.answers: dict[str, int] = {}
        self.styles: list[str] = []  # of every answer, for ``proactive_share``
        # the score of a finished session's results, when the caller has one (a classroom team: its scorecard's)
        self.score: Callable[[Mapping[str, Any]], float | None] | None = None

    @classmethod
    def for_record(
        cls, config: LrsConfig, record: SessionRecord, *, scenario: Scenario | None = None, team: str = "", background: bool = True,
        class_registration: str = "", team_account: str = "", scenario_key: str = "",
    ) -> Reporter:  # fmt: skip
        """The reporter of the session a ``SessionRecord`` describes (the game's ``Session.record``), primed with its answers.

        A classroom team passes its class's registration and its account (``SessionInfo``), and
        the host's name of the scenario (``scenario_key``: the team's own copy of the file is
        named after the session too), so its statements are on the activity the host's are.
        """
        info = session_info(
            scenario_file=record.scenario_file, scenario_title=record.scenario_title, scenario_sha256=record.scenario_sha256,
            policy=record.policy, seed=record.seed, trainee=record.trainee, started_at=record.started_at, team=team,
        )  # fmt: skip
        info = replace(
            info, class_registration=class_registration, team_account=team_account, scenario_key=scenario_key or info.scenario_key
        )
        reporter = cls(config, info, scenario=scenario, background=background)
        reporter.prime(record.commands)
        return reporter

    def prime(self, commands: Iterable[LoggedCommand]) -> None:
        """A resumed session: count the answers it already gave, so the next one gets the next id."""
        from sim.commands import Choose

        for logged in commands:
            if isinstance(logged.command, Choose):
                decision, option = logged.command.decision, logged.command.option
                self.answers[decision] = self.answers.get(decision, 0) + 1
                self.styles.append(option_style(self.scenario, decision, option))

    # --- the moments of a session ---------------------------------------------------------------

    def launched(self) -> None:
        """The session opened and its run started: ``launched`` then ``initialized``."""
        now = self.clock()
        n = self.config.naming
        self._queue(st.launched(n, self.info, now), st.initialized(n, self.info, now))

    def decided(self, decision: str, option: str, style: str | None = None, sim_minute: float = 0.0) -> None:
        """The trainee answered a decision card (``style``: the option's, read from the scenario if not given)."""
        nth = self.answers.get(decision, 0) + 1
        self.answers[decision] = nth
        style = style or option_style(self.scenario, decision, option)
        self.styles.append(style)
        statement = st.answered(
            self.config.naming, self.info, decision=decision, option=option, style=style, sim_minute=sim_minute, nth=nth,
            timestamp=self.clock(), card=self.cards.get(decision),
        )  # fmt: skip
        self._queue(statement)

    def completed(
        self, score_scaled: float | None, kpis: Mapping[str, float | None], *, sim_minutes: float = 0.0, currency: str = ""
    ) -> None:
        """The run reached its end: the score (0..1, a scorecard's or ``proactive_share``) and the KPIs."""
        statement = st.completed(
            self.config.naming, self.info, score_scaled=score_scaled, kpis=kpis, sim_minutes=sim_minutes,
            timestamp=self.clock(), currency=currency,
        )  # fmt: skip
        self._queue(statement)

    def finished(self, results: Mapping[str, Any], score_scaled: float | None = None) -> None:
        """``completed`` from a ``cxsim.run/1`` results document, then ``terminated``: the end of a played session.

        ``score_scaled`` None: ``score`` of the results if the reporter was given one, else the
        share of this session's styled answers that were proactive.
        """
        currency = results.get("currency", "")
        minutes = results.get("sim_minutes", 0.0)
        if score_scaled is None and self.score is not None:
            score_scaled = self.score(results)
        self.completed(
            score_scaled if score_scaled is not None else st.proactive_share(self.styles), st.headline_kpis(results),
            sim_minutes=float(minutes) if isinstance(minutes, int | float) else 0.0,
            currency=currency if isinstance(currency, str) else "",
        )  # fmt: skip
        self.terminated()

    def suspended(self, sim_minute: float) -> None:
        """The trainee left the session unfinished at ``sim_minute``: it can be resumed, so not ``terminated``."""
        self._queue(st.suspended(self.config.naming, self.info, self.clock(), sim_minute=sim_minute))

    def resumed(self, sim_minute: float) -> None:
        """A saved session goes on from ``sim_minute``: ``resumed`` (no second ``launched``; the same registration)."""
        self._queue(st.resumed(self.config.naming, self.info, self.clock(), sim_minute=sim_minute))

    def terminated(self) -> None:
        """The trainee left the session for good (after ``completed``; ``suspended`` is for a session to resume)."""
        self._queue(st.terminated(self.config.naming, self.info, self.clock()))
