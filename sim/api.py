"""The Python API: ``load``, ``run``, ``replicate``, ``compare`` and ``sweep``, the numbers the CLI prints, as typed results.

Why: a manager who wants numbers in a notebook should not need the engine's internals (a
journal on disk, ``build_results`` and the tidy rows). Each function here runs exactly what its
command runs (``sim.experiments``: the same plan of seeds, the same runs, the same summaries,
paired differences and verdicts), so the same seed gives the same numbers as ``cxsim run``,
``compare`` and ``sweep``, and ``.to_dict()`` is the JSON their ``--json`` writes. Results come
back as dataclasses with attribute access, ``.to_pandas()`` (the tidy long table of
``sim.results.tidy``, the rows of ``--csv``; pandas is the ``pandas`` extra) and
``.to_parquet(path)`` (pyarrow, the ``parquet`` extra).

Replications are held in memory (a script has nothing to resume), not in a journal on disk.
Bad input raises a ``sim.SimError`` subclass with one clear line: ``ScenarioError`` for a bad
file, ``SweepError`` for a bad key or value, ``ArgumentError`` for a bad argument.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.api_arguments import (
    ScenarioSource,
    check_policies,
    check_run,
    check_study,
    derived_policies,
    source,
    unknown_metric,
    workers_of,
)
from sim.errors import ArgumentError
from sim.experiments.stats import Interval
from sim.scenario.loader import LoadedScenario

if TYPE_CHECKING:
    import pandas

    from sim.experiments.experiment import Experiment

Row = dict[str, Any]


def load(path: str | Path) -> LoadedScenario:
    """Read and validate a scenario file: its ``scenario``, ``path``, ``sha256`` and ``warnings``.

    Raises ``ScenarioError`` listing every problem, each with its file, line and key.
    """
    from sim.scenario.loader import read_scenario

    return read_scenario(path)


# -- results ------------------------------------------------------------------------------------------


class _Exports:
    """What every result shares: its tidy rows as a DataFrame or a Parquet file."""

    def rows(self) -> Iterator[Row]:
        """The tidy rows (``sim.results.tidy``): the rows ``--csv`` writes, one number a row, with its unit."""
        raise NotImplementedError

    def to_pandas(self) -> pandas.DataFrame:
        """The tidy long table as a pandas DataFrame (needs pandas: ``pip install 'cxsim[pandas]'``)."""
        from sim.results.tidy import to_pandas

        return to_pandas(self.rows())

    def to_csv(self, path: str | Path) -> None:
        """Write the tidy rows as CSV, as ``--csv`` does (atomically)."""
        from sim.atomic import open_atomic
        from sim.results.tidy import csv_lines

        with open_atomic(path) as handle:
            handle.writelines(csv_lines(self.rows()))

    def to_parquet(self, path: str | Path) -> None:
        """Write the tidy rows as a Parquet file, as ``--parquet`` does (needs pyarrow: ``pip install 'cxsim[parquet]'``)."""
        from sim.results.tidy import write_parquet

        write_parquet(self.rows(), path)


@dataclass(frozen=True)
class RunResult(_Exports):
    """One run: its results document (``cxsim.run/1``) and every number of it under its dotted key.

    ``metrics["money.profit"]``, ``metrics["channels.phone.service_level"]``: the keys of the
    JSON, flattened (``sim.results.flat``); a value that cannot be computed is left out.
    """

    policy: str
    seed: int
    currency: str
    metrics: dict[str, float]
    document: dict[str, Any] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The results document, as ``cxsim run --json`` writes it."""
        return self.document

    def rows(self) -> Iterator[Row]:
        from sim.results.tidy import run_rows

        return run_rows(self.document)


@dataclass(frozen=True)
class Difference:
    """A comparison's verdict on one headline KPI: the paired difference policy - baseline, and what it means."""

    policy: str
    baseline: str
    metric: str
    label: str
    unit: str
    higher_is_better: bool | None
    difference: Interval  # paired on the same seeds, 95 % CI
    unpaired_half_width: float | None  # what the interval would be without the pairing, for contrast
    effect: str  # better, worse, higher, lower or "no detectable difference" (sim.experiments.verdicts)
    verdict: str  # the sentence the console and the report print


@dataclass(frozen=True)
class _Study(_Exports):
    """Replications of a scenario under one or more policies on shared seeds."""

    policies: list[str]
    seeds: list[int]
    currency: str
    summary: dict[str, dict[str, Interval]]  # policy -> metric -> mean and 95 % CI
    document: dict[str, Any] = field(repr=False)
    experiment: Experiment = field(repr=False)

    @property
    def reps(self) -> int:
        """Replications per policy."""
        return len(self.seeds)

    def runs(self, policy: str | None = None) -> list[dict[str, float]]:
        """Every replication's numbers (dotted keys), in seed order, of ``policy`` (default: the first)."""
        return list(self.experiment.iter_runs(self._policy(policy)))

    def intervals(self, policy: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """Per channel, one row per interval of the week with each KPI's mean and 95 % CI (empty without ``interval=``)."""
        return self.experiment.interval_summary(self._policy(policy))

    def _policy(self, policy: str | None) -> str:
        if policy is None:
            return self.policies[0]
        if policy not in self.policies:
            raise ArgumentError(f"policy: '{policy}' was not run (these results have {', '.join(self.policies)})")
        return policy

    def to_dict(self) -> dict[str, Any]:
        """The experiment's JSON (``cxsim.experiment/1``), as the command's ``--json`` writes it."""
        return self.document

    def rows(self) -> Iterator[Row]:
        from sim.results.tidy import experiment_rows, listed

        return experiment_rows(self.document, listed(self.document))


@dataclass(frozen=True)
class Replications(_Study):
    """``replicate``: one policy on ``reps`` seeds; ``mean(metric)`` (``summary[policy][metric]``) is a 95 % interval."""

    @property
    def policy(self) -> str:
        return self.policies[0]

    def mean(self, metric: str) -> Interval:
        """The mean of a metric over the replications, with its 95 % CI (``money.profit``...)."""
        found = self.summary[self.policy].get(metric)
        if found is None:
            raise ArgumentError(unknown_metric(metric, self.summary[self.policy]))
        return found


@dataclass(frozen=True)
class Comparison(_Study):
    """``compare``: policies on the same seeds; the first is the ``baseline``, every other gets paired differences."""

    differences: dict[str, dict[str, Difference]] = field(default_factory=dict)  # policy -> headline metric -> verdict

    @property
    def baseline(self) -> str:
        return self.policies[0]

    @property
    def verdicts(self) -> list[str]:
        """Every verdict sentence, in the order the console prints them."""
        return [d.verdict for by_metric in self.differences.values() for d in by_metric.values()]

    def paired(self, policy: str, metric: str) -> Interval:
        """The paired difference policy - baseline of any metric (not only the headline ones), 95 % CI."""
        if policy not in self.policies[1:]:
            others = ", ".join(self.policies[1:])
            raise ArgumentError(f"policy: '{policy}' is not compared with the baseline {self.baseline} (compared: {others})")
        found = self.experiment.comparison(policy, metric)
        if found is None:
            raise ArgumentError(unknown_metric(metric, self.summary[policy]))
        return found[0]


@dataclass(frozen=True)
class SweepPoint:
    """One grid point of a sweep: its values, each policy's summary, and the paired change from the point before."""

    values: dict[str, Any]  # key -> value, as --set gives them
    summary: dict[str, dict[str, Interval]]  # policy -> metric -> mean and 95 % CI
    previous: dict[str, Any] | None  # the point the change is from (None for the first of a row)
    change: dict[str, dict[str, Interval]] | None  # policy -> metric -> paired difference from ``previous``
    intervals: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)  # policy -> channel -> rows (interval=)


@dataclass(frozen=True)
class SweepResult(_Exports):
    """``sweep``: every grid point on the same seeds, in grid order (the last key varies fastest)."""

    keys: list[str]
    policies: list[str]
    reps: int
    currency: str
    points: list[SweepPoint]
    document: dict[str, Any] = field(repr=False)

    def table(self, metric: str, policy: str | None = None) -> list[tuple[dict[str, Any], Interval]]:
        """(point values, mean and 95 % CI) of one metric at every point, for ``policy`` (default: the first)."""
        who = policy or self.policies[0]
        out = []
        for p in self.points:
            found = p.summary[who].get(metric)
            if found is None:
                raise ArgumentError(unknown_metric(metric, p.summary[who]))
            out.append((p.values, found))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The sweep's JSON (``cxsim.experiment/1``, ``kind: "sweep"``), as ``cxsim sweep --json`` writes it."""
        return self.document

    def rows(self) -> Iterator[Row]:
        from sim.results.tidy import listed, sweep_rows

        return sweep_rows(self.document, [listed(p) for p in self.document["points"]])


# -- the functions --------------------------------------------------------------------------------------


def run(
    scenario: ScenarioSource, *, policy: str | None = None, seed: int | None = None, days: float | None = None,
    interval: int | None = None, with_responses: Sequence[str] = (), without_responses: Sequence[str] = (),
) -> RunResult:  # fmt: skip
    """Run a scenario once under one policy (default: the scenario's), as ``cxsim run`` does.

    ``seed`` (default: the scenario's) and ``days`` (default: its horizon) as ``--seed`` and
    ``--days``; ``interval`` (15, 30 or 60 minutes) adds the KPIs per interval of the week.
    ``with_responses`` and ``without_responses`` run the policy with those responses added or
    taken out, as ``--with`` and ``--without`` (the result's ``policy`` is the derived name,
    ``reactive+sms_notice``).
    """
    from sim.engine.simulation import Simulation
    from sim.results.flat import flat_results
    from sim.results.results import build_results

    loaded, _data = source(scenario)
    check_run(seed, days, interval)
    if policy is not None:
        check_policies([policy], loaded, "policy")
    base = policy if policy is not None else loaded.scenario.default_policy_name
    model, derived, _specs = derived_policies(loaded, [base], with_responses, without_responses)
    sim = Simulation(model, policy=derived[0] if derived else policy, seed=seed, horizon_days=days)
    stats = None
    if interval is not None:
        from sim.results.intervals import IntervalStats

        stats = IntervalStats.watch(sim, interval)
    sim.run()
    doc = build_results(sim, scenario_file=loaded.path, scenario_sha256=loaded.sha256, intervals=stats)
    return RunResult(doc["policy"], doc["seed"], doc["currency"], flat_results(doc), doc)


def replicate(
    scenario: ScenarioSource, *, policy: str | None = None, reps: int = 20, seed: int | None = None,
    days: float | None = None, interval: int | None = None, workers: int | None = None, scheduler: str | None = None,
    with_responses: Sequence[str] = (), without_responses: Sequence[str] = (),
) -> Replications:  # fmt: skip
    """Run one policy on ``reps`` seeds spawned from ``seed``, as ``cxsim run --reps N``: every KPI as a mean with its 95 % CI.

    ``workers`` processes (default: all cores) or a Dask ``scheduler`` (``tcp://HOST:PORT``) run
    the replications; the numbers do not depend on either. ``with_responses`` and
    ``without_responses`` run the policy with those responses added or taken out, in its place,
    as ``--with`` and ``--without``.
    """
    loaded, data = source(scenario)
    names = [policy] if policy is not None else [loaded.scenario.default_policy_name]
    check_policies(names, loaded, "policy")
    _model, derived, specs = derived_policies(loaded, names, with_responses, without_responses)
    exp = _experiment(loaded, data, derived or names, reps, seed, days, interval, workers, scheduler, minimum=1, specs=specs)
    doc = _document(exp, compare=False)
    return Replications(exp.policies, exp.seeds, exp.currency, _summaries(exp), doc, exp)


def compare(
    scenario: ScenarioSource, policies: Sequence[str] | None = None, *, reps: int = 20, seed: int | None = None,
    days: float | None = None, interval: int | None = None, workers: int | None = None, scheduler: str | None = None,
    with_responses: Sequence[str] = (), without_responses: Sequence[str] = (),
) -> Comparison:  # fmt: skip
    """Compare policies on the same seeds (default: every policy of the scenario, the first the baseline), as ``cxsim compare``.

    Every headline KPI of every policy but the baseline gets a paired difference and a verdict
    (``differences``, ``verdicts``); ``paired(policy, metric)`` gives any other metric's.
    ``with_responses`` and ``without_responses`` give each named policy a derived one with those
    responses added or taken out (``as_planned+callbacks``), compared after the named ones, as
    ``--with`` and ``--without``; a change that leaves a policy as it was is a warning, not a policy.
    """
    loaded, data = source(scenario)
    names = list(policies) if policies is not None else list(loaded.scenario.policies)
    if isinstance(policies, str):
        raise ArgumentError(f"policies: give a list of names, e.g. ['reactive', 'proactive'] (got the text {policies!r})")
    if len(names) < 2 and not (with_responses or without_responses):
        raise ArgumentError(f"policies: name at least two policies to compare (got {names}; the first is the baseline)")
    if len(set(names)) != len(names):
        raise ArgumentError(f"policies: a policy is named twice ({names})")
    check_policies(names, loaded, "policies")
    _model, derived, specs = derived_policies(loaded, names, with_responses, without_responses)
    if len(names) + len(derived) < 2:
        raise ArgumentError(f"policies: name at least two policies to compare (got {names}; the first is the baseline)")
    names = [*names, *derived]
    exp = _experiment(loaded, data, names, reps, seed, days, interval, workers, scheduler, minimum=2, specs=specs)
    doc = _document(exp, compare=True)
    differences: dict[str, dict[str, Difference]] = {p: {} for p in names[1:]}
    for c in doc["comparisons"]:
        differences[c["policy"]][c["metric"]] = Difference(
            c["policy"], c["baseline"], c["metric"], c["label"], c["unit"], c["higher_is_better"],
            Interval.from_dict(c["difference"]), c["unpaired_half_width"], c["effect"], c["verdict"],
        )  # fmt: skip
    return Comparison(exp.policies, exp.seeds, exp.currency, _summaries(exp), doc, exp, differences)


def sweep(
    scenario: ScenarioSource, grid: Mapping[str, Any], *, policies: Sequence[str] | None = None, reps: int = 10,
    seed: int | None = None, days: float | None = None, kpis: Sequence[str] | None = None, interval: int | None = None,
    workers: int | None = None, scheduler: str | None = None,
) -> SweepResult:  # fmt: skip
    """Run a grid of scenario values with replications, as ``cxsim sweep --set KEY=VALUES``.

    ``grid`` maps each scenario key (as written in TOML, list positions as numbers) to its
    values: a list or range (``range(8, 13, 2)``), one value, or the text ``--set`` takes
    (``"6:14:2"``, ``"a,b,c"``). A list is a list of values: to set a key to one list (a
    channel's ``shifts``), wrap it, ``[[{...}, {...}]]``. Several keys make a grid of every
    combination. Every point runs on the same seeds; each point gets the paired change from the
    point before it along the last key. ``kpis`` chooses the KPIs the change covers besides the
    headline ones, as ``--kpi``. ``interval`` (15, 30 or 60 minutes) gives each point its KPIs per
    interval of the week (``SweepPoint.intervals``), which ``cxsim sweep`` does not have.
    """
    import tomllib

    from sim.experiments.experiment import collect, plan, run_jobs
    from sim.experiments.journal import InMemory
    from sim.experiments.sweep import MAX_POINTS, combine, parse_set, unknown_kpi, validate_point
    from sim.experiments.sweep_results import sweep_document

    loaded, data = source(scenario)
    if not isinstance(grid, Mapping) or not grid:  # a str is not a Mapping
        raise ArgumentError("grid: give a mapping of scenario keys to values, e.g. {'touchpoints.phone.agents': range(6, 15, 2)}")
    parsed: list[tuple[str, list[Any]]] = []
    for key, values in grid.items():
        if isinstance(values, str):
            parsed.append(parse_set(f"{key}={values}"))
        elif isinstance(values, Sequence | range):
            parsed.append((key, list(values)))
            if not parsed[-1][1]:
                raise ArgumentError(f"grid: {key}: no values")
        else:
            parsed.append((key, [values]))
        if len(parsed[-1][1]) > MAX_POINTS:
            raise ArgumentError(f"grid: {key} has {len(parsed[-1][1]):,} values; a grid has at most {MAX_POINTS:,} points")
    points = combine(parsed)
    names = list(policies) if policies is not None else [loaded.scenario.default_policy_name]
    check_policies(names, loaded, "policies")
    base_seed = check_study(loaded, reps, seed, days, interval, minimum=1)
    n = workers_of(workers)
    raw = tomllib.loads(data.decode("utf-8"))
    first = validate_point(raw, points[0], loaded.path)
    for point in points[1:]:
        validate_point(raw, point, loaded.path)
    problem = unknown_kpi(kpis or [], first, "kpis")
    if problem is not None:
        raise ArgumentError(problem)
    groups = [plan(data, loaded.path, names, base_seed, reps, days, point, interval=interval) for point in points]
    jobs = [job for group in groups for job in group]
    store = InMemory(run_jobs(jobs, n, scheduler=scheduler))
    horizon = days if days is not None else loaded.scenario.horizon_days
    exps, start = [], 0
    for group in groups:
        exp = collect(
            group, store, title=loaded.scenario.title, file=loaded.path, sha256=loaded.sha256,
            currency=loaded.scenario.currency, channels=list(loaded.scenario.staffed()), policies=names,
            base_seed=base_seed, days=horizon, offset=start, interval=interval,
        )  # fmt: skip
        exps.append(exp)
        start += len(group)
    doc = sweep_document(exps, points, reps=reps, chosen=list(kpis) if kpis else None)
    out = []
    for point, exp, entry in zip(points, exps, doc["points"], strict=True):
        step = entry.get("change_from_previous")
        change = None
        if step is not None:
            change = {p: {m: Interval.from_dict(iv) for m, iv in by.items()} for p, by in step["differences"].items()}
        cells = {p: exp.interval_summary(p) for p in names} if interval is not None else {}
        out.append(SweepPoint(dict(point), _summaries(exp), step["set"] if step else None, change, cells))
    return SweepResult([k for k, _ in points[0]], names, reps, loaded.scenario.currency, out, doc)


# -- shared checks and plumbing ---------------------------------------------------------------------


def _experiment(
    loaded: LoadedScenario, data: bytes, names: list[str], reps: int, seed: int | None, days: float | None,
    interval: int | None, workers: int | None, scheduler: str | None, *, minimum: int, specs: Mapping[str, str] | None = None,
) -> Experiment:  # fmt: skip
    """Plan the seeds, run every replication (in memory), and gather them by policy: what ``replications()`` of the CLI does."""
    from sim.experiments.experiment import collect, plan, run_jobs
    from sim.experiments.journal import InMemory

    base_seed = check_study(loaded, reps, seed, days, interval, minimum=minimum)
    n = workers_of(workers)
    jobs = plan(data, loaded.path, names, base_seed, reps, days, interval=interval, specs=specs)
    store = InMemory(run_jobs(jobs, n, scheduler=scheduler))
    s = loaded.scenario
    return collect(
        jobs, store, title=s.title, file=loaded.path, sha256=loaded.sha256, currency=s.currency, channels=list(s.staffed()),
        policies=names, base_seed=base_seed, days=days if days is not None else s.horizon_days, interval=interval,
    )  # fmt: skip


def _document(exp: Experiment, *, compare: bool) -> dict[str, Any]:
    from sim.experiments.experiment import to_dict

    return to_dict(exp, compare=compare)


def _summaries(exp: Experiment) -> dict[str, dict[str, Interval]]:
    return {p: exp.summary(p) for p in exp.policies}
