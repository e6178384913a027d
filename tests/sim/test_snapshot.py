"""``Simulation.snapshot()``: the frozen state a view reads (no pygame, no window)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from helpers import LAUNCH_DAY

from sim.engine.simulation import Simulation
from sim.engine.snapshot import IncidentState, PendingState, Snapshot, take_snapshot
from sim.scenario.loader import read_scenario

HIKE = LAUNCH_DAY  # a crash card first: these tests are about the game's mechanics


@pytest.fixture(scope="module")
def sim() -> Simulation:
    s = Simulation(read_scenario(HIKE).scenario, interactive=True, horizon_days=2.0)
    s.advance_to(2 * 1440)  # stops at 10:00 on launch day: checkout crashes, the "crash" decision waits
    return s


def test_a_snapshot_reads_the_run_at_one_instant(sim):
    snap = sim.snapshot()
    assert isinstance(snap, Snapshot)
    assert (snap.now, snap.horizon, snap.paused, snap.finished) == (sim.now, sim.horizon, True, False)
    assert (snap.policy, snap.seed) == (sim.policy_name, sim.seed)
    assert snap.progress == pytest.approx(sim.now / sim.horizon)
    # every touchpoint of the scenario, in its order; staffed ones carry their agents and queue
    assert list(snap.touchpoints) == list(sim.scenario.touchpoints)
    for name, channel in sim.channels.items():
        tp = snap.touchpoints[name]
        assert tp.kind == "staffed" and tp.staffed
        assert (tp.agents, tp.busy, tp.free, tp.queue, tp.concurrency) == (
            channel.agents, channel.busy, channel.free, channel.waiting, channel.concurrency,
        )  # fmt: skip
        assert tp.slots == channel.agents * channel.concurrency
    website = snap.touchpoints["website"]
    assert website.kind == "self_service" and (website.agents, website.queue) == (0, 0)
    # the failure in progress, on its touchpoint, and the decision it raised
    [incident] = snap.incidents
    live = sim.active_incidents()[0]
    assert incident == IncidentState(live.name, "checkout", live.spec.effect, live.spec.severity, live.started, live.affected_count)
    assert snap.touchpoints["checkout"].incident == incident and snap.touchpoints["checkout"].failing
    assert snap.failing() == {"checkout": incident}
    assert not snap.touchpoints["website"].failing
    assert snap.pending == (PendingState("crash", sim.now, True, None, live.name),)


def test_a_snapshot_is_frozen_and_detached_from_the_run(sim):
    snap = sim.snapshot()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.now = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.touchpoints["phone"].agents = 99  # type: ignore[misc]
    with pytest.raises(TypeError):
        snap.touchpoints["phone"] = snap.touchpoints["chat"]  # type: ignore[index]
    s = Simulation(read_scenario(HIKE).scenario, interactive=True, horizon_days=1.0)
    s.advance_to(300.0)
    early = s.snapshot()
    s.advance_to(900.0)  # the run goes on and the checkout crashes: the earlier snapshot does not move
    later = s.snapshot()
    assert later.incidents and later.pending and later.now > early.now
    assert early.now == 300.0 and early.incidents == () and early.pending == ()
    assert early.touchpoints["checkout"].incident is None and later.touchpoints["checkout"].failing


def test_take_snapshot_needs_only_the_public_contract():
    """A stand-in with just the documented attributes is enough: nothing else of the engine is read."""
    spec = SimpleNamespace(touchpoint="chat", effect="slow", severity=0.3)
    incident = SimpleNamespace(name="chat_lag", spec=spec, started=50.0, affected_count=4)
    decision = SimpleNamespace(pause=False, respond_within_min=30.0)
    touchpoints = {"site": SimpleNamespace(stage="consideration"), "chat": SimpleNamespace(stage="service")}
    fake = SimpleNamespace(
        now=60.0, horizon=1440.0, finished=False, paused=False, policy_name="p", seed=3,
        scenario=SimpleNamespace(touchpoints=touchpoints),
        channels={"chat": SimpleNamespace(agents=2, busy=3, free=1, waiting=5, concurrency=2)},
        pending_decisions={"lag": SimpleNamespace(name="lag", spec=decision, since=55.0, incident=incident)},
        active_incidents=lambda: [incident],
    )  # fmt: skip
    snap = take_snapshot(fake)
    chat = snap.touchpoints["chat"]
    assert (chat.kind, chat.slots, chat.busy, chat.queue, chat.incident.name) == ("staffed", 4, 3, 5, "chat_lag")
    assert snap.touchpoints["site"].kind == "self_service" and snap.touchpoints["site"].incident is None
    assert snap.pending == (PendingState("lag", 55.0, False, 85.0, "chat_lag"),)  # time runs: the default is taken at 85
