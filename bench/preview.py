"""Benchmark: how long an author waits in ``cxsim preview``, against one plain run of the same scenario.

Measures, on the flagship (scenarios/hike-launch.toml), in one process run:

- the reference: one plain run of the default policy over the whole horizon, in this process,
  after a one-day warm-up run (a cold first run would flatter every ratio);
- the full lesson check, 20 paired replications of every side the lessons compare, on 2 worker
  processes (``check_lessons``, as ``cxsim preview --reps 20``); target < 30 s on 2 cores;
- ``cxsim preview --watch``: the time from a save (a value changed in a copy of the file) to the
  first result on screen (the quick look); target < 2 s. Then, for the last save, the time until
  the watch's sequential lesson check has its verdicts (it stops once every lesson has settled, or
  at its cap of 20 replications): what an author actually waits for; reported, no target.

Each is also given as a ratio to the reference, measured in the same run, so that a result from
a slower or busier machine still reads correctly: the lesson check does 20 x (sides) runs, so its
ideal on 2 workers is 10 x (sides) references. The reference is measured before and after the
lesson check and the ratios use their mean (a shared machine's speed drifts from one minute to
the next), and the workers' CPU time per run is printed beside the reference's: the two differ
when both cores being busy slows each one down. The machine's load average is printed before and
after: on a shared machine every time here is longer than on an idle one. So is the Python that
runs it: an interpreter built without profile-guided and link-time optimisation (pyenv's default)
runs every time here about a fifth slower than a distribution's python3 (docs/authoring.md).

Usage: python bench/preview.py [--scenario scenarios/hike-launch.toml] [--reps 20] [--workers 2] [--saves 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import queue
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def reference(path: Path) -> tuple[float, float]:
    """Seconds (wall, CPU) for one plain run of the default policy over the whole horizon."""
    from sim.experiments.experiment import run_flat
    from sim.scenario.loader import read_scenario

    s = read_scenario(path).scenario
    run_flat(s, s.default_policy_name, days=1)  # warm-up: the first run in a process pays for imports and caches
    start, cpu = time.perf_counter(), time.process_time()
    run_flat(s, s.default_policy_name)
    return time.perf_counter() - start, time.process_time() - cpu


def children_cpu() -> float:
    """CPU seconds of the finished (reaped) child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def lesson_check(path: Path, reps: int, workers: int) -> tuple[float, int, list[str], float]:
    """Seconds for the full lesson check, the runs it did, each lesson's verdict, and its workers' CPU seconds."""
    from sim.authoring.lessons import check_lessons, sides
    from sim.scenario.loader import read_scenario

    s = read_scenario(path).scenario
    n_sides = len({side for lesson in s.lessons for side in sides(s, lesson)})
    start, cpu = time.perf_counter(), children_cpu()
    results = check_lessons(path.read_bytes(), path.name, s, reps=reps, workers=workers)
    return time.perf_counter() - start, reps * n_sides, [r.verdict for r in results], children_cpu() - cpu


def watch_timings(path: Path, saves: int, workers: int) -> tuple[list[float], float, str]:
    """Seconds from each save of a copy of ``path`` to the watch's first result for it (its check header);
    then, for the last save, the seconds until its sequential lesson check finished, and how it finished."""
    work = Path(tempfile.mkdtemp(prefix="cxsim-bench-watch-"))
    copy = work / path.name
    shutil.copy(path, copy)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "preview", "--watch", str(copy), "--workers", str(workers)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()

    def until(pattern: str) -> tuple[float, re.Match[str]]:
        while True:
            at, line = lines.get(timeout=300)
            found = re.search(pattern, line)
            if found:
                return at, found

    try:
        until(r"^=== check 1: .* valid")
        text = copy.read_text()
        seed = re.search(r"^seed = (\d+)$", text, re.MULTILINE)
        assert seed is not None
        times = []
        for i in range(saves):
            time.sleep(1.0)  # a pause, as between an author's saves
            saved = time.perf_counter()
            copy.write_text(text.replace(seed.group(0), f"seed = {int(seed.group(1)) + i + 1}"))
            times.append(until(rf"^=== check {i + 2}: .* valid")[0] - saved)
        at, found = until(r"lessons: (stopped early at \d+ reps|cap of \d+ reps reached)")
        return times, at - saved, found.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "hike-launch.toml")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--saves", type=int, default=3)
    args = parser.parse_args()
    path: Path = args.scenario
    print(f"Preview of {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({load()})")
    print(f"  on Python {platform.python_version()}, {sys.executable} ({os.path.realpath(sys.executable)})")
    before, before_cpu = reference(path)
    print(f"  reference, one plain run of the default policy: {before:6.2f} s ({before_cpu:.2f} s of CPU)")
    took, runs, verdicts, workers_cpu = lesson_check(path, args.reps, args.workers)
    after, after_cpu = reference(path)
    ref = (before + after) / 2
    print(f"  reference again, after the lesson check:         {after:6.2f} s ({after_cpu:.2f} s of CPU); mean {ref:.2f} s")
    print(
        f"  lesson check, {args.reps} paired replications ({runs} runs) on {args.workers} workers: {took:6.2f} s"
        f" = {took / ref:.1f} x the reference (ideal {runs / args.workers:.1f} x: {runs} runs / {args.workers} workers)"
    )
    print(
        f"    the workers' CPU: {workers_cpu:.1f} s = {workers_cpu / runs:.2f} s a run"
        f" (the reference's: {(before_cpu + after_cpu) / 2:.2f} s)"
    )
    met = ("met" if took < 30 else "NOT met") if args.reps == 20 else "not judged (it is for --reps 20)"
    print(f"    target < 30 s: {met}; verdicts: {', '.join(v.split(' (')[0] for v in verdicts)}")
    waits, settled, how = watch_timings(path, args.saves, args.workers)
    median = statistics.median(waits)
    print(
        f"  preview --watch, save to first result (median of {len(waits)} saves): {median:6.2f} s"
        f" = {median / ref:.2f} x the reference  (each: {', '.join(f'{w:.2f}' for w in waits)} s)"
    )
    print(f"    target < 2 s: {'met' if median < 2 else 'NOT met'}")
    print(
        f"  preview --watch, last save to the lessons' sequential verdicts: {settled:6.2f} s"
        f" = {settled / ref:.1f} x the reference ({how}; no target: what an author waits for verdicts)"
    )
    print(f"  after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
