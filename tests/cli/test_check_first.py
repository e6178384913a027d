"""Check before working: outputs, sweep ranges and worker counts are checked before any replication runs.

Each bad value is one line and exit 2, and nothing has run (the replication runner is replaced by
one that fails the test). A journal is locked while in use and a leftover one is named by the
next command that would write that output; the processes themselves are in test_processes.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
from helpers import ROOT, SCENARIOS

from sim.atomic import can_create
from sim.experiments import experiment, workers
from sim.experiments.journal import Journal, JournalBusy

TUTORIAL = SCENARIOS / "tutorial.toml"


@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a replication or a single run starts."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a replication ran before the flags were checked")

    monkeypatch.setattr(experiment, "run_jobs", refuse)
    import sim.cli.progress

    monkeypatch.setattr(sim.cli.progress, "run_with_progress", refuse)


def one_line(res) -> str:
    assert res.exit_code == 2, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
    return lines[0]


STUDIES = {
    "run": ["run", "{file}", "--no-progress"],
    "run --reps": ["run", "{file}", "--reps", "2", "--no-progress"],
    "compare": ["compare", "{file}", "--reps", "2", "--no-progress"],
    "sweep": ["sweep", "{file}", "--set", "touchpoints.phone.agents=2:3", "--reps", "2", "--no-progress"],
}


def study(name: str, file: object, *extra: str) -> list[str]:
    return [a.format(file=file) for a in STUDIES[name]] + list(extra)


@pytest.mark.parametrize("name", list(STUDIES))
@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--json", "{dir}", "it is a folder"),
        ("--csv", "{dir}", "it is a folder"),
        ("--json", "", "not a file name"),
        ("--csv", "", "not a file name"),  # a Path option: '' is '.'
        ("--json", ".", "not a file name"),
        ("--json", "{dir}/", "not a file name"),
        ("--json", "{dir}/missing/x.json", "folder"),
        ("--csv", "{dir}/missing/x.csv", "does not exist"),
        ("--json", "{scenario}", "it is the input file"),
        ("--csv", "{scenario}", "it is the input file"),
        ("--json", "/dev/null", "not a regular file"),
    ],
)
def test_a_bad_output_is_one_line_exit_2_before_anything_runs(cxsim, nothing_runs, tmp_path, name, flag, value, expected):
    scenario = tmp_path / "t.toml"
    shutil.copy(TUTORIAL, scenario)
    before = scenario.read_bytes()
    target = value.format(dir=tmp_path, scenario=scenario)
    line = one_line(cxsim(*study(name, scenario), flag, target))
    assert expected in line, line
    assert scenario.read_bytes() == before, "the scenario was overwritten"


def test_json_pointed_at_the_scenario_through_another_path_is_refused(cxsim, nothing_runs, tmp_path, monkeypatch):
    scenario = tmp_path / "x.toml"
    shutil.copy(TUTORIAL, scenario)
    (tmp_path / "link.toml").symlink_to(scenario)
    monkeypatch.chdir(tmp_path)
    for target in ("./x.toml", "link.toml", str(scenario)):
        assert "it is the input file" in one_line(cxsim("compare", "x.toml", "--reps", "2", "--json", target))
    assert scenario.read_bytes() == TUTORIAL.read_bytes()


def test_two_outputs_naming_one_file_are_refused(cxsim, nothing_runs, tmp_path):
    out = tmp_path / "out"
    line = one_line(cxsim("compare", str(TUTORIAL), "--reps", "2", "--json", str(out), "--csv", str(out)))
    assert "two outputs name the same file" in line


def test_a_folder_that_refuses_new_files_is_refused(cxsim, nothing_runs, tmp_path):
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
    else:  # root writes anywhere its permissions allow: use a filesystem that refuses files even to root
        folder = next((f for f in (ROOT.anchor + "sys", "/proc") if os.path.isdir(f) and can_create(f"{f}/x")), None)
        if folder is None:
            pytest.skip("no folder refuses new files to root here")
    line = one_line(cxsim("compare", str(TUTORIAL), "--reps", "2", "--json", f"{folder}/cmp.json"))
    assert "does not take new files" in line


def test_report_and_replay_check_their_outputs_too(cxsim, tmp_path):
    results = tmp_path / "r.json"
    assert cxsim("run", str(TUTORIAL), "--days", "1", "--json", str(results)).exit_code == 0
    assert "it is a folder" in one_line(cxsim("report", str(results), "--out", str(tmp_path)))
    assert "it is the input file" in one_line(cxsim("report", str(results), "--out", str(results)))
    assert "does not exist" in one_line(cxsim("schema", "--out", str(tmp_path / "no" / "s.json")))
    assert "it is a folder" in one_line(cxsim("schema", "--out", str(tmp_path)))


# --- sweep ranges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("0:inf", "a range needs finite numbers (got 'inf' in '0:inf')"),
        ("nan:3", "a range needs finite numbers (got 'nan' in 'nan:3')"),
        ("1:5:nan", "finite numbers"),
        ("-inf:0", "finite numbers"),
        ("0:1:1e-9", "has 1,000,000,001 values; a grid has at most 10,000 points"),
        ("0:1e400", "a grid has at most 10,000 points"),
        ("0:1e999999999", "too many values to count"),
        ("nan", "'nan' is not a finite number"),
        ("1,inf", "'inf' is not a finite number"),
    ],
)
def test_a_sweep_range_is_checked_before_it_is_built(cxsim, nothing_runs, spec, expected):
    started = time.monotonic()
    line = one_line(cxsim("sweep", str(TUTORIAL), "--set", f"arrivals.customers_per_hour={spec}", "--reps", "2"))
    assert expected in line, line
    assert time.monotonic() - started < 10


def test_a_grid_too_large_is_refused_from_the_sizes_of_its_ranges(cxsim, nothing_runs):
    res = cxsim("sweep", str(TUTORIAL), "--set", "seed=1:101", "--set", "horizon_days=1:100", "--reps", "1")
    assert "the grid has 10,100 points; at most 10,000" in one_line(res)


def test_k_0_to_inf_never_hangs_in_a_real_process():
    """The issue's own example: it looped, growing memory, until killed."""
    res = subprocess.run(
        [sys.executable, "-m", "sim", "sweep", str(TUTORIAL), "--set", "seed=0:inf", "--reps", "2"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert res.returncode == 2 and "finite numbers" in res.stderr and len(res.stderr.strip().splitlines()) == 1


# --- workers ------------------------------------------------------------------------------------


def test_never_more_worker_processes_than_jobs(cxsim, monkeypatch, tmp_path):
    asked: list[int] = []
    real = workers.ProcessPoolExecutor

    def counting(max_workers: int, **kwargs: object):
        asked.append(max_workers)
        return real(max_workers=max_workers, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", counting)
    res = cxsim("compare", str(TUTORIAL), "--reps", "2", "--days", "1", "--workers", "64", "--json", str(tmp_path / "c.json"))
    assert res.exit_code == 0, res.stderr
    assert asked == [4]  # 2 policies x 2 replications


def test_an_absurd_worker_count_is_refused(cxsim, nothing_runs):
    line = one_line(cxsim("compare", str(TUTORIAL), "--reps", "2", "--workers", "100000"))
    assert "--workers" in line


# --- journals ------------------------------------------------------------------------------------


def test_a_journal_in_use_is_refused_to_a_second_user(tmp_path):
    first, second = Journal(tmp_path / "c.json.partial.jsonl"), Journal(tmp_path / "c.json.partial.jsonl")
    first.lock()
    with pytest.raises(JournalBusy, match="in use by another cxsim run"):
        second.lock()
    first.release()
    second.lock()  # free again once the first lets go
    second.remove()
    assert not (tmp_path / "c.json.partial.jsonl").exists()


def test_a_leftover_journal_is_named_by_the_next_command_that_would_use_the_output(cxsim, nothing_runs, tmp_path):
    out = tmp_path / "cmp.json"
    journal = tmp_path / "cmp.json.partial.jsonl"
    journal.write_text('{"i": 0, "job": ["reactive", 1, [], null], "metrics": {}}\n')
    line = one_line(cxsim("compare", str(TUTORIAL), "--reps", "2", "--json", str(out)))
    assert line == f"error: an interrupted run left {journal}: add --resume to finish it, or delete it to start over"
    assert journal.exists(), "the leftover journal is kept"
    line = one_line(cxsim("report", str(out)))
    assert f"cmp.json: file not found (an interrupted run left {journal}: finish it by running its command again" in line


def test_a_single_run_over_a_leftover_journal_says_so(cxsim, tmp_path):
    out = tmp_path / "cmp.json"
    journal = tmp_path / "cmp.json.partial.jsonl"
    journal.write_text('{"i": 0}\n')
    res = cxsim("run", str(TUTORIAL), "--days", "1", "--json", str(out))
    assert res.exit_code == 0, res.stderr
    assert f"note: an interrupted run left {journal}" in res.stderr
    report = cxsim("report", str(out), "--out", str(tmp_path / "r.html"))
    assert report.exit_code == 0 and f"note: an interrupted run left {journal}" in report.stderr


def test_an_empty_journal_left_by_a_run_killed_before_any_replication_is_no_obstacle(cxsim, tmp_path):
    out = tmp_path / "c.json"
    (tmp_path / "c.json.partial.jsonl").write_text("")
    res = cxsim("compare", str(TUTORIAL), "--reps", "2", "--days", "1", "--workers", "1", "--json", str(out))
    assert res.exit_code == 0, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json"]


def test_a_scratch_journal_left_by_a_killed_run_is_removed_by_the_next(tmp_path, monkeypatch):
    import tempfile

    from sim.atomic import host_tag

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f"cxsim-{gone.pid}-{host_tag()}-x1y2.jsonl"
    live = tmp_path / f"cxsim-{os.getppid()}-{host_tag()}-x1y2.jsonl"  # a live process's: kept
    for path in (stale, live):
        path.write_text("")
    journal = Journal.scratch()
    assert journal.path.parent == tmp_path and journal.path.name.startswith(f"cxsim-{os.getpid()}-")
    assert not stale.exists() and live.exists()
    journal.remove()
