"""The session's database and the team's outbox: nothing sent twice counts twice, nothing queued is lost."""

from __future__ import annotations

import pytest
from classroom.hosting import HIKE

from sim.classroom.outbox import Outbox
from sim.classroom.protocol import Decision, Snapshot
from sim.classroom.store import JoinRefused, Store


def new_session(store: Store):
    text = HIKE.read_text()
    return store.create_session(
        scenario_name="hike-launch", scenario_file=str(HIKE), scenario_toml=text, sha256="x", seed=1, policy="reactive",
        horizon_days=2.0,
    )  # fmt: skip


def snap(seq: int, minutes: float, profit: float, finished: bool = False) -> Snapshot:
    return Snapshot(kind="snapshot", seq=seq, sim_minutes=minutes, finished=finished, kpis={"money.profit": profit})


def test_a_reopened_store_has_the_session_and_ignores_messages_sent_again(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    session = new_session(store)
    team, token = store.join(session.id, "Blue", None)
    assert len(session.code) == 6 and session.state == "lobby"
    decision = Decision(kind="decision", seq=2, sim_minutes=5, decision="crash", option="reach_out")
    assert store.record(team.id, [snap(1, 10, 1.0), decision, snap(3, 30, 3.0)]) == 3
    store.close()

    store = Store(tmp_path / "s.sqlite")  # a host started again
    again = store.current_session()
    assert again is not None and (again.id, again.code, again.facilitator_key) == (session.id, session.code, session.facilitator_key)
    assert store.authorised(session.id, team.id, token) and not store.authorised(session.id, team.id, token[:-1] + "x")
    assert store.record(team.id, [decision, snap(3, 30, 3.0)]) == 3  # resent after a lost answer: kept once
    assert store.record(team.id, [snap(1, 10, 1.0)]) == 3  # a late old snapshot does not move the clock back
    row = store.team(team.id)
    assert (row.sim_minutes, row.kpis) == (30, {"money.profit": 3.0})
    assert [(d.decision, d.option, d.seq) for d in store.decisions(session.id)] == [("crash", "reach_out", 2)]
    assert store.decision_counts(session.id) == {team.id: 1} and store.snapshot_count(team.id) == 2


def test_names_are_unique_without_case_and_a_token_lets_a_team_back_in(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    session = new_session(store)
    team, token = store.join(session.id, "Blue", None)
    with pytest.raises(JoinRefused, match="already joined"):
        store.join(session.id, "BLUE", None)
    assert store.join(session.id, "blue", token)[0].id == team.id
    store.set_state(session.id, "ended")
    with pytest.raises(JoinRefused, match="ended"):
        store.join(session.id, "Green", None)
    assert store.current_session() is None  # an ended session is not resumed


def test_the_outbox_numbers_messages_for_good_and_keeps_them_until_acknowledged(tmp_path):
    box = Outbox(tmp_path / "o.sqlite")
    assert [box.put({"kind": "snapshot", "n": i}) for i in range(3)] == [1, 2, 3]
    box.acknowledge(2)
    box.close()
    box = Outbox(tmp_path / "o.sqlite")  # a game started again
    assert [m["seq"] for m in box.pending(10)] == [3]
    assert box.put({"kind": "snapshot"}) == 4  # numbers are never reused, even after the queue emptied
    box.set("token", "abc")
    assert box.get("token") == "abc" and box.count() == 2
    box.drop([3])
    assert [m["seq"] for m in box.pending(10)] == [4]
