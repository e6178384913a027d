"""The joint debrief as plain data: the teams side by side, the same customer under each team's choices, the lessons across teams.

The facilitator opens it when the debrief is released (or at the end). Everything in it comes
from what the teams sent (their decisions with their sim minutes, their KPI snapshots) and from
replaying each team's decisions on the session's seed (``sim.classroom.replays``), so the debrief
can say things no single team's game can: which teams' results agree with each of the scenario's
lessons, and what one customer lived through under each team's choices.

Team names are user text. The facilitator chooses whether the debrief and its exports show them
(``names = show``, the default) or "Team 1..N" in the order the teams joined (``hide``); the
choice is made here, once, so the page, the CSV and the printable summaries cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.authoring.lessons import lesson_value, side_names, sides
from sim.classroom.board import decision_entry, leaderboard_order, measure_entry
from sim.classroom.charts import Line, Mark, decision_timeline, kpi_chart
from sim.classroom.replays import Plan, Replays, plan_of
from sim.classroom.store import DecisionRow, SessionRow, SnapshotRow, Store, TeamRow
from sim.clock import format_time
from sim.results.precision import number as signed_number
from sim.results.results import unit_of
from sim.scenario.schema import Lesson, Scenario
from sim.scenario.scorecard import Measure, Scorecard

MAX_POINTS = 240  # points per team in a chart (snapshots come about every second: a long session is thinned)
SCORE = "score"  # the chart's key for the weighted score


def shown_names(teams: Sequence[TeamRow], names: str) -> dict[int, str]:
    """Each team's name as the debrief shows it: the name it typed, or 'Team N' by join order when names are hidden."""
    ordered = sorted(teams, key=lambda t: t.id)
    if names == "hide":
        return {t.id: f"Team {i}" for i, t in enumerate(ordered, start=1)}
    return {t.id: t.name for t in ordered}


def kpi_text(kpi: str, value: float | None, currency: str, per_day: bool = False) -> str:
    """A KPI's value for people, with its unit: '3,570 EUR a day', '35.3 %', '+35.3 NPS', '4.21 of 5'."""
    if value is None:
        return "n/a"
    section, _, leaf = kpi.rpartition(".")
    unit = unit_of(section.split(".")[0], leaf, currency)
    if unit == "fraction":
        return f"{100 * value:.1f} %"
    if unit == currency or unit == "currency":
        return f"{value:,.0f} {currency}" + (" a day" if per_day else "")
    if unit == "-100..100":
        return f"{signed_number(value, 1, signed=True)} NPS"
    if unit in ("1-5", "1-7"):
        return f"{value:.2f} of {unit[-1]}"
    text = f"{value:,.1f}" + (f" {unit}" if unit else "")
    return text + (" a day" if per_day else "")


def latest_run(decided: Sequence[DecisionRow]) -> list[DecisionRow]:
    """The decisions of a team's latest run: a game started again from the beginning sends its decisions again, from minute 0."""
    start = 0
    for i in range(1, len(decided)):
        if decided[i].sim_minutes < decided[i - 1].sim_minutes:
            start = i
    return list(decided[start:])


def replay_plan(store: Store, session: SessionRow) -> Plan:
    """What the replays need: the run settings and each team's decisions (of its latest run), in join order."""
    teams = [(t.id, [(d.sim_minutes, d.decision, d.option) for d in latest_run(store.team_decisions(t.id))])
             for t in store.teams(session.id)]  # fmt: skip
    return plan_of(session.seed, session.policy, session.horizon_days, teams)


def series(snapshots: Sequence[SnapshotRow], scorecard: Scorecard, key: str) -> list[tuple[float, float]]:
    """(sim minute, value) of ``key`` (a measure's KPI as it scores, or the weighted ``score``), thinned to ``MAX_POINTS``."""
    measure = next((m for m in scorecard.measures if m.kpi == key), None)
    points: list[tuple[float, float]] = []
    last = -1.0
    for snap in sorted(snapshots, key=lambda s: (s.sim_minutes, s.seq)):
        if snap.sim_minutes <= last:
            continue  # a resend, or a game started again from the beginning: the clock only moves on
        value = scorecard.score(snap.kpis, snap.sim_minutes) if measure is None else measure.value(snap.kpis, snap.sim_minutes)
        if value is not None:
            points.append((snap.sim_minutes, value))
            last = snap.sim_minutes
    if len(points) > MAX_POINTS:
        step = len(points) / MAX_POINTS
        thinned = [points[int(i * step)] for i in range(MAX_POINTS)]
        points = thinned if thinned[-1] == points[-1] else [*thinned, points[-1]]
    return points


def chart_keys(scorecard: Scorecard) -> list[dict[str, str]]:
    """What the chart can draw: the weighted score, then each measure."""
    return [{"key": SCORE, "label": "weighted score (0 to 1)"}, *({"key": m.kpi, "label": m.name} for m in scorecard.measures)]


def measure_row(m: Measure, kpis: dict[str, float | None], minutes: float, currency: str) -> dict[str, Any]:
    """One line of a team's scorecard: its value against the target, and what it scores."""
    value = m.value(kpis, minutes)
    score = m.score(value)
    better_up = m.target > m.baseline
    met = None if value is None else (value >= m.target if better_up else value <= m.target)
    return {
        "label": m.name, "kpi": m.kpi, "value": value, "score": score, "target": m.target, "baseline": m.baseline,
        "met": met, "value_text": kpi_text(m.kpi, value, currency, m.per_day),
        "target_text": kpi_text(m.kpi, m.target, currency, m.per_day),
    }  # fmt: skip


def team_side(scenario: Scenario, chosen: dict[str, str], mine: dict[str, str], base: dict[str, str]) -> tuple[str, int, int]:
    """Which side of a lesson a team's answers are closer to: ('path' | 'baseline' | 'neither', agreeing answers, answers counted).

    Only the decisions where the lesson's two paths differ, and that the team answered, count.
    Where the two sides' options differ in style (a proactive path against a reactive one), an
    answer of that style agrees with that side, so a team that reached out with another proactive
    option is on the proactive side; where they share a style, only the very option agrees. A team
    is on the side it agrees with more often (a tie is neither).
    """
    to_mine = to_base = counted = 0
    for d, option in mine.items():
        other, answer = base.get(d), chosen.get(d)
        if option == other or answer is None or other is None:
            continue
        counted += 1
        options = scenario.decisions[d].options
        styles = options[option].style, options[other].style
        if styles[0] != styles[1] and answer in options:
            to_mine += options[answer].style == styles[0]
            to_base += options[answer].style == styles[1]
        else:
            to_mine += answer == option
            to_base += answer == other
    if to_mine > to_base:
        return "path", to_mine, counted
    if to_base > to_mine:
        return "baseline", to_base, counted
    return "neither", 0, counted


def agrees(lesson: Lesson, path_value: float, baseline_value: float) -> bool:
    """Whether one pair of teams (one on the lesson's path, one on its baseline) shows what the lesson says."""
    if lesson.direction == "higher":
        return path_value > baseline_value
    if lesson.direction == "lower":
        return path_value < baseline_value
    return abs(path_value - baseline_value) <= (lesson.margin or 0.0)


def lesson_across(scenario: Scenario, lesson: Lesson, chosen: dict[int, dict[str, str]], flat: dict[int, dict[str, float]],
                  names: dict[int, str]) -> dict[str, Any]:  # fmt: skip
    """One lesson checked across the teams: who is on which side, each team's value, and how many pairs agree."""
    entry: dict[str, Any] = {"says": lesson.says, "kpi": lesson.kpi, "direction": lesson.direction, "teams": [], "pairs": 0,
                             "agree": 0, "checked": False}  # fmt: skip
    if not lesson.on_paths:
        entry["summary"] = "not checked across teams: it compares policies, and every team plays the same policy"
        return entry
    mine_side, base_side = sides(scenario, lesson)
    mine, base = dict(mine_side.choices), dict(base_side.choices)
    path_name, base_name = side_names(scenario, lesson)
    entry["path"], entry["baseline"] = path_name, base_name
    on: dict[str, list[tuple[int, float]]] = {"path": [], "baseline": []}
    for team_id, answers in chosen.items():
        side, agreeing, differing = team_side(scenario, answers, mine, base)
        value = lesson_value(lesson, flat[team_id]) if team_id in flat else None
        entry["teams"].append({"team_id": team_id, "team": names[team_id], "side": side, "agreeing": agreeing, "of": differing, "value": value,
                               "value_text": kpi_text(lesson.kpi, value, scenario.currency)})  # fmt: skip
        if side in on and value is not None:
            on[side].append((team_id, value))
    pairs = [(a, b) for a in on["path"] for b in on["baseline"]]
    entry["pairs"] = len(pairs)
    entry["agree"] = sum(agrees(lesson, a[1], b[1]) for a, b in pairs)
    entry["checked"] = bool(pairs)
    word = {"higher": "a higher", "lower": "a lower", "same": "about the same"}[lesson.direction]
    than = "as" if lesson.direction == "same" else "than"
    if not pairs:
        missing = path_name if not on["path"] else base_name
        entry["summary"] = f"cannot be checked across these teams: no team's answers are closer to the {missing}"
    else:
        entry["summary"] = (f"teams closer to the {path_name} had {word} {lesson.kpi} {than} teams closer to the {base_name}:"
                            f" {entry['agree']} of {len(pairs)} pair{'s' if len(pairs) != 1 else ''} of teams agree")  # fmt: skip
    return entry


def debrief(store: Store, session: SessionRow, scenario: Scenario, scorecard: Scorecard, replays: Replays | None,
            replay_state: str) -> dict[str, Any]:  # fmt: skip
    """The whole joint debrief, JSON-ready (team names as the facilitator allows)."""
    team_rows = store.teams(session.id)
    names = shown_names(team_rows, session.names)
    horizon = session.horizon_days * 1440.0
    currency = scenario.currency
    teams: list[dict[str, Any]] = []
    chosen: dict[int, dict[str, str]] = {}
    for number, t in enumerate(sorted(team_rows, key=lambda r: r.id), start=1):
        decided = latest_run(store.team_decisions(t.id))
        chosen[t.id] = {d.decision: d.option for d in decided}
        replay = replays.teams.get(t.id) if replays is not None else None
        decisions = []
        for d in decided:
            shown = decision_entry(scenario, names[t.id], d.decision, d.option, d.sim_minutes)
            decisions.append({**shown, "sim_minutes": d.sim_minutes})
        teams.append({
            "id": t.id, "number": number, "name": names[t.id], "sim_minutes": t.sim_minutes, "clock": format_time(t.sim_minutes),
            "finished": t.finished, "score": scorecard.score(t.kpis, t.sim_minutes),
            "measures": [measure_row(m, t.kpis, t.sim_minutes, currency) for m in scorecard.measures],
            "decisions": decisions, "snapshots": store.snapshot_count(t.id),
            "replayed_score": _replayed_score(replay.flat, scorecard, replay.reached_minutes) if replay and replay.flat else None,
            "story": replay.story if replay is not None else [],
            "replay_problem": replay.problem if replay is not None else None,
        })  # fmt: skip
    ranked = leaderboard_order(teams)
    for rank, entry in enumerate(ranked, start=1):
        entry["rank"] = rank if entry["score"] is not None else None
    flat = {tid: r.flat for tid, r in replays.teams.items()} if replays is not None else {}
    total = sum(m.weight for m in scorecard.measures)
    return {
        "session": {
            "code": session.code, "state": session.state, "title": scenario.title, "scenario": session.scenario_name,
            "seed": session.seed, "policy": session.policy, "horizon_minutes": horizon, "horizon": f"{session.horizon_days:g} days",
            "names": session.names, "currency": currency,
        },
        "scorecard": {"title": scorecard.title, "measures": [measure_entry(m, total) for m in scorecard.measures]},
        "chart_keys": chart_keys(scorecard),
        "teams": ranked,
        "customer": {
            "id": replays.customer if replays is not None else None,
            "decision": replays.decision if replays is not None else None,
            "about": _customer_about(replays, names),
        },
        "lessons": [lesson_across(scenario, lesson, chosen, flat, names) for lesson in scenario.lessons] if flat else [],
        "replays": replay_state,
    }


def _replayed_score(flat: dict[str, float], scorecard: Scorecard, minutes: float) -> float | None:
    return scorecard.score({k: flat.get(k) for k in scorecard.kpis}, minutes)


def _customer_about(replays: Replays | None, names: dict[int, str]) -> str:
    if replays is None:
        return "the replays are running"
    if replays.customer is None:
        return "no decision's failure hit a customer who stayed silent, so there is no one to follow"
    decision = (replays.decision or "").replace("_", " ")
    first = names.get(replays.chosen_in or -1, "the first team")
    return (f"Customer {replays.customer}: a failure hit them after the '{decision}' decision and, in {first}'s run, they never"
            " contacted service. Here is their week under each team's choices: the same person, since every draw is keyed"
            " by customer.")  # fmt: skip


def chart_svg(store: Store, data: dict[str, Any], scorecard: Scorecard, key: str) -> str:
    """The KPIs-over-time chart of ``key`` for every team (each team keeps its look: by join order, whatever its rank)."""
    measure = next((m for m in scorecard.measures if m.kpi == key), None)
    if measure is None:
        title, unit, fixed = "Weighted score over sim time", "score (0 to 1)", (0.0, 1.0)
    else:
        currency = data["session"]["currency"]
        title = f"{measure.name} over sim time"
        unit = measure.name + (f" ({currency} a day)" if measure.per_day and unit_of(key.split('.')[0], key.rsplit('.', 1)[-1], currency) == currency else "")
        fixed = None
    lines = [Line(t["name"], series(store.snapshots(t["id"], MAX_POINTS), scorecard, key)) for t in _by_number(data)]
    return kpi_chart(title, unit, data["session"]["horizon_minutes"], lines, fixed=fixed)


def timeline_svg(data: dict[str, Any]) -> str:
    """Every team's decisions on one sim-time axis."""
    rows = [(t["name"], [Mark(d["sim_minutes"], f"{_words(d['decision'])}: {_words(d['option'])}", d["style"], d["label"])
                         for d in t["decisions"]]) for t in _by_number(data)]  # fmt: skip
    return decision_timeline(data["session"]["horizon_minutes"], rows)


def _words(key: str) -> str:
    return key.replace("_", " ")


def _by_number(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The teams in join order: each team keeps its colour and marker whatever its rank."""
    return sorted(data["teams"], key=lambda t: t["number"])
