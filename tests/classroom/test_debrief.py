"""The joint debrief with real parts: ``cxsim host`` on 127.0.0.1 and three scripted teams that decide differently.

A scripted team does what a game does, without the window: it joins with its name, plays the
host's scenario interactively on the session's seed (answering each decision as it comes up, as
``cxsim play --autoplay --answers`` does), and sends each decision with its sim minute and a KPI
snapshot every sim hour. Then the facilitator releases the debrief.

What must hold: the debrief lists every team with its decisions and score, and the host's replay of
a team's decisions gives that team's own score back; one customer's story is told under each
team's choices; the lessons are checked across teams; the CSV parses and a hostile team name is a
text cell, not a formula; the printable pages have print CSS and escape the name; hiding the names
hides them everywhere; chromium draws the chart. And, without a host: a customer no decision
touched lives the same journey under two teams' different choices.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from typing import Any

import pytest
from classroom.hosting import HIKE, board, control, host_starter, http, wait_for

from sim.classroom.client import kpi_values
from sim.classroom.replays import plan_of, replay_team
from sim.commands import Choose
from sim.engine.simulation import Simulation
from sim.records import (
    CallbackAccepted,
    ContactAbandoned,
    ContactBalked,
    ContactQueued,
    ContactServed,
    CustomerAffected,
    FailureStarted,
    JourneyRemembered,
    NoticeSent,
    OrderLost,
    RecoveryDelivered,
    ReviewPosted,
    ServiceStarted,
    TouchDelivered,
)
from sim.scenario.loader import read_scenario
from sim.scenario.scorecard import scorecard_of
from sim.session.paths import parse_answers

DAYS = 2
HOSTILE = "=cmd|' /C calc'!A0 <script>x</script>"
TEAMS = {  # name: answers (three different paths through the decisions)
    "Reactive": "reactive",
    "Proactive": "proactive",
    HOSTILE: "proactive,crash=vague_email,parcel=standard",
}
SCENARIO = read_scenario(HIKE).scenario
CARD = scorecard_of(SCENARIO.scorecard)


def play(answers: str, days: float = DAYS) -> tuple[list[tuple[float, str, str]], list[dict[str, Any]]]:
    """Play the path headless as a joined game would: its decisions (sim minute, decision, option) and hourly snapshots."""
    sim = Simulation(SCENARIO, policy=SCENARIO.default_policy_name, seed=SCENARIO.seed, interactive=True, horizon_days=days)
    sim.halt_at_decisions = True
    choice = parse_answers(answers, SCENARIO)
    snapshots = []
    while not sim.finished:
        sim.advance_to(sim.now + 60)
        for name in sim.pending_decisions:
            sim.apply(Choose(decision=name, option=choice[name]))
        snapshots.append({"kind": "snapshot", "sim_minutes": sim.now, "finished": sim.finished, "kpis": kpi_values(sim, CARD.kpis)})
    decided = [(c.time, c.command.decision, c.command.option) for c in sim.command_log if isinstance(c.command, Choose)]
    return decided, snapshots


def send_team(host, name: str, answers: str) -> dict[str, Any]:
    """Join as ``name``, play ``answers`` and send everything, in time order, in batches; what the team sent."""
    status, me = http("POST", host.join_url, {"team": name})
    assert status == 200, me
    decided, snapshots = play(answers)
    messages = [{"kind": "decision", "sim_minutes": t, "decision": d, "option": o} for t, d, o in decided] + snapshots
    messages.sort(key=lambda m: (m["sim_minutes"], m["kind"] != "decision"))
    for seq, m in enumerate(messages, start=1):
        m["seq"] = seq
    auth = {"Authorization": f"Bearer {me['token']}"}
    for i in range(0, len(messages), 100):
        status, reply = http("POST", host.base + me["batch_url"], {"messages": messages[i : i + 100]}, headers=auth)
        assert status == 200, reply
    final = snapshots[-1]
    return {"id": me["team_id"], "decided": decided, "score": CARD.score(final["kpis"], final["sim_minutes"]), "snapshots": len(snapshots)}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """One host, three teams that played to the end, the debrief released."""
    folder = tmp_path_factory.mktemp("debrief")
    starter = host_starter(folder)
    host = next(starter)(str(HIKE), "--port", "0", "--days", str(DAYS), "--db", str(folder / "s.sqlite"))
    control(host, "start")
    sent = {name: send_team(host, name, answers) for name, answers in TEAMS.items()}
    wait_for(lambda: all(t["finished"] for t in board(host)["teams"]), "every team finished")
    control(host, "release")
    host.folder = folder
    yield host, sent
    next(starter, None)


def get(host, path: str) -> tuple[int, Any]:
    return http("GET", host.base + path, headers={"X-Facilitator-Key": host.key})


def debrief(host) -> dict[str, Any]:
    def ready():
        status, data = get(host, "/api/debrief")
        assert status == 200, data
        return data if data["replays"] == "ready" else None

    return wait_for(ready, "the debrief's replays", 60)


def test_the_debrief_puts_the_teams_side_by_side_and_replays_each_teams_choices(room):
    host, sent = room
    data = debrief(host)
    assert data["session"]["state"] == "debrief" and data["session"]["names"] == "show"
    teams = {t["name"]: t for t in data["teams"]}
    assert set(teams) == set(TEAMS)
    for name, team in sent.items():
        shown = teams[name]
        assert [(d["sim_minutes"], d["decision"], d["option"]) for d in shown["decisions"]] == team["decided"], name
        assert shown["score"] == pytest.approx(team["score"], abs=1e-12), name
        assert shown["replayed_score"] == pytest.approx(team["score"], abs=1e-9), f"{name}: the host's replay is the team's run"
        assert [m["label"] for m in shown["measures"]] == [m.name for m in CARD.measures]
        assert all(m["target_text"] and m["value_text"] != "n/a" for m in shown["measures"]), shown["measures"]
        assert shown["snapshots"] == team["snapshots"] >= DAYS * 24
    assert [t["name"] for t in data["teams"]] == sorted(sent, key=lambda n: -sent[n]["score"])  # ranked on the scorecard
    assert teams["Proactive"]["score"] > teams["Reactive"]["score"]
    assert "EUR a day" in teams["Proactive"]["measures"][0]["value_text"]  # profit per day, with its unit

    assert data["customer"]["id"] is not None and str(data["customer"]["id"]) in data["customer"]["about"]
    stories = [t["story"] for t in data["teams"]]
    assert all(stories) and len({s[0] for s in stories}) == 1  # the same customer arrives at the same minute in every run
    assert len({tuple(s) for s in stories}) > 1  # and lives through the teams' choices differently

    lessons = {lesson["says"]: lesson for lesson in data["lessons"]}
    assert len(lessons) == len(SCENARIO.lessons)
    nps = lessons["They also recommend Hike more."]
    sides = {e["team"]: e["side"] for e in nps["teams"]}
    assert sides["Reactive"] == "baseline" and sides["Proactive"] == "path" and sides[HOSTILE] == "path"
    assert nps["checked"] and nps["pairs"] == 2
    values = {e["team"]: e["value"] for e in nps["teams"]}
    assert nps["agree"] == sum(values[n] > values["Reactive"] for n in ("Proactive", HOSTILE))
    assert f"{nps['agree']} of 2 pairs of teams agree" in nps["summary"]
    vague = lessons["A vague notice brings more runners to customer service than a clear one."]
    assert {e["team"]: e["side"] for e in vague["teams"]} == {"Reactive": "neither", "Proactive": "baseline", HOSTILE: "path"}


def test_the_debrief_csv_parses_and_keeps_a_formula_name_as_text(room):
    host, sent = room
    debrief(host)
    status, text = get(host, "/api/debrief.csv")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(TEAMS)
    by_name = {r["team"]: r for r in rows}
    assert set(by_name) == {"Reactive", "Proactive", "'" + HOSTILE}  # the formula is text: a leading quote
    for name, team in sent.items():
        row = by_name["'" + name if name == HOSTILE else name]
        assert int(row["decisions"]) == len(team["decided"])
        assert float(row["score"]) == pytest.approx(team["score"], abs=1e-4)
        assert all(f"{d}={o}" in row["choices"] for _, d, o in team["decided"])
        assert row["experience.affected.nps"] != ""  # a lesson's KPI, from the team's replay
    for row in rows:
        for value in row.values():
            if value and value[0] in "=+-@":
                float(value)  # only numbers may start so (a negative NPS); any text would be a formula


def test_the_printable_summaries_have_print_css_and_escape_the_names(room):
    host, sent = room
    debrief(host)
    status, page = get(host, "/api/summary.html")
    assert status == 200
    assert "@page { size: A4" in page and "break-before: page" in page
    assert "<script" not in page and "&lt;script&gt;x&lt;/script&gt;" in page  # the hostile name is text
    assert page.count('<section class="team">') == len(TEAMS)  # a page per team
    backgrounds = set(re.findall(r"background: ([^;]+);", page))
    assert backgrounds == {"#ffffff"}, backgrounds  # no dark backgrounds on paper
    assert page.count("<svg") == 2 + len(CARD.measures)  # the timeline, the score, each measure
    import urllib.request

    req = urllib.request.Request(host.base + "/api/summary.html", headers={"X-Facilitator-Key": host.key})
    with urllib.request.urlopen(req, timeout=30) as reply:
        policy = reply.headers["Content-Security-Policy"]
    assert "script-src" not in policy and "default-src 'none'" in policy  # no script can run in it
    for name, team in sent.items():
        status, own = get(host, f"/api/teams/{team['id']}/summary.html")
        assert status == 200 and "@page" in own
        assert f"Summary of {name}".replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;") in own
        assert all(d.replace("_", " ") in own for _, d, _ in team["decided"])
    assert get(host, "/api/teams/999/summary.html")[0] == 404
    assert http("GET", host.base + "/api/summary.html")[0] == 403
    assert http("GET", host.base + "/api/debrief.csv", headers={"X-Facilitator-Key": "wrong"})[0] == 403


def test_hidden_names_are_team_numbers_in_the_debrief_and_its_exports(room):
    host, sent = room
    key = {"X-Facilitator-Key": host.key}
    assert http("POST", host.base + "/api/names", {"names": "hide"}, headers=key) == (200, {"names": "hide"})
    try:
        data = debrief(host)
        assert sorted(t["name"] for t in data["teams"]) == ["Team 1", "Team 2", "Team 3"]
        by_id = {t["id"]: t["name"] for t in data["teams"]}
        assert [by_id[sent[n]["id"]] for n in TEAMS] == ["Team 1", "Team 2", "Team 3"]  # numbered in join order
        exports = [get(host, p)[1] for p in ("/api/debrief.csv", "/api/summary.html", "/api/debrief/chart.svg", "/api/debrief/timeline.svg")]
        exports.append(str(data))
        for text in exports:
            assert "Proactive" not in text and "Reactive" not in text and "calc" not in text
        assert "Team 3" in exports[0] and "Team 3" in exports[1]
    finally:
        assert http("POST", host.base + "/api/names", {"names": "show"}, headers=key)[0] == 200
    assert http("POST", host.base + "/api/names", {"names": "<b>"}, headers=key)[0] == 422


def test_the_chart_draws_every_team_with_a_marker_and_a_label(room):
    host, _ = room
    debrief(host)
    status, svg = get(host, "/api/debrief/chart.svg?kpi=experience.affected.nps")
    assert status == 200 and svg.startswith("<svg")
    assert svg.count('<g class="series"') == len(TEAMS) and "NPS of runners a failure hit over sim time" in svg
    assert "&lt;script&gt;" in svg and "<script" not in svg
    assert len(set(re.findall(r'stroke-dasharray="([^"]+)"', svg))) == len(TEAMS) - 1  # one solid line, two dash patterns
    assert get(host, "/api/debrief/chart.svg?kpi=money.revenue")[0] == 404


def test_host_names_flag_hides_the_names_from_the_start(tmp_path):
    starter = host_starter(tmp_path)
    host = next(starter)(str(HIKE), "--port", "0", "--names", "hide", "--db", str(tmp_path / "s.sqlite"))
    try:
        assert "hidden" in host.line("names:")
        http("POST", host.join_url, {"team": "Blue"})
        data = get(host, "/api/debrief")[1]
        assert [t["name"] for t in data["teams"]] == ["Team 1"] and data["session"]["names"] == "hide"
    finally:
        next(starter, None)


# What a decision can change in a customer's journey: meeting a failure (or the touchpoint where one
# happened, whose downtime a response shortens), service (its staffing), the brand's outreach.
REACHED = (CustomerAffected, NoticeSent, RecoveryDelivered, TouchDelivered, ContactQueued, ContactBalked, ServiceStarted,
           ContactServed, ContactAbandoned, CallbackAccepted, OrderLost, ReviewPosted)  # fmt: skip


def by_customer(answers: str) -> tuple[list[tuple[float, str, str]], dict[int, list[Any]], list[Any]]:
    """A team's decisions, and the host's replay of them: each customer's records, and every record."""
    decided, _ = play(answers)
    every: list[Any] = []
    replay_team(SCENARIO, plan_of(SCENARIO.seed, SCENARIO.default_policy_name, DAYS, []), tuple(decided), [every.append])
    records: dict[int, list[Any]] = {}
    for r in every:
        if getattr(r, "customer", None) is not None:
            records.setdefault(r.customer, []).append(r)
    return decided, records, every


def first_journey(records: list[Any], *, referrals: bool) -> list[Any]:
    """A customer's records from arrival to the survey of the first journey (its referral count left out unless asked)."""
    out = []
    for r in records:
        if isinstance(r, JourneyRemembered):
            out.append(r if referrals else dataclasses.replace(r, referrals=0))
            break
        out.append(r)
    return out


def untouched_pairs(*, referrals: bool) -> list[tuple[int, list[Any], list[Any]]]:
    """Two teams that chose differently; the customers no decision touched, with their first journey in each team's run.

    Untouched: never at a touchpoint where a failure happened, never in contact with service,
    never reached by the brand, and arrived before the first review was posted (after it, other
    customers' reviews can change anyone's journey: that is the model, not a draw).
    """
    (mine, a, every_a), (theirs, b, every_b) = by_customer("reactive"), by_customer("proactive,crash=vague_email")
    assert {d for _, d, _ in mine} == {d for _, d, _ in theirs} and mine != theirs  # the same decisions, answered differently
    failed = {r.touchpoint for r in every_a + every_b if isinstance(r, FailureStarted)}
    first_review = min(r.time for r in every_a + every_b if isinstance(r, ReviewPosted))
    assert any(a.get(c) != b.get(c) for c in a.keys() | b.keys())  # the decisions did change some customers' journeys
    out = []
    for c in sorted(a.keys() | b.keys()):
        both = a.get(c, []) + b.get(c, [])
        if both[0].time >= first_review or any(isinstance(r, REACHED) or getattr(r, "touchpoint", None) in failed for r in both):
            continue
        out.append((c, first_journey(a.get(c, []), referrals=referrals), first_journey(b.get(c, []), referrals=referrals)))
    return out


def test_customers_no_decision_touched_live_the_same_journey_under_two_teams_choices():
    pairs = untouched_pairs(referrals=False)
    assert len(pairs) > 300
    for customer, mine, theirs in pairs:
        assert mine and mine == theirs, f"customer {customer} differs although no decision touched them"


def test_an_untouched_customers_referrals_are_the_same_under_two_teams_choices():
    for customer, mine, theirs in untouched_pairs(referrals=True):
        assert mine == theirs, f"customer {customer}'s survey differs"


def test_chromium_shows_the_debrief_with_its_chart(room, tmp_path):
    from classroom.test_session import browser
    from selenium.webdriver.common.by import By

    host, _ = room
    debrief(host)
    driver = browser(tmp_path)
    try:
        driver.set_window_size(1280, 2400)
        driver.get(host.dashboard)

        def drawn():
            try:
                series = driver.find_elements(By.CSS_SELECTOR, "#debrief-chart svg g.series")
                rows = driver.find_elements(By.CSS_SELECTOR, "#debrief-timeline svg g.row")
                cards = driver.find_elements(By.CSS_SELECTOR, "#debrief-teams article.card")
            except Exception:  # the page redrew under us: look again
                return None
            return (series, cards) if len(series) == len(rows) == len(cards) == len(TEAMS) else None

        series, cards = wait_for(drawn, "the debrief's chart, timeline and team cards on the page", 60)
        assert driver.find_element(By.ID, "debrief").is_displayed()
        labels = [s.find_element(By.CSS_SELECTOR, "text.label").text for s in series]
        assert "Proactive" in labels and "Reactive" in labels and any(label.startswith("=cmd|") for label in labels)
        assert len({s.find_element(By.TAG_NAME, "polyline").get_attribute("stroke") for s in series}) == len(TEAMS)
        assert driver.find_elements(By.CSS_SELECTOR, "#debrief script, #debrief-teams b") == []  # the name is text
        assert HOSTILE in [c.find_element(By.TAG_NAME, "h4").text.split(". ", 1)[1] for c in cards]
        assert "of 2 pairs of teams agree" in driver.find_element(By.ID, "debrief-lessons").text
        driver.save_screenshot(str(tmp_path / "debrief.png"))
    finally:
        driver.quit()


def test_a_long_sessions_chart_reads_a_few_hundred_snapshots_and_keeps_the_last(tmp_path):
    from sim.classroom.debrief import MAX_POINTS, series
    from sim.classroom.protocol import Snapshot
    from sim.classroom.store import Store

    store = Store(tmp_path / "s.sqlite")
    row = store.create_session(scenario_name="hike-launch", scenario_file=str(HIKE), scenario_toml="", sha256="", seed=1,
                               policy="reactive", horizon_days=DAYS)  # fmt: skip
    team, _ = store.join(row.id, "Blue", None)
    sent = [Snapshot(kind="snapshot", seq=i, sim_minutes=i * 0.5, kpis={"money.profit": float(i)}) for i in range(1, 5401)]
    for i in range(0, len(sent), 100):
        store.record(team.id, sent[i : i + 100])
    kept = store.snapshots(team.id, MAX_POINTS)
    assert MAX_POINTS // 2 <= len(kept) <= MAX_POINTS + 1 and kept[0].seq == 1 and kept[-1].seq == 5400
    points = series(kept, CARD, "money.profit")
    assert points[-1] == (2700.0, 5400.0 / (2700.0 / 1440))  # profit per day at the last snapshot
    assert len(store.snapshots(team.id)) == 5400


def test_a_team_whose_game_started_again_is_debriefed_on_its_latest_run(tmp_path):
    from sim.classroom.debrief import debrief, replay_plan
    from sim.classroom.protocol import Decision
    from sim.classroom.replays import run_replays
    from sim.classroom.store import Store

    store = Store(tmp_path / "s.sqlite")
    row = store.create_session(scenario_name="hike-launch", scenario_file=str(HIKE), scenario_toml="", sha256="", seed=SCENARIO.seed,
                               policy=SCENARIO.default_policy_name, horizon_days=DAYS)  # fmt: skip
    team, _ = store.join(row.id, "Blue", None)
    first, _ = play("reactive")
    again, _ = play("proactive")
    sent = [Decision(kind="decision", seq=i, sim_minutes=t, decision=d, option=o) for i, (t, d, o) in enumerate(first + again, start=1)]
    store.record(team.id, sent)
    plan = replay_plan(store, row)
    assert plan.teams == ((team.id, tuple(again)),)
    replays = run_replays(SCENARIO, plan)
    assert replays.teams[team.id].problem is None and replays.teams[team.id].complete
    shown = debrief(store, row, SCENARIO, CARD, replays, "ready")["teams"][0]
    assert [(d["sim_minutes"], d["decision"], d["option"]) for d in shown["decisions"]] == again
