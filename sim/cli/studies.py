"""``cxsim compare`` and ``cxsim sweep``, and ``cxsim run --reps N``: studies over replications.

Every finished replication is appended to a journal; with ``--json PATH`` the journal is kept
next to PATH when a study is interrupted, and ``--resume`` finishes it with the same bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.console import err, fail, out, print_lines, print_written
from sim.cli.options import (
    FileArg,
    IntervalOpt,
    IntervalsCsvOpt,
    StudyFlags,
    check_parquet,
    check_workload,
    check_writable,
    interval_minutes,
    journal_path,
    leftover,
    split_policies,
    with_study_flags,
)
from sim.cli.policy_flags import NO_POLICY_FLAGS, PolicyFileOpt, PolicyFlags, WithOpt, WithoutOpt

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from sim.experiments.experiment import Job
    from sim.experiments.journal import Journal
    from sim.scenario.loader import LoadedScenario
    from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Precision:
    """``run --precision``: add replications until each KPI's 95 % CI half-width is within ``target`` x its mean."""

    target: float
    kpis: list[str]
    max_reps: int


@with_study_flags
def compare(
    file: FileArg,
    policies: Annotated[
        str | None, typer.Option(help="Comma-separated policies; the first is the baseline (default: all, in file order).")
    ] = None,
    reps: Annotated[int, typer.Option(min=2, help="Replications per policy (the same seeds for every policy).")] = 20,
    interval: IntervalOpt = None,
    intervals_csv: IntervalsCsvOpt = None,
    with_: WithOpt = None,
    without: WithoutOpt = None,
    policy_file: PolicyFileOpt = None,
    *,
    flags: StudyFlags,
) -> None:
    """Compare policies on the same customers and failures, with paired 95 % confidence intervals.

    Every policy runs on the same replication seeds (common random numbers), so each difference
    is measured customer by customer. Each headline KPI gets a verdict in plain words, or
    "no detectable difference" when its interval spans 0. --interval 60 (or 30, 15) adds each
    staffed channel's KPIs per interval of the week, with their 95 % CIs. --with and --without
    add, for each policy compared, one with responses added or taken out, compared with the
    others on the same seeds; --policy-file adds policies written in a file of their own.
    """
    minutes = interval_minutes(interval, intervals_csv)
    flags = dataclasses.replace(flags, interval=minutes, intervals_csv=intervals_csv)
    names = split_policies(policies) if policies is not None else None
    if names is not None and len(names) < 2 and not (with_ or without):
        raise fail("--policies: name at least two policies, separated by commas (the first is the baseline)")
    replications(file, names, reps, flags, compare=True, policy_flags=PolicyFlags(with_, without, policy_file))


def replications(
    file: Path, policies: list[str] | None, reps: int, flags: StudyFlags, *, compare: bool, stop: Precision | None = None,
    policy_flags: PolicyFlags = NO_POLICY_FLAGS,
) -> None:  # fmt: skip
    """Run the study's policies on shared seeds, then write and print the summary (and the verdicts if ``compare``)."""
    from sim.atomic import open_atomic
    from sim.cli.policy_flags import study_policies
    from sim.cli.present import print_experiment
    from sim.cli.progress import runs_bar
    from sim.experiments.experiment import STREAM_TOKEN, collect, csv_lines, plan, replication_rows, tidy_rows, to_dict
    from sim.experiments.workload import customers_per_run, repeated
    from sim.scenario.loader import read_scenario

    flag = "--policies" if compare else "--policy"
    loaded = read_scenario(file)
    scenario = loaded.scenario
    print_lines(loaded.warnings)
    chosen = study_policies(scenario, policies, policy_flags, flag=flag, every=compare, keep_named=compare)
    scenario, names = chosen.scenario, chosen.names
    if len(set(names)) != len(names):
        raise fail(f"{flag}: a policy is named twice")
    if compare and len(names) < 2:
        raise fail(f"{file}: needs at least two policies to compare (it has {len(scenario.policies)})")
    check_writable(flags.json_out, flags.csv_out, flags.parquet_out, flags.intervals_csv, inputs=[file, policy_flags.policy_file])
    check_parquet(flags.parquet_out)
    check_workload(
        repeated(customers_per_run(scenario, flags.days), reps * len(names), _times(reps, "replication", len(names))),
        "this comparison" if compare else "this run", flags.allow_large,
    )  # fmt: skip
    base_seed = scenario.seed if flags.seed is None else flags.seed
    data_bytes = Path(file).read_bytes()
    jobs = plan(data_bytes, str(file), names, base_seed, reps, flags.days, interval=flags.interval, specs=chosen.specs)
    if stop is not None and stop.max_reps < reps:
        raise fail(f"--max-reps ({stop.max_reps}) is below --reps ({reps})")
    with _journal(flags) as journal:
        with runs_bar("replications", flags.show, unit="", rate=True) as bar:
            task = bar.add_task("runs", total=len(jobs))
            _run_saving(jobs, flags, bar, task, journal)
            while stop is not None:
                first = journal.get(0)
                unknown = [k for k in stop.kpis if k not in first]
                if unknown:
                    raise fail(
                        f"--kpi: unknown KPI '{unknown[0]}' (see the metric names in the --json output, e.g. money.profit)"
                    )
                wide = [k for k in stop.kpis if not _precise(journal, len(jobs), k, stop.target)]
                done = len(jobs) // len(names)
                if not wide or done >= stop.max_reps:
                    if wide:
                        err.print(
                            f"stopped at --max-reps {stop.max_reps}: {', '.join(wide)} not yet within {stop.target:.1%}",
                            highlight=False,
                        )
                    break
                more = min(max(done // 2, flags.n_workers), stop.max_reps - done)
                extra = plan(
                    data_bytes, str(file), names, base_seed, done + more, flags.days, first=done, interval=flags.interval,
                    specs=chosen.specs,
                )  # fmt: skip
                bar.update(task, total=len(jobs) + len(extra))
                jobs += extra
                _run_saving(jobs, flags, bar, task, journal, reload=False)
        exp = collect(
            jobs, journal, title=scenario.title, file=str(file), sha256=loaded.sha256, currency=scenario.currency,
            channels=list(scenario.staffed()), policies=names, base_seed=base_seed,
            days=flags.days if flags.days is not None else scenario.horizon_days, interval=flags.interval,
        )  # fmt: skip
        token = STREAM_TOKEN.format(0)
        data = to_dict(exp, compare=compare, stream=token)
        streams = {token: lambda: replication_rows(exp)}
        _stream_json(data, streams, flags.json_out)
        if flags.csv_out is not None:
            with open_atomic(flags.csv_out) as handle:
                handle.writelines(csv_lines(exp, data))
        if flags.parquet_out is not None:
            from sim.results.tidy import write_parquet

            write_parquet(tidy_rows(exp, data), flags.parquet_out)
        if flags.intervals_csv is not None:
            from sim.results.intervals import experiment_csv_lines

            with open_atomic(flags.intervals_csv) as handle:
                handle.writelines(experiment_csv_lines(data))
    if flags.json_out != "-":
        print_experiment(exp, data, compare)
        if "intervals" in data:
            from sim.cli.present import print_worst_intervals

            section = data["intervals"]
            print_worst_intervals(section["minutes"], {p: v["channels"] for p, v in section["policies"].items()})
    print_written(flags.json_out, flags.csv_out, flags.parquet_out, flags.intervals_csv)


@with_study_flags
def sweep(
    file: FileArg,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="KEY=VALUES",
            help="A scenario key and its values: START:STOP[:STEP], a,b,c or one value. Repeat for a grid.",
            show_default=False,
        ),
    ],
    policies: Annotated[str | None, typer.Option(help="Comma-separated policies (default: the scenario's default).")] = None,
    reps: Annotated[int, typer.Option(min=1, help="Replications per grid point and policy.")] = 10,
    kpi: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="A KPI for the table and the report, e.g. channels.phone.occupancy (repeatable; default: profit, "
            "repeat purchase, NPS and the swept channel's abandonment, service level and mean wait).",
        ),
    ] = None,
    with_: WithOpt = None,
    without: WithoutOpt = None,
    policy_file: PolicyFileOpt = None,
    *,
    flags: StudyFlags,
) -> None:
    """Run a grid of scenario values (e.g. --set touchpoints.phone.agents=6:14:2) with replications.

    Every grid point is validated before anything runs; every point uses the same seeds, so
    neighbouring points are compared on the same customers: the table after the sweep gives
    the paired difference between each point and the one before it, with its 95 % interval.
    --with, --without and --policy-file add policies as they do for compare.
    """
    import tomllib

    from sim.cli.policy_flags import study_policies
    from sim.cli.progress import runs_bar
    from sim.experiments.experiment import plan
    from sim.experiments.sweep import grid, validate_point
    from sim.experiments.workload import customers_per_run, workload
    from sim.scenario.loader import read_scenario

    loaded = read_scenario(file)
    scenario = loaded.scenario
    data = Path(file).read_bytes()
    raw = tomllib.loads(data.decode("utf-8"))
    chosen = study_policies(
        scenario, split_policies(policies) if policies else None, PolicyFlags(with_, without, policy_file),
        flag="--policies", every=False, keep_named=True,
    )  # fmt: skip
    names = chosen.names
    points = grid(set_)
    point_scenarios = [validate_point(raw, point, str(file)) for point in points]
    _check_kpis(kpi or [], point_scenarios[0])
    check_writable(flags.json_out, flags.csv_out, flags.parquet_out, inputs=[file, policy_file])
    check_parquet(flags.parquet_out)
    runs_each = reps * len(names)
    check_workload(
        workload(
            ((customers_per_run(s, flags.days), runs_each) for s in point_scenarios),
            f"{len(points):,} point{'s' if len(points) != 1 else ''} x " + _times(reps, "replication", len(names)),
        ),
        "this sweep", flags.allow_large,
    )  # fmt: skip
    base_seed = scenario.seed if flags.seed is None else flags.seed
    jobs_by_point = [plan(data, str(file), names, base_seed, reps, flags.days, point, specs=chosen.specs) for point in points]
    jobs = [job for group in jobs_by_point for job in group]
    with _journal(flags) as journal:
        with runs_bar("sweep", flags.show) as bar:
            task = bar.add_task("runs", total=len(jobs))
            _run_saving(jobs, flags, bar, task, journal)
        tables = _write_sweep(file, loaded, names, reps, flags, base_seed, points, jobs_by_point, journal, kpi or None)
    if flags.json_out != "-":
        for table in tables:
            out.print(table)
    print_written(flags.json_out, flags.csv_out, flags.parquet_out)


def _check_kpis(chosen: list[str], scenario: Scenario) -> None:
    """Exit 2 on a --kpi the scenario's results do not have, before anything runs."""
    from sim.experiments.sweep import unknown_kpi

    problem = unknown_kpi(chosen, scenario)
    if problem is not None:
        raise fail(problem)


def _times(reps: int, unit: str, policies: int) -> str:
    """'30 replications x 2 policies' (or '20 replications' for one policy)."""
    text = f"{reps:,} {unit}{'s' if reps != 1 else ''}"
    return text + (f" x {policies} policies" if policies > 1 else "")


def _write_sweep(
    file: Path, loaded: LoadedScenario, names: list[str], reps: int, flags: StudyFlags, base_seed: int,
    points: list[tuple[tuple[str, Any], ...]], jobs_by_point: list[list[Job]], journal: Journal,
    chosen: list[str] | None = None,
) -> list[Table]:  # fmt: skip
    """Summarise each grid point and stream every replication from the journal into the outputs; return the tables.

    The document is ``sim.experiments.sweep.sweep_document``: each point after the first along
    the last key also gets its paired differences from the point before it.
    """
    from sim.atomic import open_atomic
    from sim.cli.present import SweepTable
    from sim.experiments.experiment import STREAM_TOKEN, collect, replication_rows
    from sim.experiments.sweep import previous_points
    from sim.experiments.sweep_results import sweep_document
    from sim.results.tidy import csv_lines, sweep_rows

    scenario, sha256, file_name = loaded.scenario, loaded.sha256, str(file)
    days = flags.days if flags.days is not None else scenario.horizon_days
    exps = []
    start = 0
    for group in jobs_by_point:
        exp = collect(
            group, journal, title=scenario.title, file=file_name, sha256=sha256, currency=scenario.currency,
            channels=list(scenario.staffed()), policies=names, base_seed=base_seed, days=days, offset=start,
        )  # fmt: skip
        exps.append(exp)
        start += len(group)
    tokens = [STREAM_TOKEN.format(n) for n in range(len(points))]
    result = sweep_document(exps, points, reps=reps, chosen=chosen, streams=tokens)
    table = SweepTable(scenario, reps, points, chosen)
    previous = previous_points(points)
    for n, (point, entry) in enumerate(zip(points, result["points"], strict=True)):
        before = previous[n]
        if before is not None:
            table.add_step(points[before], point, names, entry["change_from_previous"]["differences"])
        table.add(point, names, entry["summary"])
    replications: list[Callable[[], Iterator[Any]]] = [functools.partial(replication_rows, exp) for exp in exps]
    _stream_json(result, dict(zip(tokens, replications, strict=True)), flags.json_out)
    if flags.csv_out is not None:
        with open_atomic(flags.csv_out) as handle:
            handle.writelines(csv_lines(sweep_rows(result, replications)))
    if flags.parquet_out is not None:
        from sim.results.tidy import write_parquet

        write_parquet(sweep_rows(result, replications), flags.parquet_out)
    return table.tables()


def _stream_json(data: dict[str, Any], streams: dict[str, Callable[[], Iterator[Any]]], json_out: str | None) -> None:
    """Experiment results to stdout ('-') or atomically to a file, replications streamed from the journal."""
    from sim.atomic import open_atomic
    from sim.experiments.experiment import write_json

    if json_out == "-":
        write_json(data, streams, sys.stdout)
    elif json_out is not None:
        with open_atomic(json_out) as handle:
            write_json(data, streams, handle)


@contextmanager
def _journal(flags: StudyFlags) -> Iterator[Journal]:
    """The journal of finished replications: next to --json PATH, else a scratch file.

    It is removed when the block ends without error; an interrupted study keeps the one next to
    --json PATH, for --resume.
    """
    from sim.experiments.journal import Journal, JournalBusy

    if flags.scratch:
        if flags.resume:
            raise fail("--resume needs --json PATH: the finished replications are kept next to that file")
        journal = Journal.scratch()
    else:
        journal = Journal(journal_path(str(flags.json_out)))
        existed = journal.path.exists()
        try:
            journal.lock()  # held until the block ends: a second run on the same journal is refused, not interleaved
        except JournalBusy as exc:
            raise fail(str(exc)) from None
        if not flags.resume and not journal.is_empty():
            journal.release()
            raise fail(leftover(journal.path))
        if flags.resume and not existed:
            journal.remove()
            raise fail(f"--resume: nothing to resume ({journal.path} does not exist)")
    finished = False
    try:
        yield journal
        finished = True
    finally:
        if finished or flags.scratch or journal.is_empty():
            journal.remove()
        else:
            journal.release()


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a batch scheduler ending the job) while replications run: stopped as Ctrl-C stops them."""


TERMINATED = 128 + signal.SIGTERM  # the exit code of a process SIGTERM ended, as shells report it


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM raises ``Terminated``: the finished replications are kept and the resume hint printed.

    Left to its default, SIGTERM ended the process at once: the workers went with it, but the
    journal was left without a word on how to finish. Only the main thread can take signals.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_saving(
    jobs: list[Job], flags: StudyFlags, bar: Progress, task: TaskID, journal: Journal, *, reload: bool = True
) -> None:  # fmt: skip
    """Run what is not done yet, appending each finished replication to the journal; explain how to resume after
    Ctrl-C (exit 130) or SIGTERM (exit 143)."""
    from sim.experiments.experiment import run_jobs

    done = journal.load(jobs) if reload else set(journal.offsets)
    bar.update(task, total=len(jobs), completed=len(done))
    try:
        with _sigterm_as_interrupt():
            run_jobs(
                jobs, flags.n_workers, on_done=lambda _i: bar.advance(task), scheduler=flags.scheduler, journal=journal,
                done=done,
            )  # fmt: skip
    except KeyboardInterrupt as exc:
        bar.stop()
        word = "terminated" if isinstance(exc, Terminated) else "interrupted"
        if flags.scratch:
            said = f"{word}; nothing was kept (pass --json PATH to keep finished replications)"
        elif not len(journal):
            said = f"{word} before any replication finished; nothing was kept"
        else:
            said = (
                f"{word}: {len(journal)} of {len(jobs)} replications kept in {journal.path}; "
                "run the same command with --resume to finish"
            )
        err.print(said, highlight=False, markup=False, soft_wrap=True)  # one line: a long path is not cut in two
        raise typer.Exit(TERMINATED if isinstance(exc, Terminated) else 130) from None


def _precise(journal: Journal, n_jobs: int, metric: str, target: float) -> bool:
    """True when the metric's 95 % CI half-width over every finished replication is within target x mean."""
    from sim.experiments.stats import Running

    acc = Running()
    for i in range(n_jobs):
        value = journal.get(i).get(metric)
        if value is not None:
            acc.add(value)
    if acc.n < 2:
        return False
    iv = acc.interval()
    return iv.half_width <= target * abs(iv.mean) or iv.half_width == 0
