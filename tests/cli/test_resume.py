"""Ctrl-C keeps every finished replication, and --resume finishes the run with identical results."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from helpers import ROOT, SCENARIOS

HIKE = str(SCENARIOS / "hike-launch.toml")
SWEEP = ["sweep", HIKE, "--set", "touchpoints.phone.shifts.0.agents=1:3", "--reps", "4", "--days", "8", "--workers", "2"]


def test_an_interrupted_sweep_resumes_to_the_same_results(cxsim, tmp_path):
    whole, part = tmp_path / "whole.json", tmp_path / "part.json"
    assert cxsim(*SWEEP, "--json", str(whole)).exit_code == 0
    journal = tmp_path / "part.json.partial.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *SWEEP, "--json", str(part)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and len(journal.read_text().splitlines()) >= 2:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group, workers included
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "replications kept in" in stderr and "--resume" in stderr
    assert "Traceback" not in stderr
    assert not part.exists() and journal.exists()
    kept = len(journal.read_text().splitlines())
    assert 2 <= kept < 12

    refused = cxsim(*SWEEP, "--json", str(part))
    assert refused.exit_code == 2 and "add --resume" in refused.stderr
    resumed = cxsim(*SWEEP, "--json", str(part), "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    assert part.read_bytes() == whole.read_bytes()
    assert not journal.exists()


def test_resume_needs_a_file_and_something_to_resume(cxsim, tmp_path):
    assert "--resume needs --json PATH" in cxsim(*SWEEP, "--resume").stderr
    res = cxsim(*SWEEP, "--json", str(tmp_path / "x.json"), "--resume")
    assert res.exit_code == 2 and "nothing to resume" in res.stderr


def test_a_journal_from_another_experiment_is_refused(cxsim, tmp_path):
    out = tmp_path / "r.json"
    (tmp_path / "r.json.partial.jsonl").write_text('{"i": 0, "job": ["reactive", 1, [], 8], "metrics": {}}\n{"i": 1}\n')
    res = cxsim(*SWEEP, "--json", str(out), "--resume")
    assert res.exit_code == 2 and "cannot resume: it was written by another version of cxsim" in res.stderr


def _journal_of(path, data: bytes, days: float = 1.0):
    from sim.experiments.experiment import Journal, plan

    journal = Journal(path)
    for i, job in enumerate(plan(data, "s.toml", ["reactive", "proactive"], 7, 2, days)[:3]):
        journal.add(i, job, {"x": 1.0})
    return journal


def test_resume_refuses_a_scenario_whose_content_changed(tmp_path):
    from sim.experiments.experiment import Journal, JournalError, plan

    text = (SCENARIOS / "hike-launch.toml").read_text()
    data = text.encode()
    _journal_of(tmp_path / "j.jsonl", data)
    same_values = ("# a comment a trainer added\n" + text.replace(" = ", "  =  ")).encode()
    assert Journal(tmp_path / "j.jsonl").load(plan(same_values, "s.toml", ["reactive", "proactive"], 7, 2, 1.0)) == {0, 1, 2}
    busier = re.sub(r"customers_per_hour = ([0-9.]+)", lambda m: f"customers_per_hour = {float(m.group(1)) * 1.5}", text, count=1)
    for changed, words in (
        (plan(busier.encode(), "s.toml", ["reactive", "proactive"], 7, 2, 1.0), "the scenario's content changed"),
        (plan(data, "s.toml", ["reactive", "proactive"], 7, 2, 2.0), "--days differs"),
        (plan(data, "s.toml", ["proactive", "reactive"], 7, 2, 1.0), "the policies differ"),
        (plan(data, "s.toml", ["reactive", "proactive"], 8, 2, 1.0), "--seed or --reps differ"),
    ):
        with pytest.raises(JournalError, match="cannot resume: ") as info:
            Journal(tmp_path / "j.jsonl").load(changed)
        assert words in str(info.value) and "\n" not in str(info.value)
