"""Real processes: workers end when the main process is killed or terminated, and a journal is locked while in use.

Each test starts ``python -m sim`` as a user would and acts on it from outside (kill -9, a second
command on the same output), so these run in new processes, not in-process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import ROOT, SCENARIOS

HIKE = str(SCENARIOS / "hike-launch.toml")
LONG_COMPARE = ["compare", HIKE, "--policies", "reactive,proactive", "--reps", "150", "--days", "8", "--no-progress"]  # long enough to outlast each test (which stops it), short of the cost note

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


def children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)


def test_kill_9_of_the_main_process_ends_its_workers(tmp_path):
    proc = start(*LONG_COMPARE, "--workers", "2", "--json", str(tmp_path / "c.json"))
    workers: set[int] = set()
    try:
        wait_for(lambda: len(children(proc.pid)) >= 2, 60, "two worker processes")
        workers = children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        wait_for(lambda: not any(running(w) for w in workers), 10, f"workers {sorted(workers)} to end")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of its process group (the workers, if they ran on)
        stop(proc)


def test_sigterm_of_the_main_process_ends_its_workers_and_keeps_the_journal(tmp_path):
    """SIGTERM (kill, a batch scheduler) to the main process alone stops the study as Ctrl-C does: at once, exit 143."""
    out = tmp_path / "c.json"
    journal = Path(f"{out}.partial.jsonl")
    proc = start(*LONG_COMPARE, "--workers", "2", "--json", str(out))
    workers: set[int] = set()
    try:
        wait_for(lambda: len(children(proc.pid)) >= 2, 60, "two worker processes")
        workers = children(proc.pid)
        wait_for(lambda: journal.exists() and journal.read_text().count("\n") >= 1, 60, "the first replication")
        os.kill(proc.pid, signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)  # not after the replications already handed to the workers
        assert proc.returncode == 143, stderr
        wait_for(lambda: not any(running(w) for w in workers), 10, f"workers {sorted(workers)} to end")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        stop(proc)
    kept = journal.read_text().count("\n")
    assert kept >= 1 and not out.exists()
    assert stderr.splitlines() == [f"terminated: {kept} of 300 replications kept in {journal}; run the same command with --resume to finish"]


def worker_init(parent: int, *, armed: bool = True) -> subprocess.Popen[str]:
    """A process that sets itself up as a replication worker of ``parent``, then waits."""
    code = textwrap.dedent(f"""
        import time
        from sim.experiments import workers
        if not {armed}:
            workers._die_with_parent = lambda: False  # as where prctl is not available: the watchdog thread
        workers.worker_init({parent})
        print("ready", flush=True)
        time.sleep(60)
    """)
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)


def test_a_worker_whose_parent_died_before_it_started_ends_at_once():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    worker = worker_init(gone.pid)
    out, _ = worker.communicate(timeout=30)
    assert worker.returncode == 1 and "ready" not in out


def test_without_the_death_signal_a_watchdog_ends_the_worker():
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = worker_init(parent.pid, armed=False)
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        parent.kill()
        parent.wait()
        worker.wait(timeout=10)
        assert worker.returncode == 1
    finally:
        parent.kill()
        worker.kill()
        worker.wait()
        parent.wait()


def test_a_second_run_on_a_journal_in_use_is_refused_in_one_line(tmp_path):
    out = tmp_path / "c.json"
    journal = Path(f"{out}.partial.jsonl")
    first = start(*LONG_COMPARE, "--workers", "1", "--json", str(out))
    try:
        wait_for(lambda: journal.exists() and journal.read_text().count("\n") >= 1, 60, "the first replication")
        for extra in ([], ["--resume"]):  # a plain retry, and two resumes of one journal (which corrupted it)
            second = subprocess.run(
                [sys.executable, "-m", "sim", *LONG_COMPARE, "--workers", "1", "--json", str(out), *extra],
                cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            assert second.returncode == 2, second.stderr
            lines = second.stderr.strip().splitlines()
            assert lines == [f"error: {journal} is in use by another cxsim run writing the same output: let it finish (or stop it) first"]
        assert first.poll() is None, "the first run was disturbed"
        os.killpg(first.pid, signal.SIGINT)
        _, stderr = first.communicate(timeout=60)
        assert first.returncode == 130, stderr
    finally:
        stop(first)
    for line in journal.read_text().splitlines():  # every line whole: nothing interleaved
        assert line.startswith('{"i": ') and line.endswith("}")


def test_a_stopped_pool_has_ended_its_workers_and_its_manager_thread():
    """After ``stop_workers`` nothing of the pool runs on: its processes are gone and its manager thread has
    finished (else the interpreter's exit can race that thread's closing of its pipe and print a traceback)."""
    from concurrent.futures import ProcessPoolExecutor

    from sim.experiments.workers import stop_workers, worker_init

    pool = ProcessPoolExecutor(max_workers=2, initializer=worker_init, initargs=(os.getpid(),))
    futures = [pool.submit(time.sleep, 60) for _ in range(4)]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(f.running() for f in futures):
        time.sleep(0.01)
    processes = list(pool._processes.values())
    manager = pool._executor_manager_thread
    assert processes and manager is not None and manager.is_alive()
    stop_workers(pool)
    assert not any(p.is_alive() for p in processes)
    assert not manager.is_alive()
    assert all(f.done() for f in futures)  # cancelled, or failed with the broken pool: nobody waits on them


def test_an_interrupted_study_exits_without_a_traceback_again_and_again(tmp_path):
    """Ctrl-C in the middle of replications: "interrupted" and exit 130, and nothing after it, ten times over."""
    script = tmp_path / "stop.py"
    script.write_text(textwrap.dedent(f"""
        import os, signal, sys, threading, time
        sys.path.insert(0, {str(ROOT)!r})
        from sim.experiments.experiment import Job, run_jobs
        data = open({HIKE!r}, "rb").read()
        jobs = [Job(data, "hike-launch.toml", "reactive", seed, 30.0) for seed in range(8)]
        threading.Timer(float(sys.argv[1]), lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        try:
            run_jobs(jobs, 2)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            sys.exit(130)
    """))  # fmt: skip
    for i in range(10):
        proc = subprocess.run(
            [sys.executable, str(script), str(0.3 + 0.07 * i)], capture_output=True, text=True, timeout=120, cwd=ROOT
        )
        assert proc.returncode == 130, proc.stderr
        assert proc.stderr.strip() == "interrupted", proc.stderr


def test_held_signals_raise_ctrl_c_only_at_the_check_and_restore_the_handlers():
    from sim.experiments.workers import held_signals

    before = signal.getsignal(signal.SIGINT)
    with held_signals() as check:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler has run by now: it only recorded the signal
        with pytest.raises(KeyboardInterrupt):
            check()
        check()  # once taken, it is gone
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt), held_signals():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the block ends without a check: the end of the block raises it


def test_a_long_study_hands_out_a_few_jobs_at_a_time_and_reports_every_one(monkeypatch):
    """Every job's result comes back exactly once, yet the pool never holds more than a few jobs per worker
    that have not been reported: waiting for the next result stays cheap however long the study."""
    from sim.experiments import workers

    submitted: list[int] = []

    class Counting(workers.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            submitted.append(args[0])
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Counting)
    jobs = list(range(-300, 0))
    reported: list[tuple[int, int]] = []
    in_flight: list[int] = []

    def on_result(i: int, result: int) -> None:
        in_flight.append(len(submitted) - len(reported))
        reported.append((i, result))

    workers.run_on_workers(abs, jobs, 2, on_result)
    assert sorted(reported) == [(i, -job) for i, job in enumerate(jobs)]
    assert submitted == jobs  # handed out in job order
    assert max(in_flight) <= 2 * workers.IN_FLIGHT_PER_WORKER
