"""The ``cxsim`` command line: validate scenarios, run them headless, print the schema.

Exit codes: 0 ok, 2 bad input (scenario, flags, files), 1 a bug in cxsim. Every error is one
line per problem on stderr, never a traceback (set CXSIM_DEBUG=1 to see one for a bug).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from sim import __version__
from sim.atomic import write_text_atomic
from sim.clock import format_time
from sim.engine.simulation import Simulation
from sim.errors import SimError
from sim.results.results import build_results, to_csv, to_json
from sim.scenario.loader import read_scenario
from sim.scenario.schema import Scenario

app = typer.Typer(
    name="cxsim",
    help="cxsim: simulate customer journeys and compare reactive service with proactive experience.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


# Typer vendors click privately; reach click's exception base through the public BadParameter.
ClickException: type[Exception] = typer.BadParameter.__mro__[2]


# Flags shared by run, compare and sweep, declared once.
SeedOpt = Annotated[int | None, typer.Option(min=0, help="Random seed, or base seed of replications (default: the scenario's).")]
DaysOpt = Annotated[float | None, typer.Option(min=0.001, help="Run length in days (default: the scenario's horizon).")]
WorkersOpt = Annotated[int | None, typer.Option(min=1, help="Worker processes for replications (default: all cores).")]
JsonOpt = Annotated[
    str | None, typer.Option("--json", metavar="PATH|-", help="Write results as JSON to PATH, or '-' for stdout.")
]
CsvOpt = Annotated[Path | None, typer.Option("--csv", metavar="PATH", help="Write tidy CSV rows to PATH.")]
ProgressOpt = Annotated[bool, typer.Option(help="Show a progress bar on stderr.")]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(metavar="tcp://HOST:PORT", help="Run replications on this Dask scheduler instead of local processes."),
]
ResumeOpt = Annotated[bool, typer.Option(help="Finish an interrupted run from the replications saved next to --json PATH.")]
FileArg = Annotated[Path, typer.Argument(help="Scenario file (.toml).", show_default=False)]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        out.print(f"cxsim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Simulate customer journeys: queues, failures, recoveries and what customers remember.

    Scenarios are TOML files (see docs/scenario-format.md). Sim time is minutes; money is in the
    scenario's currency.
    """


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", show_default=False)],
) -> None:
    """Check scenario files and list every problem as FILE:LINE: key.path: message.

    Exit code 2 if any file is invalid. Warnings (valid but probably wrong) do not fail.
    """
    bad = 0
    for path in files:
        try:
            loaded = read_scenario(path)
        except SimError as exc:
            bad += 1
            for problem in getattr(exc, "problems", [exc]):
                err.print(str(problem), highlight=False, soft_wrap=True, markup=False)
            continue
        for warning in loaded.warnings:
            err.print(str(warning), highlight=False, soft_wrap=True, markup=False)
        out.print(f"{path}: ok ({loaded.scenario.title})", highlight=False, markup=False)
    if bad:
        raise typer.Exit(2)


@app.command()
def run(
    file: FileArg,
    policy: Annotated[str | None, typer.Option(help="Policy to run (default: the scenario's default).")] = None,
    seed: SeedOpt = None,
    days: DaysOpt = None,
    json_out: JsonOpt = None,
    csv_out: CsvOpt = None,
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
) -> None:
    """Run a scenario headless under one policy and print its KPIs (or write JSON / CSV).

    The same file, policy and seed always give the same numbers. With --reps N the run is
    replicated on N seeds spawned from --seed, and every KPI is reported as a mean with its
    95 % confidence interval; the results do not depend on --workers.
    """
    if precision is not None and reps < 2:
        reps = 5
    if reps > 1:
        stop = (precision, kpi or ["money.profit"], max_reps) if precision is not None else None
        _experiment(
            file, [policy] if policy else None, seed, days, reps, workers, json_out, csv_out, progress, compare=False, stop=stop,
            scheduler=scheduler, resume=resume,
        )  # fmt: skip
        return
    if scheduler is not None or resume:
        raise _fail(f"{'--scheduler' if scheduler else '--resume'} only makes sense with --reps above 1")
    if kpi:
        raise _fail("--kpi only makes sense with --precision")
    loaded = read_scenario(file)
    scenario = loaded.scenario
    for warning in loaded.warnings:
        err.print(str(warning), highlight=False, soft_wrap=True, markup=False)
    if policy is not None and policy not in scenario.policies:
        from sim.scenario.checks import did_you_mean

        raise _fail(f"--policy: unknown policy '{policy}'{did_you_mean(policy, scenario.policies)}")
    for target in (json_out, csv_out):
        if target not in (None, "-"):
            parent = Path(str(target)).parent
            if not parent.is_dir():
                raise _fail(f"cannot write {target}: folder {parent} does not exist")
    sim = Simulation(scenario, policy=policy, seed=seed, horizon_days=days)
    _run_with_progress(sim, progress and err.is_terminal)
    results = build_results(sim, scenario_file=str(file), scenario_sha256=loaded.sha256)
    _write_results(results, scenario, json_out, csv_out)
    if json_out != "-":
        for target in (json_out, csv_out):
            if target is not None:
                err.print(f"wrote {target}", highlight=False)


def _write_results(results: dict, scenario: Scenario, json_out: str | None, csv_out: Path | None) -> None:
    """One run's results: JSON to a file or stdout, CSV, and the table unless JSON goes to stdout."""
    if json_out == "-":
        sys.stdout.write(to_json(results))
    elif json_out is not None:
        write_text_atomic(json_out, to_json(results))
    if csv_out is not None:
        write_text_atomic(csv_out, to_csv(results))
    if json_out != "-":
        print_results(results, scenario)


class RateColumn(ProgressColumn):
    """Replications per second, or a dash until the first one has finished.

    Rich's ``task.speed`` is None before any progress is made, so a plain
    ``TextColumn("{task.speed:.2f}")`` crashes on the first refresh in a real terminal.
    """

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("–/s" if speed is None else f"{speed:.2f}/s", style="progress.data.speed")


def _run_with_progress(sim: Simulation, show: bool) -> None:
    if not show:
        sim.run()
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("day {task.completed:.1f}/{task.total:.1f}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        days = sim.horizon / 1440.0
        task = bar.add_task(f"{sim.policy_name}", total=days)
        step = max(sim.horizon / 200.0, 60.0)
        while not sim.finished:
            sim.advance_to(sim.now + step)
            bar.update(task, completed=sim.now / 1440.0)


def _fmt(value: object, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "nps" and isinstance(value, float):
        return f"{value:+.0f}"
    if unit == "fraction" and isinstance(value, float):
        return f"{100 * value:.1f} %"
    text = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
    return f"{text} {unit}".strip() if unit and unit not in ("fraction",) else text


def print_results(results: dict, scenario: Scenario) -> None:
    """Render results as rich tables with units."""
    cur = results["currency"]
    out.print(
        f"[bold]{results['scenario']['title']}[/]  policy [cyan]{results['policy']}[/]  seed {results['seed']}  "
        f"{results['horizon_days']:g} days (warm-up {results['warmup_days']:g})",
        highlight=False,
    )
    summary = Table(title="Customers and money", show_header=False, title_justify="left")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    c = results["customers"]
    j = results["journey"]
    m = results["money"]
    summary.add_row("customers arrived", _fmt(c["arrived"]))
    summary.add_row("journeys completed", _fmt(c["journeys_completed"]))
    summary.add_row("orders", _fmt(j["orders"]))
    summary.add_row("conversion (orders / journeys)", _fmt(j["conversion_rate"], "fraction"))
    summary.add_row("orders lost to failures", _fmt(j["lost_orders"]))
    summary.add_row("customers hit by a failure", _fmt(results["recovery"]["customers_affected"]))
    summary.add_row("  reached first (proactive)", _fmt(results["recovery"]["proactive"]))
    summary.add_row("  recovered on contact (reactive)", _fmt(results["recovery"]["on_contact"]))
    for key, label in (
        ("revenue", "revenue"),
        ("gross_margin", "gross margin"),
        ("agent_cost", "agent cost"),
        ("compensation", "compensation"),
        ("response_cost", "response cost"),
        ("recovery_cost", "recovery cost"),
        ("profit", "profit"),
    ):
        summary.add_row(label, _fmt(m[key], cur))
    out.print(summary)
    if results["channels"]:
        t = Table(title="Staffed channels", title_justify="left")
        rows = [
            ("offered", "contacts offered", ""),
            ("served", "contacts served", ""),
            ("abandon_rate", "abandoned", "fraction"),
            ("callbacks", "call-backs accepted", ""),
            ("wait_mean_min", "mean wait", "min"),
            ("wait_p90_min", "90th percentile wait", "min"),
            ("service_level", "service level", "fraction"),
            ("service_level_target_sec", "  answered within", "s"),
            ("first_contact_resolution", "first-contact resolution", "fraction"),
            ("occupancy", "agent occupancy", "fraction"),
            ("queue_length_mean", "mean queue", "contacts"),
            ("agents_mean", "mean agents on duty", "agents"),
        ]
        t.add_column("metric")
        for name in results["channels"]:
            t.add_column(name, justify="right")
        for key, label, unit in rows:
            t.add_row(label, *(_fmt(ch[key], unit) for ch in results["channels"].values()))
        out.print(t)
    if results["touchpoints"]:
        t = Table(title="Self-service touchpoints", title_justify="left")
        for col in ("touchpoint", "visits", "reach", "failed", "failure hits", "mean time (min)"):
            t.add_column(col, justify="left" if col == "touchpoint" else "right")
        for name, tp in results["touchpoints"].items():
            t.add_row(
                name,
                _fmt(tp["visits"]),
                _fmt(tp["reach"], "fraction"),
                _fmt(tp["failure_rate"], "fraction"),
                _fmt(tp["incident_hits"]),
                _fmt(tp["duration_mean_min"]),
            )
        out.print(t)
    if results["failures"]:
        t = Table(title="Failures", title_justify="left")
        for col in ("failure", "occurrences", "downtime (min)", "customers hit"):
            t.add_column(col, justify="left" if col == "failure" else "right")
        for name, f in results["failures"].items():
            t.add_row(name, _fmt(f["occurrences"]), _fmt(f["downtime_min"]), _fmt(f["customers_affected"]))
        out.print(t)
    exp = results["experience"]
    if exp["journeys_surveyed"]:
        t = Table(title="Experience and loyalty (surveyed a day after each journey)", title_justify="left")
        t.add_column("metric")
        for col in ("all customers", "hit by a failure", "not hit", "contacted service"):
            t.add_column(col, justify="right")
        groups = (exp, exp["affected"], exp["unaffected"], exp["contacted"])
        for key, label, unit in (
            ("journeys_surveyed", "journeys surveyed", ""),
            ("csat_mean", "CSAT (1-5)", ""),
            ("csat_top2", "CSAT top-2 box", "fraction"),
            ("nps", "NPS (-100..100)", "nps"),
            ("ces_mean", "CES (1-7, 7 = easy)", ""),
            ("repeat_purchase_rate", "will buy again", "fraction"),
            ("lifetime_value_mean", "customer lifetime value", cur),
            ("reviews_posted", "reviews posted", ""),
            ("review_stars_mean", "mean review stars (1-5)", ""),
            ("referrals", "new customers from referrals", ""),
        ):
            t.add_row(label, *(_fmt(g[key], unit) for g in groups))
        out.print(t)
        c = results["customers"]
        out.print(
            f"arrivals: {c['new']:,} new, {c['referred']:,} by referral, {c['returning']:,} returning; "
            f"{exp['prospects_deterred']:,} prospects kept away by negative word of mouth",
            highlight=False,
        )
    for d in results["decisions"]:
        when = format_time(d["time_min"])
        out.print(f"decision [bold]{d['decision']}[/] at {when}: chose {d['option']} (by {d['by']})", highlight=False)


@app.command()
def compare(
    file: FileArg,
    policies: Annotated[
        str | None, typer.Option(help="Comma-separated policies; the first is the baseline (default: all, in file order).")
    ] = None,
    reps: Annotated[int, typer.Option(min=2, help="Replications per policy (the same seeds for every policy).")] = 20,
    seed: SeedOpt = None,
    days: DaysOpt = None,
    workers: WorkersOpt = None,
    json_out: JsonOpt = None,
    csv_out: CsvOpt = None,
    progress: ProgressOpt = True,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
) -> None:
    """Compare policies on the same customers and failures, with paired 95 % confidence intervals.

    Every policy runs on the same replication seeds (common random numbers), so each difference
    is measured customer by customer. Each headline KPI gets a verdict in plain words, or
    "no detectable difference" when its interval spans 0.
    """
    names = [p.strip() for p in policies.split(",") if p.strip()] if policies is not None else None
    if names is not None and len(names) < 2:
        raise _fail("--policies: name at least two policies, separated by commas (the first is the baseline)")
    _experiment(
        file, names, seed, days, reps, workers, json_out, csv_out, progress, compare=True, scheduler=scheduler, resume=resume
    )


def _experiment(
    file: Path, policies: list[str] | None, seed: int | None, days: float | None, reps: int, workers: int | None,
    json_out: str | None, csv_out: Path | None, progress: bool, *, compare: bool,
    stop: tuple[float, list[str], int] | None = None, scheduler: str | None = None, resume: bool = False,
) -> None:  # fmt: skip
    flag = "--policies" if compare else "--policy"
    from sim.atomic import open_atomic
    from sim.experiments.experiment import STREAM_TOKEN, collect, csv_lines, plan, replication_rows, to_dict
    from sim.scenario.checks import did_you_mean

    loaded = read_scenario(file)
    scenario = loaded.scenario
    for warning in loaded.warnings:
        err.print(str(warning), highlight=False, soft_wrap=True, markup=False)
    names = policies or ([scenario.default_policy_name] if not compare else list(scenario.policies))
    for name in names:
        if name not in scenario.policies:
            raise _fail(f"{flag}: unknown policy '{name}'{did_you_mean(name, scenario.policies)}")
    if len(set(names)) != len(names):
        raise _fail(f"{flag}: a policy is named twice")
    if compare and len(names) < 2:
        raise _fail(f"{file}: needs at least two policies to compare (it has {len(scenario.policies)})")
    for target in (json_out, csv_out):
        if target not in (None, "-") and not Path(str(target)).parent.is_dir():
            raise _fail(f"cannot write {target}: folder {Path(str(target)).parent} does not exist")
    base_seed = scenario.seed if seed is None else seed
    data_bytes = Path(file).read_bytes()
    jobs = plan(data_bytes, str(file), names, base_seed, reps, days)
    n_workers = workers or os.cpu_count() or 1
    if stop is not None and stop[2] < reps:
        raise _fail(f"--max-reps ({stop[2]}) is below --reps ({reps})")
    show = progress and err.is_terminal
    columns = (
        TextColumn("[bold]replications"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    journal = _journal(json_out, resume)
    finished = False
    try:
        with Progress(*columns, console=err, transient=True, disable=not show) as bar:
            task = bar.add_task("runs", total=len(jobs))
            _run_saving(jobs, n_workers, bar, task, scheduler, journal, scratch=json_out in (None, "-"))
            while stop is not None:
                target, kpis, cap = stop
                first = journal.get(0)
                unknown = [k for k in kpis if k not in first]
                if unknown:
                    raise _fail(
                        f"--kpi: unknown KPI '{unknown[0]}' (see the metric names in the --json output, e.g. money.profit)"
                    )
                wide = [k for k in kpis if not _precise(journal, len(jobs), k, target)]
                done = len(jobs) // len(names)
                if not wide or done >= cap:
                    if wide:
                        err.print(f"stopped at --max-reps {cap}: {', '.join(wide)} not yet within {target:.1%}", highlight=False)
                    break
                more = min(max(done // 2, n_workers), cap - done)
                extra = plan(data_bytes, str(file), names, base_seed, done + more, days, first=done)
                bar.update(task, total=len(jobs) + len(extra))
                jobs += extra
                _run_saving(jobs, n_workers, bar, task, scheduler, journal, scratch=json_out in (None, "-"), reload=False)
        exp = collect(
            jobs, journal, title=scenario.title, file=str(file), sha256=loaded.sha256, currency=scenario.currency,
            channels=list(scenario.staffed()), policies=names, base_seed=base_seed,
            days=days if days is not None else scenario.horizon_days,
        )  # fmt: skip
        token = STREAM_TOKEN.format(0)
        data = to_dict(exp, compare=compare, stream=token)
        streams = {token: lambda: replication_rows(exp)}
        _stream_json(data, streams, json_out)
        if csv_out is not None:
            with open_atomic(csv_out) as handle:
                handle.writelines(csv_lines(exp, data))
        finished = True
        if json_out != "-":
            _print_experiment(exp, data, compare)
    finally:
        if finished or json_out in (None, "-"):  # an interrupted run keeps its journal next to --json PATH
            journal.remove()
    if json_out != "-":
        for target in (json_out, csv_out):
            if target is not None:
                err.print(f"wrote {target}", highlight=False)


@app.command()
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
    seed: SeedOpt = None,
    days: DaysOpt = None,
    workers: WorkersOpt = None,
    json_out: JsonOpt = None,
    csv_out: CsvOpt = None,
    progress: ProgressOpt = True,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
) -> None:
    """Run a grid of scenario values (e.g. --set touchpoints.phone.agents=6:14:2) with replications.

    Every grid point is validated before anything runs; every point uses the same seeds, so
    neighbouring points are compared on the same customers.
    """
    import tomllib

    from sim.experiments.experiment import plan
    from sim.experiments.sweep import grid, validate_point
    from sim.scenario.checks import did_you_mean

    loaded = read_scenario(file)
    scenario = loaded.scenario
    data = Path(file).read_bytes()
    raw = tomllib.loads(data.decode("utf-8"))
    names = [p.strip() for p in policies.split(",") if p.strip()] if policies else [scenario.default_policy_name]
    for name in names:
        if name not in scenario.policies:
            raise _fail(f"--policies: unknown policy '{name}'{did_you_mean(name, scenario.policies)}")
    points = grid(set_)
    for point in points:
        validate_point(raw, point, str(file))
    for target in (json_out, csv_out):
        if target not in (None, "-") and not Path(str(target)).parent.is_dir():
            raise _fail(f"cannot write {target}: folder {Path(str(target)).parent} does not exist")
    base_seed = scenario.seed if seed is None else seed
    jobs_by_point = [plan(data, str(file), names, base_seed, reps, days, point) for point in points]
    jobs = [job for group in jobs_by_point for job in group]
    show = progress and err.is_terminal
    journal = _journal(json_out, resume)
    finished = False
    try:
        with Progress(
            TextColumn("[bold]sweep"), BarColumn(), TextColumn("{task.completed}/{task.total} runs"),
            TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True, disable=not show,
        ) as bar:  # fmt: skip
            task = bar.add_task("runs", total=len(jobs))
            _run_saving(jobs, workers or os.cpu_count() or 1, bar, task, scheduler, journal, scratch=json_out in (None, "-"))
        _write_sweep(
            scenario, loaded.sha256, str(file), names, base_seed, reps, days, points, jobs_by_point, journal, json_out, csv_out
        )
        finished = True
    finally:
        if finished or json_out in (None, "-"):
            journal.remove()
    if json_out != "-":
        for target in (json_out, csv_out):
            if target is not None:
                err.print(f"wrote {target}", highlight=False)


def _write_sweep(scenario, sha256, file, names, base_seed, reps, days, points, jobs_by_point, journal, json_out, csv_out) -> None:
    """Summarise each grid point and stream every replication from the journal into the outputs."""
    from sim.atomic import open_atomic
    from sim.experiments.experiment import STREAM_TOKEN, collect, replication_rows, to_dict

    out_points = []
    exps = []
    start = 0
    t = Table(title=f"{scenario.title}: {reps} replications per point (mean ± 95 % CI)", title_justify="left")
    t.add_column(", ".join(k for k, _ in points[0]) if points and points[0] else "grid point")
    t.add_column("policy")
    channel = next(iter(scenario.staffed()), None)
    kpis = [("money.profit", "profit", "currency"), ("experience.repeat_purchase_rate", "repeat purchase", "fraction"),
            ("experience.nps", "NPS", "points")]  # fmt: skip
    if channel:
        kpis += [(f"channels.{channel}.abandon_rate", f"{channel} abandonment", "fraction"),
                 (f"channels.{channel}.service_level", f"{channel} service level", "fraction")]  # fmt: skip
    for _, lab, _u in kpis:
        t.add_column(lab, justify="right")
    streams = {}
    for n, (point, group) in enumerate(zip(points, jobs_by_point, strict=True)):
        exp = collect(
            group, journal, title=scenario.title, file=file, sha256=sha256, currency=scenario.currency,
            channels=list(scenario.staffed()), policies=names, base_seed=base_seed,
            days=days if days is not None else scenario.horizon_days, offset=start,
        )  # fmt: skip
        start += len(group)
        token = STREAM_TOKEN.format(n)
        d = to_dict(exp, compare=len(names) > 1, stream=token)
        streams[token] = lambda exp=exp: replication_rows(exp)
        exps.append(exp)
        out_points.append({"set": dict(point), "replications": token, "summary": d["summary"]})
        for policy in names:
            summary = d["summary"][policy]
            cells = [
                "–" if m not in summary else _fmt_interval(summary[m]["mean"], summary[m]["half_width"], u, scenario.currency)
                for m, _l, u in kpis
            ]
            t.add_row(", ".join(str(v) for _, v in point), policy, *cells)
    result = {
        "format": "cxsim.experiment/1", "kind": "sweep", "cxsim_version": __version__,
        "scenario": {"title": scenario.title, "file": file, "sha256": sha256}, "currency": scenario.currency,
        "policies": names, "base_seed": base_seed, "reps": reps, "confidence": 0.95,
        "horizon_days": days if days is not None else scenario.horizon_days,
        "keys": [k for k, _ in points[0]], "points": out_points,
    }  # fmt: skip
    _stream_json(result, streams, json_out)
    if csv_out is not None:
        keys = result["keys"]
        with open_atomic(csv_out) as handle:
            handle.write(",".join([*keys, "policy", "replication", "seed", "metric", "value"]) + "\n")
            for pt, exp in zip(out_points, exps, strict=True):
                head = [str(pt["set"][k]) for k in keys]
                for row in replication_rows(exp):
                    for metric, value in row["metrics"].items():
                        handle.write(
                            ",".join([*head, row["policy"], str(row["replication"]), str(row["seed"]), metric, repr(value)])
                            + "\n"
                        )
    if json_out != "-":
        out.print(t)


def _stream_json(data: dict, streams: dict, json_out: str | None) -> None:
    """Experiment results to stdout ('-') or atomically to a file, replications streamed from the journal."""
    from sim.atomic import open_atomic
    from sim.experiments.experiment import write_json

    if json_out == "-":
        write_json(data, streams, sys.stdout)
    elif json_out is not None:
        with open_atomic(json_out) as handle:
            write_json(data, streams, handle)


def _journal(json_out: str | None, resume: bool):
    """The journal that keeps finished replications next to --json PATH (None without a file)."""
    from sim.experiments.experiment import Journal

    if json_out in (None, "-"):
        if resume:
            raise _fail("--resume needs --json PATH: the finished replications are kept next to that file")
        return Journal.scratch()
    journal = Journal(Path(f"{json_out}.partial.jsonl"))
    if journal.path.exists() and not resume:
        raise _fail(f"{journal.path} holds an interrupted run: add --resume to finish it, or delete the file to start over")
    if resume and not journal.path.exists():
        raise _fail(f"--resume: nothing to resume ({journal.path} does not exist)")
    return journal


def _run_saving(jobs, workers, bar, task, scheduler, journal, *, scratch: bool = False, reload: bool = True) -> None:
    """Run what is not done yet, appending each finished replication to the journal; explain how to resume after Ctrl-C."""
    from sim.experiments.experiment import run_jobs

    done = journal.load(jobs) if reload else set(journal.offsets)
    bar.update(task, total=len(jobs), completed=len(done))
    try:
        run_jobs(jobs, workers, on_done=lambda _i: bar.advance(task), scheduler=scheduler, journal=journal, done=done)
    except KeyboardInterrupt:
        bar.stop()
        if scratch:
            err.print("interrupted; nothing was kept (pass --json PATH to keep finished replications)", highlight=False)
        else:
            kept = len(journal)
            err.print(
                f"interrupted: {kept} of {len(jobs)} replications kept in {journal.path}; "
                "run the same command with --resume to finish",
                highlight=False,
            )
        raise typer.Exit(130) from None


def _precise(journal, n_jobs: int, metric: str, target: float) -> bool:
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


def _print_experiment(exp, data: dict, compare: bool) -> None:
    from sim.experiments.experiment import headline

    out.print(
        f"[bold]{exp.title}[/]  {len(exp.seeds)} replications of {exp.days:g} days, base seed {exp.base_seed}  "
        f"(mean and 95 % confidence interval)",
        highlight=False,
    )
    t = Table(title_justify="left")
    t.add_column("KPI")
    for p in exp.policies:
        t.add_column(p, justify="right")
    summary = data["summary"]
    for metric, label, unit in headline(exp.channels):
        if not any(metric in summary[p] for p in exp.policies):
            continue
        cells = []
        for p in exp.policies:
            iv = summary[p].get(metric)
            cells.append("–" if iv is None else _fmt_interval(iv["mean"], iv["half_width"], unit, exp.currency))
        t.add_row(label, *cells)
    out.print(t)
    if compare:
        out.print("[bold]Verdicts[/] (paired differences on the same seeds):", highlight=False)
        for c in data["comparisons"]:
            if c["metric"].startswith("channels.") and "offered" in c["metric"]:
                continue
            mark = "[green]•[/]" if not c["verdict"].startswith("no detectable") else "[dim]•[/]"
            out.print(f"  {mark} {c['verdict']}", highlight=False)


def _fmt_interval(mean: float, half: float, unit: str, currency: str) -> str:
    from sim.results.results import format_interval

    return format_interval(mean, half, unit, currency)


@app.command()
def report(
    results: Annotated[
        Path, typer.Argument(help="A JSON file written by cxsim run, compare or sweep (--json).", show_default=False)
    ],
    out_path: Annotated[Path | None, typer.Option("--out", help="HTML file to write (default: RESULTS with .html).")] = None,
) -> None:
    """Build a self-contained HTML report (tables, verdicts, charts) from a results file.

    The page embeds its charts, so it opens in any browser without a server and can be forwarded.
    """
    from sim.reports.html import render

    if not results.is_file():
        raise _fail(f"{results}: {'is a directory' if results.is_dir() else 'file not found'}")
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = f":{exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise _fail(f"{results}{line}: not a JSON results file ({exc.__class__.__name__})") from exc
    target = out_path or results.with_suffix(".html")
    if not target.parent.is_dir():
        raise _fail(f"cannot write {target}: folder {target.parent} does not exist")
    from sim.reports.html import ReportError

    try:
        page = render(data)
    except ReportError as exc:
        raise _fail(f"{results}: {exc}") from exc
    write_text_atomic(target, page)
    err.print(f"wrote {target}", highlight=False)


@app.command()
def lint(
    files: Annotated[list[Path], typer.Argument(help="Scenario files (.toml).", show_default=False)],
) -> None:
    """Warn about what is valid but probably wrong: unreachable touchpoints, decisions that never
    come up, options that do the same, staffing below the offered load, a horizon too short for
    repeat purchases, no stated lesson.

    Exit 0 when every file is clean, 1 when there are warnings, 2 when a file is invalid.
    """
    from sim.authoring.lint import lint as lint_scenario

    warned = False
    for file in files:
        loaded = read_scenario(file)
        with err.status(f"linting {file} (decisions on random triggers are checked over 20 seeded runs)..."):
            problems = lint_scenario(loaded, file.read_text(encoding="utf-8"))
        for problem in problems:
            err.print(str(problem), highlight=False, soft_wrap=True, markup=False)
        if problems:
            warned = True
        else:
            out.print(f"{file}: clean", highlight=False)
    if warned:
        raise typer.Exit(1)


TEMPLATE_DIR = Path(__file__).resolve().parent / "authoring" / "templates"
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "scenarios"


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="Name of the new scenario, or a path ending in .toml.", show_default=False)],
    from_template: Annotated[
        str, typer.Option("--from", metavar="TEMPLATE", help="'starter' (commented), a bundled scenario's name, or a .toml file.")
    ] = "starter",
    force: Annotated[bool, typer.Option(help="Overwrite the file if it exists.")] = False,
) -> None:
    """Write a new scenario that validates, to edit from there.

    The default template explains every section in comments; --from hike-launch (or any bundled
    scenario, or a file) starts from a complete one instead.
    """
    import re

    target = Path(name if name.endswith(".toml") else f"{name}.toml")
    if target.exists() and not force:
        raise _fail(f"{target} already exists (use --force to overwrite it)")
    if not target.parent.is_dir():
        raise _fail(f"cannot write {target}: folder {target.parent} does not exist")
    candidates = [TEMPLATE_DIR / f"{from_template}.toml", BUNDLED_DIR / f"{from_template}.toml", Path(from_template)]
    source = next((c for c in candidates if c.is_file()), None)
    if source is None:
        from sim.scenario.checks import did_you_mean

        known = ["starter", *sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))]
        raise _fail(f"--from: unknown template '{from_template}'{did_you_mean(from_template, known)}")
    text = source.read_text(encoding="utf-8")
    title = Path(name).stem.replace("-", " ").replace("_", " ").strip().capitalize() or "New scenario"
    schema = BUNDLED_DIR / "scenario.schema.json"
    schema_ref = os.path.relpath(schema, target.resolve().parent) if schema.is_file() else "scenario.schema.json"
    if text.startswith("#:schema"):
        text = re.sub(r"^#:schema .*$", f"#:schema {schema_ref}", text, count=1, flags=re.MULTILINE)
    else:
        text = f"#:schema {schema_ref}\n{text}"
    text = re.sub(r'^title = ".*"$', f"title = {json.dumps(title)}", text, count=1, flags=re.MULTILINE)
    from sim.scenario.loader import parse_scenario

    parse_scenario(text.encode("utf-8"), str(target))  # never write a file that does not validate
    write_text_atomic(target, text)
    out.print(f"wrote {target} (from {source.name}); next: cxsim lint {target}, cxsim preview {target}", highlight=False)


@app.command()
def preview(
    file: FileArg,
    reps: Annotated[int, typer.Option(min=2, help="Paired replications for checking the lessons.")] = 5,
    days: DaysOpt = None,
    workers: WorkersOpt = None,
    progress: ProgressOpt = True,
) -> None:
    """A quick look before a session: the journey as a diagram, headline KPIs under each policy,
    and whether each stated lesson holds over paired replications.
    """
    from rich.tree import Tree

    from sim.authoring.lessons import check_lessons
    from sim.scenario.schema import STAGE_ORDER

    loaded = read_scenario(file)
    s = loaded.scenario
    for warning in loaded.warnings:
        err.print(str(warning), highlight=False, soft_wrap=True, markup=False)
    out.print(f"[bold]{s.title}[/]  ({s.horizon_days:g} days, seed {s.seed})", highlight=False)
    tree = Tree("[bold]journey[/]  (entry: " + _targets(s.journey.entry) + ")")
    for stage in STAGE_ORDER:
        names = [n for n, tp in s.touchpoints.items() if tp.stage == stage]
        if not names:
            continue
        branch = tree.add(f"[bold cyan]{stage.replace('_', ' ')}[/]")
        for n in names:
            tp = s.touchpoints[n]
            kind = "staffed" if tp.kind == "staffed" else "self-service"
            route = s.journey.routes.get(n)
            leaf = branch.add(f"[bold]{n}[/] [dim]({kind}, {tp.channel})[/]")
            if route is not None:
                leaf.add("next: " + _targets(route.next))
                if any(k != "end" for k in route.on_failure):
                    leaf.add("on failure: " + _targets(route.on_failure))
        for f_name, f in s.failures.items():
            if f.touchpoint in names:
                branch.add(f"[red]failure {f_name}[/] at {f.touchpoint} ({f.kind}, {f.effect}, severity {f.severity:g})")
    out.print(tree)

    table = Table(title="Headline KPIs, one run per policy (same seed)", title_justify="left")
    table.add_column("KPI")
    for policy in s.policies:
        table.add_column(policy, justify="right")
    rows: dict[str, list[str]] = {}
    for policy in s.policies:
        sim = Simulation(s, policy=policy, horizon_days=days)
        _run_with_progress(sim, progress and err.is_terminal)
        r = build_results(sim)
        e, m = r["experience"], r["money"]
        values = {
            "orders": _fmt(r["journey"]["orders"]),
            "CSAT (1-5)": _fmt(e["csat_mean"]),
            "NPS": _fmt(e["nps"], "nps"),
            "affected customers' NPS": _fmt(e["affected"]["nps"], "nps"),
            "repeat purchase rate": _fmt(e["repeat_purchase_rate"], "fraction"),
            **{f"{ch} contacts": _fmt(c["offered"]) for ch, c in r["channels"].items()},
            f"profit ({s.currency})": _fmt(m["profit"]),
        }
        for key, value in values.items():
            rows.setdefault(key, []).append(value)
    for key, values in rows.items():
        table.add_row(key, *values)
    out.print(table)
    if not s.lessons:
        out.print("no [[lessons]] stated: nothing to check (see docs/authoring.md)")
        return
    out.print(f"Checking {len(s.lessons)} lesson(s) over {reps} paired replications...", highlight=False)
    n_policies = len({p for lesson in s.lessons for p in (lesson.policy, lesson.baseline)})
    with Progress(
        TextColumn("[bold]lessons"), BarColumn(), TextColumn("{task.completed}/{task.total} runs"), TimeElapsedColumn(),
        TimeRemainingColumn(), console=err, transient=True, disable=not (progress and err.is_terminal),
    ) as bar:  # fmt: skip
        task = bar.add_task("runs", total=reps * n_policies)
        results = check_lessons(
            file.read_bytes(), file.name, s, reps=reps, workers=workers or (os.cpu_count() or 1), days=days,
            on_done=lambda _i: bar.advance(task),
        )  # fmt: skip
    failed = 0
    for res in results:
        d = res.difference
        mark = "[green]holds[/]" if res.holds else f"[yellow]{res.verdict}[/]"
        failed += not res.holds
        out.print(
            f"  {mark}: {res.lesson.says}\n      {res.lesson.kpi}: {res.lesson.policy} - {res.lesson.baseline} = "
            f"{d.mean:+.4g} (95 % CI {d.low:+.4g} to {d.high:+.4g})",
            highlight=False,
        )
    if failed:
        out.print(f"{failed} lesson(s) not shown: try more replications (--reps), or revisit the scenario.", highlight=False)


def _targets(table: dict[str, float]) -> str:
    return ", ".join(f"{k} {100 * v:.0f}%" for k, v in table.items())


@app.command()
def replay(
    file: Annotated[
        Path, typer.Argument(help="Session file saved by the game (*.results.json or *.autosave.json).", show_default=False)
    ],
    json_out: JsonOpt = None,
    csv_out: CsvOpt = None,
) -> None:
    """Re-run a training session headless from its seed and decisions, and check its saved KPIs.

    The game saves every decision with its sim time; replaying them on the same scenario file
    and seed gives the same run, bit for bit. Exit 0 when the saved results are reproduced,
    1 when they differ, 2 when the file or its scenario cannot be used.
    """
    from sim.session.file import read_session, resolve_scenario_path
    from sim.session.replay import replay as replay_session

    rec = read_session(file)
    scenario_path = resolve_scenario_path(file, rec.scenario_file)
    loaded = read_scenario(scenario_path)
    if rec.scenario_sha256 and loaded.sha256 != rec.scenario_sha256:
        raise _fail(
            f"{file}: scenario.sha256: {scenario_path} has changed since the session was played; it cannot be replayed exactly"
        )
    if rec.policy not in loaded.scenario.policies:
        raise _fail(f"{file}: policy: '{rec.policy}' is not a policy of {scenario_path}")
    sim = replay_session(loaded.scenario, rec.commands, policy=rec.policy, seed=rec.seed, horizon_days=rec.horizon_days)
    results = build_results(sim, scenario_file=rec.scenario_file, scenario_sha256=rec.scenario_sha256 or loaded.sha256)
    _write_results(results, loaded.scenario, json_out, csv_out)
    who = f" by {rec.trainee}" if rec.trainee else ""
    err.print(f"replayed {len(rec.commands)} decision(s){who} on seed {rec.seed}, policy {rec.policy}", highlight=False)
    if rec.results is None:
        if sim.paused:
            err.print(
                f"the session stopped at a decision ({', '.join(sim.pending_decisions)}) at {format_time(sim.now)}",
                highlight=False,
            )
        return
    if json.loads(to_json(results)) == rec.results:
        err.print("reproduced exactly: every saved KPI matches", highlight=False)
        return
    differing = _first_difference(rec.results, json.loads(to_json(results)))
    err.print(f"[bold red]not reproduced:[/] {differing}", highlight=False)
    raise typer.Exit(1)


def _first_difference(saved: object, replayed: object, path: str = "") -> str:
    if isinstance(saved, dict) and isinstance(replayed, dict):
        for key in saved.keys() | replayed.keys():
            if saved.get(key) != replayed.get(key):
                return _first_difference(saved.get(key), replayed.get(key), f"{path}.{key}" if path else str(key))
    if isinstance(saved, list) and isinstance(replayed, list) and len(saved) == len(replayed):
        for i, (a, b) in enumerate(zip(saved, replayed, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{i}]")
    return f"{path}: saved {saved!r}, replayed {replayed!r}"


@app.command()
def schema(
    out_path: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of the scenario format (for editors with a TOML language server)."""
    text = json.dumps(Scenario.model_json_schema(), indent=2) + "\n"
    if out_path is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out_path, text)
        err.print(f"wrote {out_path}", highlight=False)


def load_plugins() -> None:
    """Add the commands of installed front ends (entry-point group ``cxsim.commands``), e.g. ``play``.

    The engine never imports the game: the game registers itself, and a plugin that fails to
    load is reported on stderr without breaking the headless commands.
    """
    from importlib.metadata import entry_points

    for entry in entry_points(group="cxsim.commands"):
        try:
            entry.load()(app)
        except Exception as exc:  # a broken front end must not take the headless CLI down
            err.print(f"warning: the '{entry.name}' command is unavailable ({type(exc).__name__}: {exc})", markup=False)


def main() -> None:
    """Console-script entry point: map input errors to exit 2 and bugs to exit 1, without tracebacks."""
    load_plugins()
    try:
        code = app(standalone_mode=False)
    except ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path.split(" ", 1)[1] + " " if ctx is not None and " " in ctx.command_path else ""
        message = exc.format_message()  # type: ignore[attr-defined]
        err.print(f"error: {message} (see 'cxsim {command}--help')", highlight=False, soft_wrap=True, markup=False)
        sys.exit(2)
    except typer.Abort:
        err.print("interrupted", highlight=False)
        sys.exit(130)
    except SimError as exc:
        for problem in getattr(exc, "problems", None) or [exc]:
            err.print(str(problem), highlight=False, soft_wrap=True, markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted", highlight=False)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("CXSIM_DEBUG"):
            raise
        err.print(f"internal error in cxsim ({type(exc).__name__}: {exc}); rerun with CXSIM_DEBUG=1 and report it", markup=False)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
