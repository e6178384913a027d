"""A joined game closed mid-session and started again with the same ``--join``/``--team`` goes on with its run: from
its autosave (not from the first minute), with its outbox's numbers going on, and the host gets every decision once.
The host and both games are real (``cxsim host``, ``cxsim play --autoplay``, dummy video driver)."""

from __future__ import annotations

import json
import sqlite3

from classroom.hosting import HIKE, board, control, cxsim, wait_for


def messages(db, team_id: int) -> list[tuple[int, str, dict]]:
    """Every message the host kept from a team, by sequence number."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT seq, kind, body FROM messages WHERE team_id = ? ORDER BY seq", (team_id,)).fetchall()
    return [(seq, kind, json.loads(body)) for seq, kind, body in rows]


def test_a_joined_game_closed_and_started_again_goes_on_and_the_host_sees_no_duplicates(start_host, tmp_path):
    db = tmp_path / "s.sqlite"
    host = start_host(str(HIKE), "--port", "0", "--days", "1", "--db", str(db))
    control(host, "start")  # running: the games' clocks run from their play screen on
    saves = tmp_path / "team"
    play = ("play", "--join", host.join_url, "--team", "Blue", "--autoplay", "--answers", "proactive", "--speed", "16",
            "--save-dir", str(saves))  # fmt: skip

    first = cxsim(*play, "--frames", "400", cwd=tmp_path, log=tmp_path / "first.log")  # closed mid-day, as a trainee would
    assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text()
    (autosave,) = saves.glob("*.autosave.json")
    saved = json.loads(autosave.read_text())
    assert 0 < saved["sim_minutes"] < 1440
    before = [(c["decision"], c["option"]) for c in saved["commands"]]
    assert before, "the first game answered a decision before it was closed"
    (team,) = board(host)["teams"]
    wait_for(lambda: board(host)["teams"][0]["decisions"] == len(before), "the host to have the first game's decisions", 20)
    last_seq = messages(db, team["id"])[-1][0]

    second = cxsim(*play, cwd=tmp_path, log=tmp_path / "second.log")
    assert second.wait(timeout=180) == 0, (tmp_path / "second.log").read_text()
    assert list(saves.glob("*.autosave.json")) == []
    (results,) = saves.glob("*.results.json")
    done = json.loads(results.read_text())
    assert done["started_at"] == saved["started_at"]  # the same run went on: it keeps the minute it began
    chosen = [(c["decision"], c["option"]) for c in done["commands"]]
    assert chosen[: len(before)] == before and len(chosen) > len(before)

    final = wait_for(lambda: (data := board(host))["teams"][0]["finished"] and data, "the team to finish on the host", 30)
    assert [t["name"] for t in final["teams"]] == ["Blue"]  # joined again as the same team
    assert final["teams"][0]["decisions"] == len(chosen)
    assert [(d["decision"], d["option"]) for d in final["decisions"]] == chosen  # each once, in order
    kept = messages(db, team["id"])
    assert [seq for seq, _, _ in kept] == list(range(1, len(kept) + 1)) and kept[-1][0] > last_seq  # numbers go on
    again = [body["sim_minutes"] for seq, kind, body in kept if seq > last_seq and kind == "snapshot"]
    assert again and min(again) >= saved["sim_minutes"] - 1e-6  # the second game reported from where the first stopped
    clock = [body["sim_minutes"] for _, kind, body in kept if kind == "snapshot"]
    assert clock == sorted(clock)  # never back to the first minute
