"""A saved session file as the statements the game would have sent: what ``cxsim lrs send`` reports.

A session played with no LRS in reach (or before reporting was set up) can be reported from its
file afterwards. The ids are the game's (the same session, the same events), so a session the
game already reported is not stored twice; the times differ (a file knows when the session
started and when its file was last written, not when each card was answered), so an LRS that
has the game's statements answers 409 to these and keeps its own, which counts as sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.commands import Choose
from sim.lms import statements as st
from sim.lms.config import LrsConfig
from sim.lms.reporter import decision_cards, option_style, session_info
from sim.scenario.schema import Scenario
from sim.session.file import SessionRecord


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def file_time(path: Path) -> str:
    """When the file was last written, as an xAPI timestamp (the moment the game saved the results)."""
    return _iso(datetime.fromtimestamp(path.stat().st_mtime, UTC))


def record_statements(
    config: LrsConfig, record: SessionRecord, *, scenario: Scenario | None, saved_at: str,
    score_scaled: float | None = None, team: str = "",
) -> list[dict[str, Any]]:  # fmt: skip
    """``launched``, ``initialized``, one ``answered`` per choice, then ``completed`` and ``terminated`` if it finished.

    ``scenario`` names the options' styles and labels (None: styles 'unknown'); ``score_scaled``
    None scores the session by ``proactive_share`` of its answers. An unfinished session (an
    autosave) gets no ``completed`` and no ``terminated``: it may still be resumed.
    """
    started = record.started_at or saved_at
    info = session_info(
        scenario_file=record.scenario_file, scenario_title=record.scenario_title, scenario_sha256=record.scenario_sha256,
        policy=record.policy, seed=record.seed, trainee=record.trainee, started_at=started, team=team,
    )  # fmt: skip
    naming = config.naming
    cards = decision_cards(scenario) if scenario is not None else {}
    out = [st.launched(naming, info, started), st.initialized(naming, info, started)]
    counts: dict[str, int] = {}
    styles: list[str] = []
    for logged in record.commands:
        command = logged.command
        if not isinstance(command, Choose):
            continue
        counts[command.decision] = counts.get(command.decision, 0) + 1
        style = option_style(scenario, command.decision, command.option)
        styles.append(style)
        answer = st.answered(
            naming, info, decision=command.decision, option=command.option, style=style, sim_minute=logged.time,
            nth=counts[command.decision], timestamp=started, card=cards.get(command.decision),
        )  # fmt: skip
        out.append(answer)
    if not record.finished:
        return out
    results = record.results or {}
    score = score_scaled if score_scaled is not None else st.proactive_share(styles)
    currency = results.get("currency", "")
    done = st.completed(
        naming, info, score_scaled=score, kpis=st.headline_kpis(results), sim_minutes=record.sim_minutes,
        timestamp=saved_at, currency=currency if isinstance(currency, str) else "",
    )  # fmt: skip
    return [*out, done, st.terminated(naming, info, saved_at)]
