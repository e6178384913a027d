"""Replications and policy comparisons: many seeded runs, summarised with confidence intervals.

Each replication's seed is fixed up front (numpy SeedSequence spawning from the base seed), and
results are collected in job order, so the output is identical whatever the number of worker
processes. Policies compared on the same seeds meet the same customers and the same failures
(common random numbers), and their differences are summarised pair by pair.
"""

from __future__ import annotations

import functools
import json
import math
import signal
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .errors import SimError
from .loader import parse_scenario, validate_data
from .model import Simulation
from .report import build_results
from .rng import replication_seeds
from .stats import Interval, mean_interval, paired_interval, unpaired_half_width

EXPERIMENT_FORMAT = "cxsim.experiment/1"
SKIP = {"format", "cxsim_version", "scenario", "policy", "seed", "currency", "decisions", "commands", "daily"}
DAILY_FIELDS = ("orders", "revenue", "arrivals", "affected", "nps", "repeat_purchase_rate")
CHANNEL_DAILY = ("abandon_rate", "wait_mean_min", "queue_length_mean")

# The KPIs shown in tables and verdicts: (metric, label, unit).
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("money.profit", "profit", "currency"),
    ("money.revenue", "revenue", "currency"),
    ("journey.orders", "orders", "orders"),
    ("experience.repeat_purchase_rate", "repeat purchase", "fraction"),
    ("experience.nps", "NPS", "points"),
    ("experience.csat_mean", "CSAT (1-5)", "score"),
    ("experience.ces_mean", "CES (1-7)", "score"),
    ("experience.affected.nps", "NPS, customers hit by a failure", "points"),
    ("experience.contacted.csat_mean", "CSAT of callers (1-5)", "score"),
    ("recovery.customers_affected", "customers hit by a failure", "customers"),
)
CHANNEL_KPIS: tuple[tuple[str, str, str], ...] = (
    ("abandon_rate", "abandonment", "fraction"),
    ("wait_mean_min", "mean wait", "min"),
    ("service_level", "service level", "fraction"),
    ("offered", "contacts", "contacts"),
)


def headline(channels: Sequence[str]) -> list[tuple[str, str, str]]:
    """The headline KPIs of a scenario with these staffed channels."""
    rows = list(HEADLINE)
    for ch in channels:
        rows += [(f"channels.{ch}.{key}", f"{ch} {label}", unit) for key, label, unit in CHANNEL_KPIS]
    return rows


def flatten(results: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Every number of a run's results under a dotted key (None and non-numbers left out)."""
    out: dict[str, float] = {}
    for key, value in results.items():
        if not prefix and key in SKIP:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float) and math.isfinite(value):
            out[path] = float(value)
    return out


@dataclass(frozen=True)
class Job:
    """One replication: a scenario (as the file's bytes), a policy and a seed."""

    scenario: bytes
    name: str
    policy: str
    seed: int
    days: float | None
    overrides: tuple[tuple[str, Any], ...] = ()


@functools.lru_cache(maxsize=8)
def _scenario(data: bytes, name: str, overrides: tuple[tuple[str, Any], ...]):
    if not overrides:
        return parse_scenario(data, name).scenario
    from .sweep import apply

    return validate_data(apply(tomllib.loads(data.decode("utf-8")), overrides), name).scenario


def run_job(job: Job) -> dict[str, float]:
    """Run one replication and return its flattened results (top-level so worker processes can run it).

    The daily series are kept as ``daily.<field>.<day>`` so that every day gets its own interval.
    """
    scenario = _scenario(job.scenario, job.name, job.overrides)
    sim = Simulation(scenario, policy=job.policy, seed=job.seed, horizon_days=job.days)
    sim.run()
    results = build_results(sim)
    flat = flatten(results)
    channel_fields = [f"{ch}_{key}" for ch in results["channels"] for key in CHANNEL_DAILY]
    for row in results["daily"]:
        for field in (*DAILY_FIELDS, *channel_fields):
            value = row.get(field)
            if value is not None:
                flat[f"daily.{field}.{row['day']}"] = float(value)
    return flat


class SchedulerError(SimError):
    """The Dask scheduler given with --scheduler cannot be reached."""


def _run_on_dask(jobs: Sequence[Job], address: str, results: list[Any], on_done: Callable[[int], None] | None) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"--scheduler: cannot reach the Dask scheduler at {address} ({exc.__class__.__name__})") from exc
    with client:
        futures = client.map(run_job, list(jobs), pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        for future in dask_completed(futures):
            i = index[future.key]
            results[i] = future.result()
            if on_done:
                on_done(i)


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the main process, which saves what finished and explains."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class JournalError(SimError):
    """A journal of finished replications does not belong to this experiment."""


def _job_id(job: Job) -> list[Any]:
    return [job.policy, job.seed, [list(o) for o in job.overrides], job.days]


class Journal:
    """Finished replications appended as JSON lines, so an interrupted experiment can be resumed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, jobs: Sequence[Job]) -> dict[int, dict[str, float]]:
        """Results already in the journal, by job index; raises JournalError if it is from another plan."""
        if not self.path.exists():
            return {}
        done: dict[int, dict[str, float]] = {}
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                i = int(entry["i"])
                ok = 0 <= i < len(jobs) and entry["job"] == _job_id(jobs[i])
            except (ValueError, KeyError, TypeError):
                if n == len(lines):  # the last line, cut short by the interruption: run that job again
                    continue
                raise JournalError(f"{self.path}:{n}: not a line of a cxsim journal") from None
            if not ok:
                raise JournalError(
                    f"{self.path}:{n}: written by a different experiment (other flags or file); remove it to start over"
                )
            done[i] = entry["metrics"]
        return done

    def add(self, i: int, job: Job, result: dict[str, float]) -> None:
        """Append one finished replication."""
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"i": i, "job": _job_id(job), "metrics": result}) + "\n")
            handle.flush()

    def remove(self) -> None:
        """Forget the journal once the final results are written."""
        self.path.unlink(missing_ok=True)


def run_jobs(
    jobs: Sequence[Job],
    workers: int,
    on_done: Callable[[int], None] | None = None,
    scheduler: str | None = None,
    journal: Journal | None = None,
    done: dict[int, dict[str, float]] | None = None,
) -> list[dict[str, float]]:
    """Run jobs on local processes or a Dask cluster; results come back in job order whatever the scheduling.

    Jobs in ``done`` are not run again; each newly finished job is appended to ``journal``.
    """
    results: list[dict[str, float] | None] = [None] * len(jobs)
    for i, result in (done or {}).items():
        results[i] = result
    todo = [i for i in range(len(jobs)) if results[i] is None]

    def finished(i: int, result: dict[str, float]) -> None:
        results[i] = result
        if journal is not None:
            journal.add(i, jobs[i], result)
        if on_done:
            on_done(i)

    if scheduler is not None:
        partial: list[Any] = [None] * len(todo)
        _run_on_dask([jobs[i] for i in todo], scheduler, partial, lambda k: finished(todo[k], partial[k]))
    elif workers <= 1 or len(todo) <= 1:
        for i in todo:
            finished(i, run_job(jobs[i]))
    else:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)
        futures = {pool.submit(run_job, jobs[i]): i for i in todo}
        try:
            for future in as_completed(futures):
                finished(futures[future], future.result())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    missing = sum(r is None for r in results)
    if missing:
        raise RuntimeError(f"{missing} replications produced no result")
    return [r for r in results if r is not None]


@dataclass
class Experiment:
    """Replications of one scenario under one or more policies on shared seeds."""

    title: str
    file: str
    sha256: str
    currency: str
    channels: list[str]
    policies: list[str]
    base_seed: int
    seeds: list[int]
    days: float
    runs: dict[str, list[dict[str, float]]]

    def values(self, policy: str, metric: str) -> list[float]:
        """The metric in every replication of a policy (replications missing it are left out)."""
        return [run[metric] for run in self.runs[policy] if metric in run]

    def summary(self, policy: str) -> dict[str, Interval]:
        """Mean and 95 % interval of every metric of a policy."""
        metrics = sorted({m for run in self.runs[policy] for m in run})
        return {m: mean_interval(self.values(policy, m)) for m in metrics}

    def comparison(self, policy: str, metric: str) -> tuple[Interval, float] | None:
        """Paired interval of policy - baseline for a metric, and the unpaired half-width for contrast."""
        base = self.policies[0]
        pairs = [
            (a[metric], b[metric]) for a, b in zip(self.runs[base], self.runs[policy], strict=True) if metric in a and metric in b
        ]
        if not pairs:
            return None
        xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
        return paired_interval(xs, ys), unpaired_half_width(xs, ys)


def plan(
    data: bytes, name: str, policies: Sequence[str], base_seed: int, reps: int, days: float | None,
    overrides: tuple[tuple[str, Any], ...] = (), first: int = 0,
) -> list[Job]:  # fmt: skip
    """The jobs of an experiment: each seed under each policy, seed-major so policies advance together.

    ``first`` skips seeds already run: seed i is the same whatever the number of replications.
    """
    seeds = replication_seeds(base_seed, reps)[first:]
    return [Job(data, name, p, seed, days, overrides) for seed in seeds for p in policies]


def collect(
    jobs: Sequence[Job], results: Sequence[dict[str, float]], *, title: str, file: str, sha256: str, currency: str,
    channels: list[str], policies: list[str], base_seed: int, days: float,
) -> Experiment:  # fmt: skip
    """Group job results by policy, in seed order."""
    runs: dict[str, list[dict[str, float]]] = {p: [] for p in policies}
    seeds: list[int] = []
    for job, result in zip(jobs, results, strict=True):
        runs[job.policy].append(result)
        if job.seed not in seeds:
            seeds.append(job.seed)
    return Experiment(title, file, sha256, currency, channels, policies, base_seed, seeds, days, runs)


def verdict(exp: Experiment, policy: str, metric: str, label: str, unit: str) -> str | None:
    """A plain-words verdict on policy vs the baseline for one KPI."""
    found = exp.comparison(policy, metric)
    if found is None:
        return None
    diff, _ = found
    base = exp.policies[0]
    base_mean = mean_interval(exp.values(base, metric)).mean
    if unit == "fraction":
        amount = f"{abs(diff.mean) * 100:.1f} percentage points"
        ci = f"{diff.low * 100:+.1f} to {diff.high * 100:+.1f} points"
    elif base_mean and unit not in ("points", "score"):
        amount = f"{abs(diff.mean / base_mean) * 100:.1f} %"
        ci = f"{diff.low / abs(base_mean) * 100:+.1f} % to {diff.high / abs(base_mean) * 100:+.1f} %"
    else:
        amount = f"{abs(diff.mean):.2f} {'points' if unit == 'points' else ''}".strip()
        ci = f"{diff.low:+.2f} to {diff.high:+.2f}"
    if not diff.excludes_zero():
        return f"no detectable difference in {label} between {policy} and {base} (95 % CI {ci})"
    direction = "raises" if diff.mean > 0 else "lowers"
    return f"{policy} {direction} {label} by {amount} compared with {base} (95 % CI {ci})"


def to_dict(exp: Experiment, *, compare: bool) -> dict[str, Any]:
    """The experiment as JSON-ready data (identical whatever the number of workers)."""
    out: dict[str, Any] = {
        "format": EXPERIMENT_FORMAT,
        "kind": "compare" if compare else "replications",
        "cxsim_version": __version__,
        "scenario": {"title": exp.title, "file": exp.file, "sha256": exp.sha256},
        "currency": exp.currency,
        "policies": exp.policies,
        "base_seed": exp.base_seed,
        "seeds": exp.seeds,
        "reps": len(exp.seeds),
        "horizon_days": exp.days,
        "confidence": 0.95,
        "replications": [
            {"policy": p, "replication": i + 1, "seed": exp.seeds[i], "metrics": run}
            for p in exp.policies
            for i, run in enumerate(exp.runs[p])
        ],
        "summary": {p: {m: iv.to_dict() for m, iv in exp.summary(p).items()} for p in exp.policies},
    }
    if compare:
        comparisons = []
        for policy in exp.policies[1:]:
            for metric, label, unit in headline(exp.channels):
                found = exp.comparison(policy, metric)
                if found is None:
                    continue
                diff, unpaired = found
                comparisons.append(
                    {
                        "policy": policy,
                        "baseline": exp.policies[0],
                        "metric": metric,
                        "label": label,
                        "unit": unit,
                        "difference": diff.to_dict(),
                        "unpaired_half_width": unpaired,
                        "verdict": verdict(exp, policy, metric, label, unit),
                    }
                )
        out["comparisons"] = comparisons
    return out


def to_csv(data: dict[str, Any]) -> str:
    """Tidy rows: one per replication x policy x metric, then one summary row per policy x metric."""
    lines = ["policy,replication,seed,metric,value,ci_low,ci_high"]
    for row in data["replications"]:
        for metric, value in row["metrics"].items():
            lines.append(f"{row['policy']},{row['replication']},{row['seed']},{metric},{value!r},,")
    for policy, metrics in data["summary"].items():
        for metric, iv in metrics.items():
            lines.append(f"{policy},mean,,{metric},{iv['mean']!r},{iv['ci_low']!r},{iv['ci_high']!r}")
    return "\n".join(lines) + "\n"
