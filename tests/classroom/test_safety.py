"""The host is safe by default: wrong codes, keys and tokens, oversized or malformed messages, hostile team names,
join floods and a port in use each get one clear answer, and nothing a client sends is run or opened."""

from __future__ import annotations

import csv
import io
import json
import socket
import sqlite3

import pytest
from classroom.hosting import HIKE, board, cxsim, host_starter, http
from helpers import queue_toml
from websockets.sync.client import connect


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """One host for the module's tests (each uses its own team names); the rate limit's test has its own."""
    folder = tmp_path_factory.mktemp("host")
    starter = host_starter(folder)
    started = next(starter)(str(HIKE), "--port", "0", "--days", "1", "--db", str(folder / "s.sqlite"))
    started.folder = folder
    yield started
    next(starter, None)


def join(host, team: str, token: str | None = None) -> tuple[int, dict]:
    return http("POST", host.join_url, {"team": team, "token": token})


def test_a_wrong_join_code_or_url_finds_no_session(host):
    wrong = host.base + "/join/AAAAAA"
    assert http("POST", wrong, {"team": "x"})[0] == 404
    assert http("GET", wrong)[0] == 404
    status, text = http("GET", host.join_url)
    assert status == 200 and "cxsim play --join" in text
    assert http("GET", host.base + "/dashboard/..%2F..%2Fstore.py")[0] == 404  # a fixed set of files, never a path
    assert http("GET", host.base + "/dashboard/index.html")[0] == 404


def test_team_names_are_checked_and_kept_as_written(host):
    for bad in ("", "   ", "x" * 41, "bell\x07", "rtl\u202eevil"):
        status, data = join(host, bad)
        assert status == 422, (bad, data)
    status, first = join(host, "  <b>Bold</b>   &amp; co  ")
    assert status == 200
    assert first["team"] == "<b>Bold</b> &amp; co"  # spaces tidied, nothing else changed or interpreted
    assert "scenario_toml" in first and first["seed"] > 0 and first["horizon_days"] == 1
    assert join(host, "<B>BOLD</B> &AMP; CO")[0] == 409  # names are unique without case
    again = join(host, "<b>Bold</b> &amp; co", token=first["token"])
    assert again[0] == 200 and again[1]["team_id"] == first["team_id"]  # the token lets the same team in again
    names = [t["name"] for t in board(host)["teams"]]
    assert names.count("<b>Bold</b> &amp; co") == 1


def test_csv_export_keeps_a_formula_name_as_text(host):
    join(host, "=HYPERLINK(\"http://x\")")
    status, text = http("GET", host.base + "/api/teams.csv", headers={"X-Facilitator-Key": host.key})
    assert status == 200
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["rank", "team", "sim_minutes"]
    assert "'=HYPERLINK(\"http://x\")" in [row[1] for row in rows[1:]]


def test_batches_need_the_teams_token_and_valid_bounded_messages(host):
    _, me = join(host, "Blue")
    url = host.base + me["batch_url"]
    auth = {"Authorization": f"Bearer {me['token']}"}
    snap = {"kind": "snapshot", "seq": 1, "sim_minutes": 10, "kpis": {"money.profit": 5.0, "money.revenue": 1e9}}
    assert http("POST", url, {"messages": [snap]})[0] == 401
    assert http("POST", url, {"messages": [snap]}, headers={"Authorization": "Bearer " + "x" * 32})[0] == 401
    status, reply = http("POST", url, {"messages": [snap]}, headers=auth)
    assert (status, reply) == (200, {"acked": 1, "state": "lobby"})
    assert http("POST", url, {"messages": [snap]}, headers=auth)[1]["acked"] == 1  # the same message again: harmless
    (team,) = (t for t in board(host)["teams"] if t["name"] == "Blue")
    assert team["values"][0] == pytest.approx(5.0 / (10 / 1440)) and team["sim_minutes"] == 10  # profit per day
    with sqlite3.connect(host.folder / "s.sqlite") as db:
        (kept,) = db.execute("SELECT kpis FROM teams WHERE name = 'Blue'").fetchone()
    assert json.loads(kept) == {"money.profit": 5.0}  # money.revenue is not a scorecard KPI: not kept
    unknown = {"kind": "decision", "seq": 2, "sim_minutes": 20, "decision": "crash", "option": "rm -rf"}
    assert http("POST", url, {"messages": [unknown]}, headers=auth)[0] == 422
    unknown = {**unknown, "option": "nope"}
    status, reply = http("POST", url, {"messages": [unknown]}, headers=auth)
    assert status == 422 and "no decision 'crash' with option 'nope'" in reply["detail"]
    nan = b'{"messages": [{"kind": "snapshot", "seq": 3, "sim_minutes": 1, "kpis": {"money.profit": NaN}}]}'
    assert http("POST", url, raw=nan, headers=auth)[0] == 422
    extra = {"messages": [{**snap, "seq": 4, "path": "/etc/passwd"}]}
    assert http("POST", url, extra, headers=auth)[0] == 422  # unknown keys are refused: no file names, no code
    many = {"messages": [{**snap, "seq": i} for i in range(1, 102)]}
    assert http("POST", url, many, headers=auth)[0] == 422
    huge = {"messages": [{**snap, "kpis": {f"k{i}": 1.0 for i in range(30)}, "pad": "x" * 300_000}]}
    status, reply = http("POST", url, huge, headers=auth)
    assert status == 413 and "larger than" in reply["detail"]
    assert http("POST", host.join_url, raw=b'{"team": "' + b"x" * 300_000 + b'"}')[0] == 413


def test_the_facilitator_key_guards_the_board_the_controls_and_the_live_feed(host):
    for headers in ({}, {"X-Facilitator-Key": "wrong"}):
        assert http("GET", host.base + "/api/board", headers=headers)[0] == 403
        assert http("POST", host.base + "/api/control", {"action": "end"}, headers=headers)[0] == 403
        assert http("GET", host.base + "/api/teams.csv", headers=headers)[0] == 403
    key = {"X-Facilitator-Key": host.key}
    assert http("POST", host.base + "/api/control", {"action": "pause"}, headers=key)[0] == 409  # not running yet
    assert http("POST", host.base + "/api/control", {"action": "explode"}, headers=key)[0] == 422
    ws_url = host.base.replace("http://", "ws://") + "/ws"
    with connect(ws_url, open_timeout=10) as ws:
        ws.send(json.dumps({"key": "wrong"}))
        with pytest.raises(Exception):  # noqa: B017 (closed by the host: 4403)
            ws.recv(timeout=10)
        assert ws.close_code == 4403
    with connect(ws_url, open_timeout=10) as ws:
        ws.send(json.dumps({"key": host.key}))
        assert json.loads(ws.recv(timeout=10))["session"]["code"] == host.code
    status, page = http("GET", host.base + "/dashboard")
    assert status == 200 and "<table id=\"leaderboard\">" in page


def test_the_dashboard_page_forbids_inline_and_foreign_scripts(host):
    import urllib.request

    with urllib.request.urlopen(host.base + "/dashboard", timeout=10) as reply:
        policy = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy


def test_joins_are_rate_limited_per_address(start_host, tmp_path):
    host = start_host(str(HIKE), "--port", "0", "--db", str(tmp_path / "s.sqlite"))
    statuses = [http("POST", host.base + "/join/AAAAAA", {"team": "x"})[0] for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429
    assert join(host, "Late")[0] == 429  # the right code too, until the minute has passed


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = cxsim("host", str(HIKE), "--port", str(port), "--db", str(tmp_path / "s.sqlite"), cwd=tmp_path)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, out + err
    assert err.strip() == f"--port {port}: port {port} on 127.0.0.1 is in use; choose another, or --port 0 for a free one"
    assert "join:" not in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--join", "http://127.0.0.1:9/join/ABCDEF", "--team", "Blue"], "--join: cannot reach the host at http://127.0.0.1:9"),
        (["--join", "file:///etc/passwd", "--team", "Blue"], "--join: 'file:///etc/passwd' is not a join URL"),
        (["--join", "http://127.0.0.1:9/join/ABCDEF"], "--join and --team go together"),
        (["--join", "http://127.0.0.1:9/join/ABCDEF", "--team", "Blue", "--seed", "3"], "--seed: not with --join"),
        (["--join", "http://127.0.0.1:9/join/ABCDEF", "--team", "\x07"], "--team: a team name has only printable characters"),
    ],
)
def test_play_join_mistakes_are_one_line_and_exit_2(tmp_path, monkeypatch, args, expected):
    from typer.testing import CliRunner

    from sim.cli import app
    from sim.cli.application import load_plugins

    load_plugins()  # as main() does: the game adds play
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["play", *args, "--autoplay"])
    assert res.exit_code == 2, res.stderr
    assert expected in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_a_scorecard_on_a_key_the_results_do_not_have_is_refused(tmp_path):
    text = queue_toml() + '[[scorecard.measures]]\nkpi = "money.proft"\nbaseline = 0\ntarget = 1\n'
    (tmp_path / "card.toml").write_text(text)
    proc = cxsim("host", "card.toml", "--port", "0", cwd=tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, out + err
    line = text[: text.index('kpi = "money.proft"')].count("\n") + 1
    assert err.strip() == (
        f"card.toml:{line}: scorecard.measures (the first item).kpi: unknown results key 'money.proft'; did you mean 'money.profit'? (run: cxsim kpis card.toml)"
    )  # checked as the file loads, at its line: cxsim validate says the same
