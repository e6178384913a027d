"""Experiment results stream from the journal on disk: same text as a whole-data dump, flat memory."""

from __future__ import annotations

import io
import json

from helpers import SCENARIOS

from sim.experiments.experiment import STREAM_TOKEN, Journal, collect, plan, replication_rows, run_jobs, to_dict, write_json
from sim.experiments.stats import Running, mean_interval, paired_interval


def experiment(tmp_path, reps=4):
    path = SCENARIOS / "tutorial.toml"
    jobs = plan(path.read_bytes(), path.name, ["reactive", "proactive"], 3, reps, 0.5)
    journal = Journal(tmp_path / "j.jsonl")
    assert run_jobs(jobs, 1, journal=journal) == []  # nothing kept in memory
    exp = collect(jobs, journal, title="t", file="f", sha256="", currency="EUR", channels=["phone"],
                  policies=["reactive", "proactive"], base_seed=3, days=0.5)  # fmt: skip
    return exp, journal


def test_streamed_json_is_the_same_text_as_dumping_everything(tmp_path):
    exp, _ = experiment(tmp_path)
    whole = json.dumps(to_dict(exp, compare=True), indent=2, allow_nan=False) + "\n"
    token = STREAM_TOKEN.format(0)
    buf = io.StringIO()
    write_json(to_dict(exp, compare=True, stream=token), {token: lambda: replication_rows(exp)}, buf)
    assert buf.getvalue() == whole
    assert len(json.loads(whole)["replications"]) == 8


def test_running_summaries_match_the_list_formulas(tmp_path):
    exp, _ = experiment(tmp_path)
    runs = {p: list(exp.iter_runs(p)) for p in exp.policies}
    metric = "journey.orders"
    listed = mean_interval([r[metric] for r in runs["reactive"]])
    streamed = exp.summary("reactive")[metric]
    assert abs(streamed.mean - listed.mean) < 1e-9 and abs(streamed.low - listed.low) < 1e-6
    paired = paired_interval([r[metric] for r in runs["reactive"]], [r[metric] for r in runs["proactive"]])
    diff, _ = exp.comparison("proactive", metric)
    assert abs(diff.mean - paired.mean) < 1e-9 and abs(diff.high - paired.high) < 1e-6
    acc = Running()
    for x in (1.0, 2.0, 4.0):
        acc.add(x)
    assert acc.mean == 7 / 3 and abs(acc.variance - 7 / 3) < 1e-12


def test_a_journal_cut_mid_line_resumes_without_that_line(tmp_path):
    _, journal = experiment(tmp_path, reps=2)
    size = journal.path.stat().st_size
    with journal.path.open("ab") as handle:
        handle.write(b'{"i": 3, "job": ["proac')
    path = SCENARIOS / "tutorial.toml"
    jobs = plan(path.read_bytes(), path.name, ["reactive", "proactive"], 3, 2, 0.5)
    again = Journal(journal.path)
    assert again.load(jobs) == {0, 1, 2, 3}
    assert journal.path.stat().st_size == size  # the cut line is dropped, so appending goes on cleanly
