"""``cxsim validate`` and ``cxsim run``: check scenario files, run one scenario headless."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.console import err, fail, out, print_lines, print_written
from sim.cli.options import (
    AllowLargeOpt,
    CsvOpt,
    CustomersOpt,
    DaysOpt,
    FileArg,
    IntervalOpt,
    IntervalsCsvOpt,
    JsonOpt,
    ParquetOpt,
    ProgressOpt,
    ResumeOpt,
    SchedulerOpt,
    SeedOpt,
    StudyFlags,
    WorkersOpt,
    check_parquet,
    check_workload,
    check_writable,
    interval_minutes,
    note_leftover,
)
from sim.cli.policy_flags import PolicyFileOpt, PolicyFlags, WithOpt, WithoutOpt

if TYPE_CHECKING:
    from sim.results.customer_export import CustomerExport


def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", show_default=False)],
) -> None:
    """Check scenario files and list every problem as FILE:LINE: key.path: message.

    Exit code 2 if any file is invalid. Warnings (valid but probably wrong) do not fail.
    """
    from sim.errors import SimError
    from sim.scenario.loader import read_scenario

    bad = 0
    for path in files:
        try:
            loaded = read_scenario(path)
        except SimError as exc:
            bad += 1
            print_lines(getattr(exc, "problems", [exc]))
            continue
        print_lines(loaded.warnings)
        out.print(f"{path}: ok ({loaded.scenario.title})", highlight=False, markup=False)
    if bad:
        raise typer.Exit(2)


def run(
    file: FileArg,
    policy: Annotated[str | None, typer.Option(help="Policy to run (default: the scenario's default).")] = None,
    seed: SeedOpt = None,
    days: DaysOpt = None,
    json_out: JsonOpt = None,
    csv_out: CsvOpt = None,
    parquet_out: ParquetOpt = None,
    customers_out: CustomersOpt = None,
    progress: ProgressOpt = True,
    reps: Annotated[int, typer.Option(min=1, help="Replications; above 1, every KPI gets a 95 % confidence interval.")] = 1,
    workers: WorkersOpt = None,
    precision: Annotated[
        float | None,
        typer.Option(
            min=0.0001, max=1.0, help="Add replications until each --kpi's 95 % CI half-width is within this share of its mean."
        ),
    ] = None,
    kpi: Annotated[
        list[str] | None, typer.Option(help="KPI for --precision, e.g. money.profit (repeatable; default money.profit).")
    ] = None,
    max_reps: Annotated[int, typer.Option(min=2, help="Most replications --precision may run.")] = 200,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    allow_large: AllowLargeOpt = False,
    interval: IntervalOpt = None,
    intervals_csv: IntervalsCsvOpt = None,
    with_: WithOpt = None,
    without: WithoutOpt = None,
    policy_file: PolicyFileOpt = None,
) -> None:
    """Run a scenario headless under one policy and print its KPIs (or write JSON / CSV).

    The same file, policy and seed always give the same numbers. With --reps N the run is
    replicated on N seeds spawned from --seed, and every KPI is reported as a mean with its
    95 % confidence interval; the results do not depend on --workers. --customers PATH writes
    one row per surveyed journey of a single run, for analysis outside cxsim. --interval 60 (or
    30, 15) adds each staffed channel's KPIs per interval of the week and prints the worst ones.
    --with and --without run the policy with responses added or taken out (named e.g.
    reactive+notify_customers); --policy-file adds policies, written in a file of their own, to run.
    """
    policy_flags = PolicyFlags(with_, without, policy_file)
    minutes = interval_minutes(interval, intervals_csv)
    if precision is not None and reps < 2:
        reps = 5
    if customers_out is not None and reps > 1:
        raise fail("--customers writes the journeys of one run: leave out --reps and --precision")
    if reps > 1:
        from sim.cli.studies import Precision, replications

        flags = StudyFlags(
            seed=seed, days=days, workers=workers, json_out=json_out, csv_out=csv_out, parquet_out=parquet_out, progress=progress,
            scheduler=scheduler,
            resume=resume, allow_large=allow_large, interval=minutes, intervals_csv=intervals_csv,
        )  # fmt: skip
        stop = Precision(precision, kpi or ["money.profit"], max_reps) if precision is not None else None
        replications(file, [policy] if policy else None, reps, flags, compare=False, stop=stop, policy_flags=policy_flags)
        return
    if scheduler is not None or resume:
        raise fail(f"{'--scheduler' if scheduler else '--resume'} only makes sense with --reps above 1")
    if kpi:
        raise fail("--kpi only makes sense with --precision")
    from sim.cli.policy_flags import study_policies
    from sim.cli.progress import run_with_progress
    from sim.engine.simulation import Simulation
    from sim.experiments.workload import customers_per_run, repeated
    from sim.results.results import build_results
    from sim.scenario.loader import read_scenario

    loaded = read_scenario(file)
    print_lines(loaded.warnings)
    chosen = study_policies(
        loaded.scenario, [policy] if policy is not None else None, policy_flags, flag="--policy", every=False, keep_named=False
    )
    scenario, (policy,) = chosen.scenario, chosen.names
    check_writable(json_out, csv_out, parquet_out, customers_out, intervals_csv, inputs=[file, policy_file])
    check_parquet(parquet_out)
    if customers_out is not None and not scenario.customer_model.enabled:
        raise fail(
            f"--customers: nothing to export: {file} turns the customer model off ([customer_model] enabled = false), "
            "so no journey is surveyed"
        )
    check_workload(repeated(customers_per_run(scenario, days), 1, ""), "this run", allow_large)
    note_leftover(json_out)
    sim = Simulation(scenario, policy=policy, seed=seed, horizon_days=days)
    stats = None
    if minutes is not None:
        from sim.results.intervals import IntervalStats

        stats = IntervalStats.watch(sim, minutes)
    with customers_file(customers_out, sim.warmup) as export:
        if export is not None:
            sim.subscribe(export)
        run_with_progress(sim, progress and err.is_terminal)
    results = build_results(sim, scenario_file=str(file), scenario_sha256=loaded.sha256, intervals=stats)
    write_results(results, json_out, csv_out, intervals_csv, parquet_out)
    print_written(json_out, csv_out, parquet_out, customers_out, intervals_csv)


@contextlib.contextmanager
def customers_file(path: Path | None, warmup_min: float) -> Iterator[CustomerExport | None]:
    """The per-customer export onto ``path`` while the run goes (None without --customers).

    It leaves out the journeys that began in the run's warm-up, as the results do.
    """
    if path is None:
        yield None
        return
    from sim.results.customer_export import customer_export

    with customer_export(path, warmup_min) as export:
        yield export


def write_results(
    results: dict[str, Any], json_out: str | None, csv_out: Path | None, intervals_csv: Path | None = None,
    parquet_out: Path | None = None,
) -> None:  # fmt: skip
    """One run's results: JSON to a file or stdout, CSV, Parquet, and the table unless JSON goes to stdout."""
    import sys

    from sim.atomic import write_text_atomic
    from sim.cli.present import print_results, print_worst_intervals
    from sim.results.results import to_csv, to_json

    if json_out == "-":
        sys.stdout.write(to_json(results))
    elif json_out is not None:
        write_text_atomic(json_out, to_json(results))
    if csv_out is not None:
        write_text_atomic(csv_out, to_csv(results))
    if parquet_out is not None:
        from sim.results.tidy import run_rows, write_parquet

        write_parquet(run_rows(results), parquet_out)
    if intervals_csv is not None:
        from sim.results.intervals import run_csv

        write_text_atomic(intervals_csv, run_csv(results))
    if json_out != "-":
        print_results(results)
        if "intervals" in results:
            print_worst_intervals(results["intervals"]["minutes"], {results["policy"]: results["intervals"]["channels"]})
