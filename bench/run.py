"""Benchmark: cxsim against a minimal hand-written SimPy model of the same queue, in one run.

Erlang-A contact centre: arrivals 9.5/min, 10 agents, exponential handle time (mean 1 min),
exponential patience (mean 2 min). Prints customers simulated per second for:

- the hand-written model (the reference);
- cxsim as a pure queueing study (``[customer_model] enabled = false``): the same work as the
  reference, through the full pipeline; target ratio >= 1.0;
- cxsim with the customer model on (moments, memory, surveys, loyalty per customer): it does
  work the reference does not, and still must not cost much: target ratio >= 0.8 (issue 10);

the peak memory of a 1,000,000-customer run with the customer model on (target < 300 MB), the
peak memory of a sweep with 1,000 replications per grid point against one with 100 (flat:
ratio <= 1.2, because results stream to disk), and how long ``cxsim --help`` takes to start
against ``python -c pass`` (target < 300 ms).

Usage: python bench/run.py [--customers 200000] [--memory-customers 1000000] [--repeat 3] [--startup-runs 15]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LAM, AGENTS, HANDLE, PATIENCE = 9.5, 10, 1.0, 2.0

SCENARIO = """
schema_version = 1
title = "bench: Erlang A"
seed = 1
horizon_days = {days}

[segments.all]
share = 1.0

[arrivals]
customers_per_hour = {per_hour}

[touchpoints.phone]
kind = "staffed"
channel = "phone"
agents = {agents}
handle_min = {{ dist = "exponential", mean = {handle} }}
patience_min = {{ dist = "exponential", mean = {patience} }}

[journey]
entry = {{ phone = 1.0 }}

[policies.none]

[customer_model]
enabled = {experience}
feedback = false  # no returning or referred customers: the arrival stream stays Poisson
"""


def reference(customers: int, seed: int = 1) -> tuple[float, float]:
    """A minimal SimPy model written by hand (the SimPy bank_renege idiom); returns (seconds, abandon rate)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    abandoned = 0

    def caller() -> simpy.events.ProcessGenerator:
        nonlocal abandoned
        with agents.request() as req:
            got = yield req | env.timeout(rng.expovariate(1 / PATIENCE))
            if req in got:
                yield env.timeout(rng.expovariate(1 / HANDLE))
            else:
                abandoned += 1

    def source() -> simpy.events.ProcessGenerator:
        for _ in range(customers):
            yield env.timeout(rng.expovariate(LAM))
            env.process(caller())

    start = time.perf_counter()
    env.process(source())
    env.run()
    return time.perf_counter() - start, abandoned / customers


def cxsim_run(customers: int, experience: bool = False) -> tuple[float, float, int]:
    """The full cxsim pipeline: TOML -> validated scenario -> engine -> metrics -> results."""
    from sim import Simulation, parse_scenario
    from sim.results.results import build_results

    days = customers / LAM / 1440
    start = time.perf_counter()
    text = SCENARIO.format(
        days=days, per_hour=LAM * 60, agents=AGENTS, handle=HANDLE, patience=PATIENCE, experience=str(experience).lower()
    )
    scenario = parse_scenario(text.encode(), "bench.toml").scenario
    sim = Simulation(scenario)
    sim.run()
    results = build_results(sim)
    elapsed = time.perf_counter() - start
    ch = results["channels"]["phone"]
    return elapsed, ch["abandon_rate"], results["customers"]["arrived"]


def replications_per_second(workers: int, reps: int, days: float) -> float:
    """Replications of the flagship scenario per second on ``workers`` local processes."""
    from sim.experiments.experiment import plan, run_jobs

    data = (ROOT / "scenarios" / "hike-launch.toml").read_bytes()
    jobs = plan(data, "hike-launch.toml", ["reactive"], 1, reps, days)
    start = time.perf_counter()
    run_jobs(jobs, workers)
    return reps / (time.perf_counter() - start)


def peak_memory_mb(customers: int) -> float:
    """Peak resident memory of a separate process running cxsim on ``customers`` customers.

    The child reports its own peak (VmHWM; see PEAK_KB): RUSAGE_CHILDREN would be the largest of
    every child this benchmark started, worker processes included.
    """
    code = PEAK_KB + (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
        f"import run; run.cxsim_run({customers}, True); print(_peak_kb())"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


# NOTE: ru_maxrss survives execve, so a child started by a big benchmark process would report
# the parent's peak; VmHWM (Linux) belongs to the child's own address space.
PEAK_KB = (
    "def _peak_kb():\n"
    "    try:\n"
    "        for line in open('/proc/self/status'):\n"
    "            if line.startswith('VmHWM:'):\n"
    "                return int(line.split()[1])\n"
    "    except OSError:\n"
    "        pass\n"
    "    import resource\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
)


def sweep_peak_mb(reps: int, folder: Path) -> float:
    """Peak resident memory of ``cxsim sweep`` with ``reps`` replications per grid point (one process).

    Results go to a journal on disk and are streamed into the output files, so the peak should
    not grow with the number of replications.
    """
    out = folder / f"sweep-{reps}.json"
    args = [
        "sweep", str(ROOT / "scenarios" / "tutorial.toml"), "--set", "arrivals.customers_per_hour=4,6", "--reps", str(reps),
        "--days", "1", "--workers", "1", "--json", str(out), "--csv", str(out) + ".csv", "--no-progress",
    ]  # fmt: skip
    code = (
        PEAK_KB + f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.argv = ['cxsim', *{args!r}]\n"
        "from sim.cli import main\ntry:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(_peak_kb())"
    )
    res = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return int(res.strip().splitlines()[-1]) / 1024


def startup_ms(runs: int) -> tuple[float, float]:
    """Median wall time of ``cxsim --help`` and of ``python -c pass`` (ms), measured in turns.

    Turns put drift in the machine's speed on both sides; the bare interpreter is the floor
    every command line pays, so the ratio says what cxsim adds to it.
    """
    script = Path(sys.executable).parent / "cxsim"
    help_cmd = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "sim", "--help"]
    bare_cmd = [sys.executable, "-c", "pass"]

    def once(cmd: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        return (time.perf_counter() - start) * 1000

    once(help_cmd)  # warm the file cache and the bytecode
    helps, bares = [], []
    for _ in range(runs):
        bares.append(once(bare_cmd))
        helps.append(once(help_cmd))
    return statistics.median(helps), statistics.median(bares)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--memory-customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="best of N timings for each model, taken in turns")
    parser.add_argument("--experiment-reps", type=int, default=24, help="replications for the workers benchmark (0 skips it)")
    parser.add_argument(
        "--sweep-reps", type=int, default=1000, help="replications per point for the sweep memory benchmark (0 skips it)"
    )
    parser.add_argument("--startup-runs", type=int, default=15, help="runs of `cxsim --help` for the start-up median (0 skips it)")
    args = parser.parse_args()
    if args.customers < 1000 or args.repeat < 1:
        parser.error("--customers must be at least 1000 and --repeat at least 1")

    from sim.experiments.erlang import erlang_a

    exact = erlang_a(LAM, 1 / HANDLE, 1 / PATIENCE, AGENTS).p_abandon
    # NOTE: the models take turns (reference, cxsim, reference, ...) so that drift in the machine's
    # speed during the run lands on both sides of the ratio; each keeps its best time.
    ref_times, runs, full = [], [], []
    for i in range(args.repeat):
        ref_times.append(reference(args.customers, seed=i + 1)[0])
        runs.append(cxsim_run(args.customers))
        full.append(cxsim_run(args.customers, experience=True))
    ref_best = min(ref_times)
    _, ref_ab = reference(args.customers)
    ref_rate = args.customers / ref_best
    cx_rate = runs[0][2] / min(r[0] for r in runs)
    full_rate = full[0][2] / min(r[0] for r in full)
    print(f"Erlang-A queue: {LAM}/min, {AGENTS} agents, handle {HANDLE} min, patience {PATIENCE} min")
    print(f"  P(abandon): exact {exact:.4f}; hand-written {ref_ab:.4f}; cxsim {runs[0][1]:.4f}")
    print(
        f"  hand-written SimPy            : {ref_rate:>10,.0f} customers/s  ({args.customers:,} customers, best of {args.repeat})"
    )
    print(f"  cxsim, queueing study         : {cx_rate:>10,.0f} customers/s  ({runs[0][2]:,} customers, best of {args.repeat})")
    print(f"  cxsim, with the customer model: {full_rate:>10,.0f} customers/s  (moments, memory, surveys, loyalty)")
    ratio = cx_rate / ref_rate
    print(f"  speed ratio, queueing study / hand-written: {ratio:.2f}  (target >= 1.00: {'met' if ratio >= 1 else 'NOT met'})")
    model = full_rate / ref_rate
    print(f"  speed ratio, customer model / hand-written: {model:.2f}  (target >= 0.80: {'met' if model >= 0.8 else 'NOT met'})")
    if args.experiment_reps:
        one = replications_per_second(1, args.experiment_reps, 30)
        two = replications_per_second(2, args.experiment_reps, 30)
        print(f"Replications of scenarios/hike-launch.toml (30 days each, {args.experiment_reps} per measurement):")
        print(f"  1 worker : {one:6.2f} replications/s")
        print(f"  2 workers: {two:6.2f} replications/s")
        print(
            f"  speed-up 2 workers / 1 worker: {two / one:.2f}  (target >= 1.80 on 2 cores: {'met' if two / one >= 1.8 else 'NOT met'})"
        )
    if args.sweep_reps:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            small = sweep_peak_mb(args.sweep_reps // 10, Path(tmp))
            big = sweep_peak_mb(args.sweep_reps, Path(tmp))
        ratio = big / small
        print("Sweep memory (scenarios/tutorial.toml, 2 grid points, results streamed to disk):")
        print(
            f"  peak with {args.sweep_reps // 10:,} replications per point: {small:,.0f} MB; with {args.sweep_reps:,}: {big:,.0f} MB"
        )
        print(f"  ratio {ratio:.2f}  (target <= 1.20, flat: {'met' if ratio <= 1.2 else 'NOT met'})")
    if args.memory_customers:
        mb = peak_memory_mb(args.memory_customers)
        print(
            f"  peak memory, {args.memory_customers:,} customers: {mb:,.0f} MB  (target < 300 MB: {'met' if mb < 300 else 'NOT met'})"
        )
    if args.startup_runs:
        help_ms, bare_ms = startup_ms(args.startup_runs)
        print(f"Start-up (median of {args.startup_runs}, in turns):")
        print(f"  cxsim --help    : {help_ms:6.0f} ms  (target < 300 ms: {'met' if help_ms < 300 else 'NOT met'})")
        print(f"  python -c pass  : {bare_ms:6.0f} ms")
        print(f"  ratio cxsim --help / python -c pass: {help_ms / bare_ms:.1f}  (reported, no target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
