"""Replications and policy comparisons: many seeded runs, summarised with confidence intervals.

Each replication's seed is fixed up front (numpy SeedSequence spawning from the base seed), and
results are collected in job order, so the output is identical whatever the number of worker
processes. Policies compared on the same seeds meet the same customers and the same failures
(common random numbers), and their differences are summarised pair by pair.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from sim import __version__
from sim.engine.simulation import Simulation
from sim.errors import SimError
from sim.experiments.journal import InMemory
from sim.experiments.journal import Journal as Journal  # re-exported: the journal lived here
from sim.experiments.journal import JournalBusy as JournalBusy
from sim.experiments.journal import JournalError as JournalError
from sim.experiments.stats import Interval, Running, welch_half_width
from sim.experiments.verdicts import effect, verdict_text
from sim.experiments.workers import run_on_workers
from sim.results import kpis
from sim.results.flat import flat_results
from sim.results.flat import flatten as flatten  # re-exported: it lived here
from sim.results.intervals import IntervalStats, summary_rows
from sim.results.results import build_results
from sim.rng import replication_seeds
from sim.scenario.loader import parse_scenario, validate_data
from sim.scenario.policy_changes import PolicyVariant, with_policies
from sim.scenario.schema import Scenario
from sim.session.replay import with_choices

EXPERIMENT_FORMAT = "cxsim.experiment/1"
# The version of that structure as a number (docs/results-format.md): a file without it is version 1.
EXPERIMENT_FORMAT_VERSION = 1
INTERVAL_PREFIX = "intervals."  # per-interval cells: summarised in their own section, not in ``summary``

# The KPIs shown in tables and verdicts, as (metric, label, unit): from the one catalogue.
HEADLINE: tuple[tuple[str, str, str], ...] = tuple(k.row() for k in kpis.HEADLINE)


def headline(channels: Sequence[str]) -> list[tuple[str, str, str]]:
    """The headline KPIs of a scenario with these staffed channels."""
    return [k.row() for k in kpis.headline_kpis(channels)]


def bounded(metric: str, iv: Interval) -> Interval:
    """The interval with its ends clipped to the range the metric can take (0 to 1 for a fraction, 1 to 5 for CSAT...)."""
    bounds = kpis.scale_bounds(metric)
    return iv if bounds is None else iv.clipped(*bounds)


@dataclass(frozen=True)
class Job:
    """One replication: a scenario (as the file's bytes), a policy and a seed."""

    scenario: bytes
    name: str
    policy: str
    seed: int
    days: float | None
    overrides: tuple[tuple[str, Any], ...] = ()
    choices: tuple[tuple[str, str], ...] = ()  # a decision path: the policy answers these decisions this way
    interval: int | None = None  # --interval: minutes per interval KPI cell (None: not computed)
    policy_spec: str | None = None  # the policy as JSON (a PolicyVariant) when the file does not define it (--with, --policy-file)

    @property
    def content(self) -> str:
        """A digest of what the scenario says (not how it is written): a resume must run the same model."""
        return content_digest(self.scenario, self.name)


@functools.lru_cache(maxsize=8)
def content_digest(data: bytes, name: str) -> str:
    """SHA-256 of the validated scenario, so comments and layout may change but no value may."""
    return hashlib.sha256(_scenario(data, name, ()).model_dump_json().encode()).hexdigest()[:16]


def _scenario(data: bytes, name: str, overrides: tuple[tuple[str, Any], ...]) -> Scenario:
    # A --set value may be a TOML array or table (a list of shifts), which cannot be a cache key: its JSON text is.
    return _validated(data, name, json.dumps(overrides) if overrides else "")


@functools.lru_cache(maxsize=8)
def _validated(data: bytes, name: str, overrides_json: str) -> Scenario:
    if not overrides_json:
        return parse_scenario(data, name).scenario
    from sim.experiments.sweep import apply

    overrides = tuple((key, value) for key, value in json.loads(overrides_json))
    return validate_data(apply(tomllib.loads(data.decode("utf-8")), overrides), name).scenario


def run_job(job: Job) -> dict[str, float]:
    """Run one replication and return its flattened results (top-level so worker processes can run it).

    The daily series are kept as ``daily.<field>.<day>`` so that every day gets its own interval.
    """
    scenario = _scenario(job.scenario, job.name, job.overrides)
    if job.policy_spec is not None:
        scenario = with_policies(scenario, {job.policy: PolicyVariant.model_validate_json(job.policy_spec)})
    return run_flat(scenario, job.policy, job.choices, seed=job.seed, days=job.days, interval=job.interval)


def run_flat(
    scenario: Scenario, policy: str, choices: Sequence[tuple[str, str]] = (), *, seed: int | None = None,
    days: float | None = None, interval: int | None = None,
) -> dict[str, float]:  # fmt: skip
    """Run ``policy`` (answering the decisions as ``choices`` says, if any) to the horizon; its flattened results.

    With ``interval`` the per-interval cells are kept too, as ``intervals.<channel>.<weekday>.<HH:MM>.<metric>``.
    """
    if choices:
        scenario, policy = with_choices(scenario, dict(choices), policy=policy)
    sim = Simulation(scenario, policy=policy, seed=seed, horizon_days=days)
    stats = IntervalStats.watch(sim, interval) if interval is not None else None
    sim.run()
    return flat_results(build_results(sim, intervals=stats))


class SchedulerError(SimError):
    """The Dask scheduler given with --scheduler cannot be reached."""


def _run_on_dask(jobs: Sequence[Job], address: str, results: list[Any], on_done: Callable[[int], None] | None) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"--scheduler: cannot reach the Dask scheduler at {address} ({exc.__class__.__name__})") from exc
    with client:
        futures = client.map(run_job, list(jobs), pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        for future in dask_completed(futures):  # type: ignore[no-untyped-call]
            i = index[future.key]
            results[i] = future.result()
            if on_done:
                on_done(i)


def run_jobs(
    jobs: Sequence[Job],
    workers: int,
    on_done: Callable[[int], None] | None = None,
    scheduler: str | None = None,
    journal: Journal | None = None,
    done: Collection[int] = (),
) -> list[dict[str, float]]:
    """Run jobs on local processes or a Dask cluster; results come back in job order whatever the scheduling.

    With a ``journal`` each finished job is appended to it and nothing is kept in memory (the
    returned list is empty: read results with ``journal.get``); jobs in ``done`` are not run again.
    """
    keep = journal is None
    results: list[dict[str, float] | None] = [None] * len(jobs)
    finished_set = set(done)
    todo = [i for i in range(len(jobs)) if i not in finished_set]

    def finished(i: int, result: dict[str, float]) -> None:
        if keep:
            results[i] = result
        else:
            journal.add(i, jobs[i], result)  # type: ignore[union-attr]
        finished_set.add(i)
        if on_done:
            on_done(i)

    if scheduler is not None:
        partial: list[Any] = [None] * len(todo)
        _run_on_dask([jobs[i] for i in todo], scheduler, partial, lambda k: finished(todo[k], partial[k]))
    elif workers <= 1 or len(todo) <= 1:
        for i in todo:
            finished(i, run_job(jobs[i]))
    else:
        run_on_workers(run_job, [jobs[i] for i in todo], workers, lambda k, result: finished(todo[k], result))
    missing = len(jobs) - len(finished_set)
    if missing:
        raise RuntimeError(f"{missing} replications produced no result")
    return [r for r in results if r is not None] if keep else []


STREAM_TOKEN = "@@cxsim-stream-{}@@"


@dataclass
class Experiment:
    """Replications of one scenario under one or more policies on shared seeds.

    ``runs`` holds, per policy, the journal indices of its replications in seed order; their
    metrics stay on disk and are read back one at a time, so summaries cost constant memory.
    """

    title: str
    file: str
    sha256: str
    currency: str
    channels: list[str]
    policies: list[str]
    base_seed: int
    seeds: list[int]
    days: float
    runs: dict[str, list[int]]
    journal: Journal | InMemory
    interval: int | None = None  # minutes per interval cell, when --interval asked for them
    _summaries: dict[str, dict[str, Running]] = field(default_factory=dict, repr=False)
    _paired: dict[str, dict[str, Running]] = field(default_factory=dict, repr=False)

    def iter_runs(self, policy: str) -> Iterator[dict[str, float]]:
        """The metrics of each replication of a policy, in seed order, read from the journal."""
        for i in self.runs[policy]:
            yield self.journal.get(i)

    def running(self, policy: str) -> dict[str, Running]:
        """Running mean and variance of every metric of a policy (one pass, cached)."""
        found = self._summaries.get(policy)
        if found is None:
            found = {}
            for run in self.iter_runs(policy):
                for metric, value in run.items():
                    acc = found.get(metric)
                    if acc is None:
                        acc = found[metric] = Running()
                    acc.add(value)
            self._summaries[policy] = found
        return found

    def summary(self, policy: str) -> dict[str, Interval]:
        """Mean and 95 % interval of every metric of a policy (ends kept within the metric's scale: 0 to 1 for a share; the interval
        cells are ``interval_summary``'s)."""
        acc = self.running(policy)
        return {m: bounded(m, acc[m].interval()) for m in sorted(acc) if not m.startswith(INTERVAL_PREFIX)}

    def interval_summary(self, policy: str) -> dict[str, list[dict[str, Any]]]:
        """Per channel, one row per interval of the week with each metric's mean and 95 % CI (empty without --interval)."""
        if self.interval is None:
            return {}
        acc = self.running(policy)
        cells = {m: bounded(m, acc[m].interval()).to_dict() for m in acc if m.startswith(INTERVAL_PREFIX)}
        return summary_rows(cells, self.interval)

    def _paired_runs(self, policy: str) -> dict[str, Running]:
        found = self._paired.get(policy)
        if found is None:
            found = {}
            for a, b in zip(self.iter_runs(self.policies[0]), self.iter_runs(policy), strict=True):
                for metric, y in b.items():
                    x = a.get(metric)
                    if x is None:
                        continue
                    acc = found.get(metric)
                    if acc is None:
                        acc = found[metric] = Running()
                    acc.add(y - x)
            self._paired[policy] = found
        return found

    def comparison(self, policy: str, metric: str) -> tuple[Interval, float | None] | None:
        """Paired interval of policy - baseline for a metric, and the unpaired half-width for contrast."""
        diff = self._paired_runs(policy).get(metric)
        if diff is None or diff.n == 0:
            return None
        base, other = self.running(self.policies[0]).get(metric), self.running(policy).get(metric)
        unpaired = welch_half_width(base, other) if base is not None and other is not None else None
        return diff.interval(), unpaired


def plan(
    data: bytes, name: str, policies: Sequence[str], base_seed: int, reps: int, days: float | None,
    overrides: tuple[tuple[str, Any], ...] = (), first: int = 0, interval: int | None = None,
    specs: Mapping[str, str] | None = None,
) -> list[Job]:  # fmt: skip
    """The jobs of an experiment: each seed under each policy, seed-major so policies advance together.

    ``first`` skips seeds already run: seed i is the same whatever the number of replications.
    ``specs`` gives, as JSON, each policy the file does not define (``sim.scenario.policy_changes``).
    """
    seeds = replication_seeds(base_seed, reps)[first:]
    specs = specs or {}
    return [
        Job(data, name, p, seed, days, overrides, interval=interval, policy_spec=specs.get(p)) for seed in seeds for p in policies
    ]


def collect(
    jobs: Sequence[Job], journal: Journal | InMemory, *, title: str, file: str, sha256: str, currency: str,
    channels: list[str], policies: list[str], base_seed: int, days: float, offset: int = 0, interval: int | None = None,
) -> Experiment:  # fmt: skip
    """Group jobs by policy, in seed order; ``offset`` is the index of ``jobs[0]`` in the journal."""
    runs: dict[str, list[int]] = {p: [] for p in policies}
    seeds: list[int] = []
    for k, job in enumerate(jobs):
        runs[job.policy].append(offset + k)
        if job.seed not in seeds:
            seeds.append(job.seed)
    return Experiment(title, file, sha256, currency, channels, policies, base_seed, seeds, days, runs, journal, interval)


def verdict(exp: Experiment, policy: str, kpi: kpis.Kpi) -> tuple[str, str] | None:
    """The verdict on policy vs the baseline for one KPI: its word (``verdicts.EFFECTS``) and its sentence."""
    found = exp.comparison(policy, kpi.key)
    if found is None:
        return None
    diff, _ = found
    base_acc = exp.running(exp.policies[0]).get(kpi.key)
    base_mean = base_acc.mean if base_acc is not None else None
    return effect(diff, kpi.higher_is_better), verdict_text(policy, exp.policies[0], kpi, diff, base_mean, exp.currency)


def replication_rows(exp: Experiment) -> Iterator[dict[str, Any]]:
    """One entry per replication x policy, policy-major, read from the journal."""
    for p in exp.policies:
        for k, i in enumerate(exp.runs[p]):
            yield {"policy": p, "replication": k + 1, "seed": exp.seeds[k], "metrics": exp.journal.get(i)}


def summary_dict(exp: Experiment) -> dict[str, dict[str, dict[str, float | int]]]:
    """The ``summary`` of the experiment's JSON: per policy, every metric's mean and 95 % CI."""
    return {p: {m: iv.to_dict() for m, iv in exp.summary(p).items()} for p in exp.policies}


def to_dict(exp: Experiment, *, compare: bool, stream: str | None = None) -> dict[str, Any]:
    """The experiment as JSON-ready data (identical whatever the number of workers).

    With ``stream``, the replications are left out and a placeholder token stands in their
    place: ``write_json`` fills it from the journal, one replication at a time.
    """
    out: dict[str, Any] = {
        "format": EXPERIMENT_FORMAT,
        "format_version": EXPERIMENT_FORMAT_VERSION,
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
        "replications": stream if stream is not None else list(replication_rows(exp)),
        "summary": summary_dict(exp),
    }
    if exp.interval is not None:
        out["intervals"] = {
            "minutes": exp.interval,
            "policies": {p: {"channels": exp.interval_summary(p)} for p in exp.policies},
        }
    if compare:
        comparisons = []
        for policy in exp.policies[1:]:
            for kpi in kpis.headline_kpis(exp.channels):
                found, said = exp.comparison(policy, kpi.key), verdict(exp, policy, kpi)
                if found is None or said is None:
                    continue
                diff, unpaired = found
                comparisons.append(
                    {
                        "policy": policy,
                        "baseline": exp.policies[0],
                        "metric": kpi.key,
                        "label": kpi.label,
                        "unit": kpi.unit,
                        "higher_is_better": kpi.higher_is_better,
                        "difference": diff.to_dict(),
                        "unpaired_half_width": unpaired,
                        "effect": said[0],
                        "verdict": said[1],
                    }
                )
        out["comparisons"] = comparisons
    return out


def write_json(data: dict[str, Any], streams: dict[str, Callable[[], Iterator[Any]]], handle: TextIO) -> None:
    """Write ``data`` as indented JSON, filling each placeholder token with its stream's items.

    The text is what ``json.dumps(..., indent=2)`` would give for the full data, but no more than
    one item of a stream is in memory at a time.
    """
    text = json.dumps(data, indent=2, allow_nan=False) + "\n"
    for token, items in streams.items():
        quoted = json.dumps(token)
        before, text = text.split(quoted, 1)
        handle.write(before)
        last = before.rsplit("\n", 1)[-1]
        indent = " " * (len(last) - len(last.lstrip(" ")))
        pad = indent + "  "
        first = True
        for item in items():
            body = json.dumps(item, indent=2, allow_nan=False).replace("\n", "\n" + pad)
            handle.write(("[\n" if first else ",\n") + pad + body)
            first = False
        handle.write("[]" if first else "\n" + indent + "]")
    handle.write(text)


def tidy_rows(exp: Experiment, data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The experiment's tidy rows (``sim.results.tidy``), its replications streamed from the journal."""
    from sim.results.tidy import experiment_rows

    return experiment_rows(data, lambda: replication_rows(exp))


def csv_lines(exp: Experiment, data: dict[str, Any]) -> Iterator[str]:
    """The tidy rows as CSV: one per replication x policy x metric, then the means, then the paired differences."""
    from sim.results.tidy import csv_lines as tidy_csv

    return tidy_csv(tidy_rows(exp, data))
