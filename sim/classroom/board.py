"""What the facilitator's dashboard shows: the teams ranked on the scorecard, their clocks, their decisions.

The host builds this plain-data picture from the store whenever something changed and pushes it
to every open dashboard; the page only draws it (as text: names are the teams' own). Scores are
computed here, from the KPIs each team last sent, with the scenario's scorecard, so every team
is ranked on the same rule and a team's game never says what it scored.
"""

from __future__ import annotations

import time
from typing import Any

from sim.classroom.store import SessionRow, Store, TeamRow
from sim.clock import format_time
from sim.scenario.schema import Scenario
from sim.scenario.scorecard import Measure, Scorecard

ONLINE_WITHIN_S = 5.0  # a team that sent nothing for longer shows as offline (its game sends about every second)
RECENT_DECISIONS = 100


def team_entry(team: TeamRow, scorecard: Scorecard, horizon_minutes: float, decisions: int, now: float) -> dict[str, Any]:
    """One team's row: where its clock is, its score and each measure's, online or not."""
    values = [m.value(team.kpis, team.sim_minutes) for m in scorecard.measures]
    return {
        "id": team.id,
        "name": team.name,
        "sim_minutes": team.sim_minutes,
        "clock": format_time(team.sim_minutes),
        "progress": min(1.0, team.sim_minutes / horizon_minutes) if horizon_minutes > 0 else 0.0,
        "finished": team.finished,
        "online": now - team.last_seen <= ONLINE_WITHIN_S,
        "score": scorecard.score(team.kpis, team.sim_minutes),
        "measures": [m.score(v) for m, v in zip(scorecard.measures, values, strict=True)],
        "values": values,
        "decisions": decisions,
    }


def leaderboard_order(teams: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Highest score first; teams with no score yet last; ties by name, so the order is stable."""
    return sorted(teams, key=lambda t: (t["score"] is None, -(t["score"] or 0.0), t["name"].casefold(), t["id"]))


def board(store: Store, session: SessionRow, scenario: Scenario, scorecard: Scorecard, *, join_url: str) -> dict[str, Any]:
    """The whole dashboard as plain data (JSON-ready)."""
    now = time.time()
    horizon = session.horizon_days * 1440.0
    rows = store.decisions(session.id, RECENT_DECISIONS)
    team_rows = store.teams(session.id)
    names = {t.id: t.name for t in team_rows}
    counts = store.decision_counts(session.id)
    teams = leaderboard_order([team_entry(t, scorecard, horizon, counts.get(t.id, 0), now) for t in team_rows])
    for rank, entry in enumerate(teams, start=1):
        entry["rank"] = rank if entry["score"] is not None else None
    total = sum(m.weight for m in scorecard.measures)
    return {
        "session": {
            "code": session.code,
            "state": session.state,
            "title": scenario.title,
            "scenario": session.scenario_name,
            "seed": session.seed,
            "policy": session.policy,
            "horizon_minutes": horizon,
            "horizon": f"{session.horizon_days:g} days",
            "join_url": join_url,
        },
        "scorecard": {
            "title": scorecard.title,
            "measures": [measure_entry(m, total) for m in scorecard.measures],
        },
        "teams": teams,
        "decisions": [decision_entry(scenario, names.get(d.team_id, "?"), d.decision, d.option, d.sim_minutes) for d in rows],
    }


def measure_entry(m: Measure, total_weight: float) -> dict[str, Any]:
    """One measure of the scorecard, its weight as a share of the whole."""
    return {
        "label": m.name, "kpi": m.kpi, "weight": m.weight / total_weight, "baseline": m.baseline, "target": m.target,
        "per_day": m.per_day,
    }  # fmt: skip


def decision_entry(scenario: Scenario, team: str, decision: str, option: str, sim_minutes: float) -> dict[str, Any]:
    """One decision as the feed shows it: the option's label and style from the scenario, the team's clock."""
    spec = scenario.decisions.get(decision)
    chosen = spec.options.get(option) if spec is not None else None
    return {
        "team": team,
        "decision": decision,
        "option": option,
        "label": chosen.label if chosen is not None else option,
        "style": chosen.style if chosen is not None else "",
        "clock": format_time(sim_minutes),
    }
