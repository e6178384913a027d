"""A classroom session reports to a real LRS: ``cxsim host --lrs-config`` for the class, ``cxsim play --join ... --lrs-config``
for each team, all real processes (the host on 127.0.0.1, two games in dummy windows, ralph's LRS).

What must hold, read back from the LRS with ``GET /statements``: every statement of the class, the host's and the
teams', carries the class session's UUID as ``context.registration``, so an LMS groups them as one; a team's statements
name the team as an xAPI Group in ``context.team`` (xAPI 1.0.3, Data 2.4.6); the host says ``launched`` and
``initialized`` when the session opens and, when the facilitator ends it, ``completed`` with the class scorecard
(the teams' mean score as ``result.score.scaled``) and ``terminated``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from classroom.hosting import HIKE, board, control, cxsim, host_starter, wait_for

from sim.lms import statements as st
from sim.lms.config import load_config
from sim.lms.lrs import get_statements

TEAMS = {"Blue": "proactive", "Green": "reactive"}
REQUIRED = ("id", "actor", "verb", "object", "timestamp", "stored", "authority")  # the LRS sets the last two


@pytest.fixture
def start_host(tmp_path):
    yield from host_starter(tmp_path)


def verb(statement: dict[str, Any]) -> str:
    return str(statement["verb"]["id"].rsplit("/", 1)[1])


def test_the_host_and_every_team_report_under_the_class_registration(lrs, no_lrs_config, start_host, tmp_path):
    config = tmp_path / "lrs.toml"
    config.write_text(
        f'endpoint = "{lrs.endpoint}"\nusername = "{lrs.username}"\npassword = "{lrs.password}"\n'
        'activity_base = "https://training.example.org/cxsim"\nhome_page = "https://lms.example.org"\n'
        f'outbox = "{tmp_path / "outbox.sqlite3"}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "s.sqlite"
    host = start_host(str(HIKE), "--port", "0", "--days", "1", "--db", str(db), "--lrs-config", str(config))
    control(host, "start")
    games = {}
    for name, answers in TEAMS.items():
        games[name] = cxsim(
            "play", "--join", host.join_url, "--team", name, "--autoplay", "--answers", answers, "--speed", "max",
            "--lrs-config", str(config), "--save-dir", str(tmp_path / name), cwd=tmp_path, log=tmp_path / f"{name}.log",
        )  # fmt: skip
    for name, proc in games.items():
        assert proc.wait(timeout=180) == 0, (tmp_path / f"{name}.log").read_text()

    def finished() -> dict[str, Any] | None:
        data = board(host)
        return data if all(t["finished"] for t in data["teams"]) else None

    final = wait_for(finished, "both teams finished on the host", 30)
    control(host, "end")

    with sqlite3.connect(db) as conn:
        code, sha256, created_at = conn.execute("SELECT code, sha256, created_at FROM sessions").fetchone()
    reg = st.class_registration(code, sha256, created_at)
    lrs_config = load_config(config)
    n = lrs_config.naming

    def stored() -> list[dict[str, Any]] | None:
        got = get_statements(lrs_config, registration=reg, limit="200")["statements"]
        return got if sum(verb(s) == "terminated" for s in got) == 3 else None  # the host's and each team's

    got = wait_for(stored, "the class's statements in the LRS", 30)
    assert {s["context"]["registration"] for s in got} == {reg}
    for statement in got:
        assert all(key in statement for key in REQUIRED), statement
        assert statement["actor"]["objectType"] in ("Agent", "Group")

    by_class = [s for s in got if s["actor"]["objectType"] == "Group"]
    assert [verb(s) for s in sorted(by_class, key=lambda s: s["timestamp"])][:2] == ["launched", "initialized"]
    assert sorted(verb(s) for s in by_class) == ["completed", "initialized", "launched", "terminated"]
    assert {s["actor"]["name"] for s in by_class} == {f"class {code}"}
    scenario = n.iri("scenarios", "hike-launch")
    assert {s["object"]["id"] for s in got if verb(s) != "answered"} == {scenario}  # the class's and the teams': one activity
    assert {s["context"]["contextActivities"]["parent"][0]["id"] for s in got if verb(s) == "answered"} == {scenario}
    done = next(s for s in by_class if verb(s) == "completed")["result"]
    scores = {t["name"]: t["score"] for t in final["teams"]}
    assert done["completion"] is True
    assert done["score"]["scaled"] == pytest.approx(sum(scores.values()) / 2, abs=1e-4)
    lines = done["extensions"][n.extension("scorecard")]
    assert [(line["rank"], line["team"]) for line in lines] == [(t["rank"], t["name"]) for t in final["teams"]]  # as ranked
    assert sorted(line["rank"] for line in lines) == [1, 2]
    assert [line["score"] for line in lines] == pytest.approx([scores[line["team"]] for line in lines])
    assert all(line["finished"] and set(line["measures"]) == {m["label"] for m in final["scorecard"]["measures"]} for line in lines)

    by_teams = [s for s in got if s["actor"]["objectType"] == "Agent"]
    teams = {t["name"]: t["id"] for t in final["teams"]}
    for name in TEAMS:
        mine = [s for s in by_teams if s["context"]["team"]["name"] == name]
        assert {s["actor"]["name"] for s in mine} == {name}  # no trainee name given: the team's
        assert {repr(s["context"]["team"]) for s in mine} == {
            repr({"objectType": "Group", "name": name, "account": {"homePage": "https://lms.example.org", "name": f"{code}/{teams[name]}"}})
        }
        verbs = sorted(verb(s) for s in mine)
        answered = [s for s in mine if verb(s) == "answered"]
        assert verbs == sorted(["launched", "initialized", "completed", "terminated"] + ["answered"] * len(answered))
        assert len(answered) == next(t["decisions"] for t in final["teams"] if t["name"] == name) > 0
        style = {s["result"]["extensions"][n.extension("style")] for s in answered}
        assert style == {TEAMS[name]}
        completed = next(s for s in mine if verb(s) == "completed")
        assert completed["result"]["score"]["scaled"] == pytest.approx(scores[name], abs=1e-4)  # the leaderboard's score


def test_a_bad_lrs_config_stops_the_host_before_it_listens(no_lrs_config, tmp_path):
    bad = tmp_path / "lrs.toml"
    bad.write_text('endpoint = "ftp://lrs.example.org/xapi/"\n', encoding="utf-8")
    proc = cxsim("host", str(HIKE), "--port", "0", "--db", str(tmp_path / "s.sqlite"), "--lrs-config", str(bad), cwd=tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out == ""
    assert err.strip().splitlines() == [f"{bad}: endpoint: expected an http:// or https:// URL, found 'ftp://lrs.example.org/xapi/'"]
    assert not (tmp_path / "s.sqlite").exists()  # no session was opened
