"""Atomic writes: a write killed with kill -9 leaves a temp file the next write to that target removes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from helpers import ROOT

from sim.atomic import can_create, clean_stale, host_tag, open_atomic, stale_temp_files, temp_name, write_text_atomic


def dead_pid() -> int:
    """The id of a process that has just ended (not reused this quickly)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temp_names_say_target_process_and_machine(tmp_path):
    name = temp_name(tmp_path / "cmp.json")
    assert name.startswith(f".cmp.json.{os.getpid()}.{host_tag()}.") and name.endswith(".tmp")
    assert temp_name(tmp_path / "cmp.json") != name  # two writes of one process never share a temp file


def test_a_killed_write_leaves_a_temp_file_the_next_write_removes(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    code = textwrap.dedent(f"""
        import sys, time
        from sim.atomic import open_atomic
        with open_atomic({str(target)!r}) as handle:
            handle.write("half of the new")
            handle.flush()
            print("writing", flush=True)
            time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        child.kill()
        child.wait()
    left = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(f".out.json.{child.pid}.")
    assert target.read_text() == "old"  # the old file is intact
    write_text_atomic(target, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    assert target.read_text() == "new"


def test_only_dead_writers_temp_files_of_the_same_target_are_removed(tmp_path):
    target = tmp_path / "r.json"
    tag = host_tag()
    dead = tmp_path / f".r.json.{dead_pid()}.{tag}.abcdef.tmp"
    alive = tmp_path / f".r.json.{os.getppid()}.{tag}.abcdef.tmp"  # a live process (the test runner's parent)
    mine = tmp_path / f".r.json.{os.getpid()}.{tag}.abcdef.tmp"  # this process may be writing it now
    other_machine = tmp_path / f".r.json.{dead_pid()}.00000000.abcdef.tmp"
    other_target = tmp_path / f".q.json.{dead_pid()}.{tag}.abcdef.tmp"
    legacy = tmp_path / ".r.json.x1y2z3ab.tmp"  # mkstemp's name: no process to check, kept
    for path in (dead, alive, mine, other_machine, other_target, legacy):
        path.write_text("x")
    assert stale_temp_files(target) == [dead]
    with open_atomic(target) as handle:
        handle.write("{}")
    assert not dead.exists()
    assert all(p.exists() for p in (alive, mine, other_machine, other_target, legacy))
    clean_stale(tmp_path / "missing-folder" / "x.json")  # no folder: nothing to do, no error


def test_can_create_reports_a_folder_that_refuses_files(tmp_path):
    assert can_create(tmp_path / "x.json") is None
    assert sorted(tmp_path.iterdir()) == []  # the probe leaves nothing behind
    assert isinstance(can_create(tmp_path / "missing" / "x.json"), FileNotFoundError)
