"""Bad input to the API raises a ``sim.SimError`` subclass whose message names the argument, before anything runs."""

from __future__ import annotations

import pytest
from helpers import SCENARIOS

import sim
from sim.experiments.sweep import SweepError

TUTORIAL = str(SCENARIOS / "tutorial.toml")
CENTRE = str(SCENARIOS / "contact-centre.toml")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: sim.run(TUTORIAL, policy="proactiv"), sim.ArgumentError, "policy: unknown policy 'proactiv'; did you mean 'proactive'?"),
        (lambda: sim.run(TUTORIAL, days=0), sim.ArgumentError, "days: a run length in days of at least 0.001 (got 0)"),
        (lambda: sim.run(TUTORIAL, seed=-1), sim.ArgumentError, "seed: a whole number of 0 or more (got -1)"),
        (lambda: sim.run(TUTORIAL, interval=45), sim.ArgumentError, "interval: an interval is 15, 30 or 60 minutes (got 45)"),
        (lambda: sim.run("scenarios/nope.toml"), sim.ScenarioError, "scenarios/nope.toml: file not found"),
        (lambda: sim.run(42), sim.ArgumentError, "scenario: give a file path or what sim.load() returned (got int)"),
        (lambda: sim.replicate(TUTORIAL, reps=0), sim.ArgumentError, "reps: replications per policy, a whole number of at least 1 (got 0)"),
        (lambda: sim.replicate(TUTORIAL, reps=2, workers=0), sim.ArgumentError, "workers: worker processes, from 1 to 256 (got 0)"),
        (lambda: sim.compare(TUTORIAL, ["reactive"]), sim.ArgumentError, "policies: name at least two policies to compare"),
        (lambda: sim.compare(TUTORIAL, "reactive,proactive"), sim.ArgumentError, "policies: give a list of names"),
        (lambda: sim.compare(TUTORIAL, ["reactive", "reactive"]), sim.ArgumentError, "policies: a policy is named twice"),
        (lambda: sim.compare(TUTORIAL, ["reactive", "x"], reps=2), sim.ArgumentError, "policies: unknown policy 'x'"),
        (lambda: sim.compare(TUTORIAL, reps=1), sim.ArgumentError, "reps: replications per policy, a whole number of at least 2 (got 1)"),
        (lambda: sim.sweep(CENTRE, {}), sim.ArgumentError, "grid: give a mapping of scenario keys to values"),
        (lambda: sim.sweep(CENTRE, {"touchpoints.chat.agents": []}), sim.ArgumentError, "grid: touchpoints.chat.agents: no values"),
        (lambda: sim.sweep(CENTRE, {"touchpoints.chat.agnets": [2]}), SweepError, "unknown key 'agnets'; did you mean 'agents'?"),
        (lambda: sim.sweep(CENTRE, {"touchpoints.chat.agents": [-1]}), SweepError, "touchpoints.chat.agents=-1"),
        (lambda: sim.sweep(CENTRE, {"touchpoints.chat.agents": "3:1"}), SweepError, "the range 3:1 is empty"),
        (
            lambda: sim.sweep(CENTRE, {"touchpoints.chat.agents": [2]}, kpis=["channels.chat.ocupancy"]),
            sim.ArgumentError, "kpis: unknown KPI 'channels.chat.ocupancy'; did you mean 'channels.chat.occupancy'?",
        ),
    ],
)
def test_bad_input_raises_a_sim_error_naming_the_argument(call, error: type[Exception], message: str):
    with pytest.raises(error) as caught:
        call()
    assert isinstance(caught.value, sim.SimError)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)  # one line


def test_a_bad_metric_name_says_the_closest_one():
    reps = sim.replicate(TUTORIAL, reps=2, days=0.2, workers=1)
    with pytest.raises(sim.ArgumentError, match=r"no 'money.proft' in these results; did you mean 'money.profit'\?"):
        reps.mean("money.proft")


def test_a_loaded_scenario_whose_file_changed_is_refused(tmp_path):
    copy = tmp_path / "t.toml"
    copy.write_bytes((SCENARIOS / "tutorial.toml").read_bytes())
    loaded = sim.load(copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace("seed =", "seed = 1 #"), encoding="utf-8")
    with pytest.raises(sim.ArgumentError, match="changed since it was loaded; load it again"):
        sim.run(loaded, days=0.1)

