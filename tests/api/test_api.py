"""``import sim`` gives load, run, replicate, compare and sweep: typed results, and the numbers the CLI gives for the same seed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import ROOT, SCENARIOS

import sim

TUTORIAL = str(SCENARIOS / "tutorial.toml")
CENTRE = str(SCENARIOS / "contact-centre.toml")


@pytest.fixture(scope="module")
def comparison() -> sim.Comparison:
    return sim.compare(TUTORIAL, ["reactive", "proactive"], reps=3, days=1, workers=1)


@pytest.fixture(scope="module")
def swept() -> sim.SweepResult:
    return sim.sweep(CENTRE, {"touchpoints.chat.agents": range(2, 4)}, reps=2, days=1, workers=1)


def test_import_sim_documents_and_exports_the_five_functions():
    for name in ("load", "run", "replicate", "compare", "sweep"):
        assert name in sim.__all__ and callable(getattr(sim, name))
        assert f"``{name}(" in sim.__doc__, name  # the package's docstring says how to call it
        assert getattr(sim, name).__doc__
    # the names load on first use: `import sim` alone still pays for nothing heavy
    code = "import sim, sys; print('numpy' in sys.modules, 'pandas' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert found.stdout.split() == ["False", "False"]


def test_load_gives_the_validated_scenario():
    loaded = sim.load(TUTORIAL)
    assert isinstance(loaded, sim.LoadedScenario) and loaded.scenario.title and len(loaded.sha256) == 64
    assert sim.run(loaded, days=0.5).metrics == sim.run(TUTORIAL, days=0.5).metrics  # a loaded scenario or its path


def test_run_is_cxsim_run(cxsim):
    result = sim.run(TUTORIAL, policy="proactive", seed=7, days=1)
    assert isinstance(result, sim.RunResult) and (result.policy, result.seed, result.currency) == ("proactive", 7, "EUR")
    cli = cxsim("run", TUTORIAL, "--policy", "proactive", "--seed", "7", "--days", "1", "--json", "-")
    assert cli.exit_code == 0, cli.output
    assert result.to_dict() == json.loads(cli.stdout)
    assert result.metrics["money.profit"] == json.loads(cli.stdout)["money"]["profit"]
    assert result.metrics["channels.phone.agent_hours"] == json.loads(cli.stdout)["channels"]["phone"]["agent_hours"]


def test_run_with_intervals_keeps_the_cells():
    result = sim.run(CENTRE, days=1, interval=60)
    rows = result.to_dict()["intervals"]["channels"]["phone"]
    assert len(rows) == 24 and "intervals.phone.mon.09:00.service_level" in result.metrics


def test_replicate_is_cxsim_run_reps(cxsim):
    reps = sim.replicate(TUTORIAL, reps=3, days=1, workers=1)
    assert isinstance(reps, sim.Replications) and reps.policy == "reactive" and reps.reps == 3
    profit = reps.mean("money.profit")
    assert isinstance(profit, sim.Interval) and profit.n == 3 and profit.low <= profit.mean <= profit.high
    assert [r["money.profit"] for r in reps.runs()] and len(reps.runs()) == 3
    cli = cxsim("run", TUTORIAL, "--reps", "3", "--days", "1", "--workers", "1", "--no-progress", "--json", "-")
    assert cli.exit_code == 0, cli.output
    assert reps.to_dict() == json.loads(cli.stdout)


def test_compare_is_cxsim_compare_number_for_number(cxsim, comparison: sim.Comparison):
    cli = cxsim(
        "compare", TUTORIAL, "--policies", "reactive,proactive", "--reps", "3", "--days", "1", "--workers", "1",
        "--no-progress", "--json", "-",
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    data = json.loads(cli.stdout)
    assert comparison.to_dict() == data
    profit = comparison.summary["proactive"]["money.profit"]
    assert profit.mean == data["summary"]["proactive"]["money.profit"]["mean"]
    assert (profit.low, profit.high) == tuple(data["summary"]["proactive"]["money.profit"][k] for k in ("ci_low", "ci_high"))


def test_compare_gives_typed_paired_differences_and_verdicts(comparison: sim.Comparison):
    assert comparison.baseline == "reactive" and comparison.policies == ["reactive", "proactive"] and comparison.reps == 3
    diff = comparison.differences["proactive"]["money.profit"]
    assert isinstance(diff, sim.Difference) and isinstance(diff.difference, sim.Interval)
    assert diff.unit == "currency" and diff.higher_is_better is True and diff.baseline == "reactive"
    assert diff.verdict.startswith(diff.effect) and diff.verdict in comparison.verdicts
    assert len(comparison.verdicts) == len(comparison.to_dict()["comparisons"])
    # any metric, not only the headline ones, as a paired interval on the same seeds
    runs_a, runs_b = comparison.runs("reactive"), comparison.runs("proactive")
    offered = comparison.paired("proactive", "channels.phone.offered")
    by_hand = [b["channels.phone.offered"] - a["channels.phone.offered"] for a, b in zip(runs_a, runs_b, strict=True)]
    assert offered.mean == pytest.approx(sum(by_hand) / 3) and offered.n == 3


def test_sweep_is_cxsim_sweep(cxsim, swept: sim.SweepResult):
    cli = cxsim(
        "sweep", CENTRE, "--set", "touchpoints.chat.agents=2:3", "--reps", "2", "--days", "1", "--workers", "1",
        "--no-progress", "--json", "-",
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    assert swept.to_dict() == json.loads(cli.stdout)


def test_sweep_points_have_summaries_and_paired_steps(swept: sim.SweepResult):
    assert swept.keys == ["touchpoints.chat.agents"] and [p.values for p in swept.points] == [
        {"touchpoints.chat.agents": 2}, {"touchpoints.chat.agents": 3},
    ]  # fmt: skip
    first, second = swept.points
    assert first.change is None and second.previous == {"touchpoints.chat.agents": 2}
    step = second.change["reactive"]["channels.chat.abandon_rate"]
    before = first.summary["reactive"]["channels.chat.abandon_rate"].mean
    after = second.summary["reactive"]["channels.chat.abandon_rate"].mean
    assert isinstance(step, sim.Interval) and step.mean == pytest.approx(after - before) and step.mean < 0  # a third agent
    levels = swept.table("channels.chat.service_level")
    assert [values for values, _ in levels] == [p.values for p in swept.points] and levels[1][1].mean > levels[0][1].mean


def test_sweep_takes_the_set_syntax_and_lists_and_grids():
    text = sim.sweep(CENTRE, {"touchpoints.chat.agents": "2:3"}, reps=1, days=0.2, workers=1)
    listed = sim.sweep(CENTRE, {"touchpoints.chat.agents": [2, 3]}, reps=1, days=0.2, workers=1)
    assert text.to_dict() == listed.to_dict()
    grid = sim.sweep(
        CENTRE, {"touchpoints.chat.agents": [2, 3], "touchpoints.phone.shifts.1.agents": 9}, reps=1, days=0.2, workers=1
    )
    assert [p.values["touchpoints.phone.shifts.1.agents"] for p in grid.points] == [9, 9]


def test_workers_do_not_change_the_numbers():
    one = sim.replicate(TUTORIAL, reps=2, days=0.5, workers=1)
    two = sim.replicate(TUTORIAL, reps=2, days=0.5, workers=2)
    assert one.to_dict() == two.to_dict()


def test_with_and_without_responses_are_the_clis_with_and_without(cxsim):
    """A derived policy from the API gives cxsim compare --with's numbers, under the same name; bad names are one line."""
    mine = sim.compare(TUTORIAL, ["reactive"], with_responses=["email_everyone"], reps=2, days=2, workers=1)
    assert mine.policies == ["reactive", "reactive+email_everyone"]
    cli = cxsim(
        "compare", TUTORIAL, "--policies", "reactive", "--with", "email_everyone", "--reps", "2", "--days", "2",
        "--workers", "1", "--no-progress", "--json", "-",
    )  # fmt: skip
    assert cli.exit_code == 0, cli.stderr
    assert mine.to_dict()["replications"] == json.loads(cli.stdout)["replications"]
    assert mine.summary["reactive+email_everyone"] != mine.summary["reactive"]  # the e-mail changes something

    single = sim.run(TUTORIAL, policy="reactive", without_responses=["apologise"], days=10)
    assert single.policy == "reactive-apologise"
    assert single.metrics != sim.run(TUTORIAL, policy="reactive", days=10).metrics
    reps = sim.replicate(TUTORIAL, policy="reactive", with_responses=["email_everyone"], reps=2, days=2, workers=1)
    assert reps.policies == ["reactive+email_everyone"]

    with pytest.raises(sim.ArgumentError, match=r"^with_responses: unknown response 'emial_everyone'.*email_everyone"):
        sim.compare(TUTORIAL, ["reactive"], with_responses=["emial_everyone"], reps=2, days=1, workers=1)
    with pytest.raises(sim.ArgumentError, match=r"^with_responses: give a list of response names"):
        sim.run(TUTORIAL, with_responses="email_everyone")
