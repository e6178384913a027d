"""Replications and comparisons as a manager runs them: seeds, intervals, workers, verdicts, bad flags."""

from __future__ import annotations

import json

import pytest
from helpers import SCENARIOS

from sim.rng import replication_seeds

HIKE = str(SCENARIOS / "hike-launch.toml")
CENTRE = str(SCENARIOS / "contact-centre.toml")


def test_replications_report_intervals_and_record_their_seeds(cxsim, tmp_path):
    out = tmp_path / "reps.json"
    res = cxsim("run", CENTRE, "--reps", "3", "--days", "1", "--seed", "5", "--workers", "1", "--json", str(out))
    assert res.exit_code == 0, res.stderr
    data = json.loads(out.read_text())
    assert data["format"] == "cxsim.experiment/1" and data["kind"] == "replications"
    assert data["seeds"] == replication_seeds(5, 3)
    assert len(data["replications"]) == 3
    profit = data["summary"]["reactive"]["money.profit"]
    assert profit["ci_low"] <= profit["mean"] <= profit["ci_high"] and profit["n"] == 3
    assert "±" in res.stdout and "phone abandonment" in res.stdout


def test_results_do_not_depend_on_the_number_of_workers(cxsim, tmp_path):
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.json"
        res = cxsim(
            "compare", HIKE, "--reps", "3", "--days", "3", "--workers", workers, "--json", str(out), "--csv", str(out) + ".csv"
        )
        assert res.exit_code == 0, res.stderr
        outputs.append((out.read_bytes(), (tmp_path / f"w{workers}.json.csv").read_bytes()))
    assert outputs[0] == outputs[1]


def test_common_random_numbers_narrow_the_comparison(cxsim):
    """Paired on the same seeds, the interval of a difference is narrower than if the runs were independent."""
    res = cxsim(
        "compare", HIKE, "--policies", "reactive,proactive", "--reps", "6", "--days", "20", "--workers", "2", "--json", "-"
    )
    assert res.exit_code == 0, res.stderr
    comparisons = {c["metric"]: c for c in json.loads(res.stdout)["comparisons"]}
    for metric in ("money.revenue", "experience.nps", "experience.repeat_purchase_rate"):
        c = comparisons[metric]
        assert c["difference"]["half_width"] < c["unpaired_half_width"], metric


def test_compare_prints_verdicts_in_plain_words(cxsim):
    res = cxsim("compare", HIKE, "--policies", "reactive,proactive", "--reps", "4", "--days", "10", "--workers", "2")
    assert res.exit_code == 0, res.stderr
    assert "Verdicts" in res.stdout
    assert "NPS, customers hit by a failure" in res.stdout
    assert "proactive raises" in res.stdout or "no detectable difference" in res.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["compare", HIKE, "--policies", "reactive,proactiv"], "unknown policy 'proactiv'; did you mean 'proactive'?"),
        (["compare", HIKE, "--policies", "reactive"], "name at least two policies"),
        (["compare", HIKE, "--policies", "reactive,reactive"], "named twice"),
        (["compare", HIKE, "--reps", "1"], "Invalid value for '--reps'"),
        (["run", HIKE, "--reps", "0"], "Invalid value for '--reps'"),
        (["run", HIKE, "--reps", "2", "--workers", "0"], "Invalid value for '--workers'"),
        (["run", HIKE, "--reps", "2", "--policy", "nope"], "unknown policy 'nope'"),
    ],
)
def test_bad_experiment_flags_are_one_line_and_exit_2(cxsim, args, expected):
    res = cxsim(*args)
    assert res.exit_code == 2, res.stdout + res.stderr
    assert expected in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_precision_adds_replications_until_the_interval_is_tight(cxsim, tmp_path):
    """Sequential stopping ends at N replications, and equals running N replications directly."""
    a, b = tmp_path / "precision.json", tmp_path / "fixed.json"
    res = cxsim(
        "run",
        CENTRE,
        "--precision",
        "0.02",
        "--kpi",
        "channels.phone.offered",
        "--days",
        "0.5",
        "--workers",
        "2",
        "--json",
        str(a),
    )
    assert res.exit_code == 0, res.stderr
    data = json.loads(a.read_text())
    n = data["reps"]
    offered = data["summary"]["reactive"]["channels.phone.offered"]
    assert n > 5 and offered["half_width"] <= 0.02 * offered["mean"]
    res = cxsim("run", CENTRE, "--reps", str(n), "--days", "0.5", "--workers", "1", "--json", str(b))
    assert res.exit_code == 0, res.stderr
    assert a.read_bytes() == b.read_bytes()


def test_precision_names_an_unknown_kpi(cxsim):
    res = cxsim("run", CENTRE, "--precision", "0.05", "--kpi", "money.nothing", "--days", "0.2")
    assert res.exit_code == 2 and "unknown KPI 'money.nothing'" in res.stderr


def test_a_dask_cluster_gives_the_same_bytes_as_local_workers(cxsim_process, tmp_path):
    """--scheduler runs the same jobs on Dask; fixed seeds and ordered gathering make the files identical."""
    distributed = pytest.importorskip("distributed")
    local = tmp_path / "local.json"
    res = cxsim_process("compare", HIKE, "--reps", "3", "--days", "2", "--workers", "1", "--json", str(local))
    assert res.returncode == 0, res.stderr
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    ) as cluster:
        on_dask = tmp_path / "dask.json"
        res = cxsim_process(
            "compare", HIKE, "--reps", "3", "--days", "2", "--scheduler", cluster.scheduler_address, "--json", str(on_dask)
        )
        assert res.returncode == 0, res.stderr
    assert on_dask.read_bytes() == local.read_bytes()


def test_an_unreachable_scheduler_is_one_clear_line(cxsim_process):
    res = cxsim_process("compare", HIKE, "--reps", "2", "--days", "1", "--scheduler", "tcp://127.0.0.1:9")
    assert res.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
