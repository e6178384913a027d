"""For scenario authors: ``cxsim new``, ``lint``, ``preview``, ``kpis`` and ``schema``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.console import err, fail, literal, out, print_lines, print_written
from sim.cli.options import AllowLargeOpt, DaysOpt, FileArg, ProgressOpt, WorkersOpt, check_workload, check_writable

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "authoring" / "templates"
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def lint(
    files: Annotated[list[Path], typer.Argument(help="Scenario files (.toml).", show_default=False)],
    allow_large: AllowLargeOpt = False,
    play: Annotated[
        bool, typer.Option("--play", help="Also play the default policy and each side of the lessons once (seconds per file).")
    ] = False,
) -> None:
    """Warn about what is valid but probably wrong: unreachable touchpoints, decisions that never
    come up, options that do the same, staffing below the offered load, a horizon too short for
    repeat purchases, no stated lesson.

    Exit 0 when every file is clean, 1 when there are warnings, 2 when a file is invalid. A
    scenario too large to run without --allow-large is a warning, and its seeded runs are
    skipped unless --allow-large is given.
    """
    from sim.authoring.lint import lint as lint_scenario
    from sim.authoring.lint import seeded_workload
    from sim.experiments.workload import notice
    from sim.scenario.loader import read_scenario

    warned = False
    for file in files:
        loaded = read_scenario(file)
        seeded = seeded_workload(loaded.scenario)
        if seeded.runs and (allow_large or not seeded.large) and seeded.worth_saying:
            err.print(notice(seeded), highlight=False, soft_wrap=True, markup=False)
        with err.status(f"linting {literal(file)} (decisions on random triggers are checked over seeded runs)..."):
            problems = lint_scenario(loaded, file.read_text(encoding="utf-8"), allow_large=allow_large, play=play)
        print_lines(problems)
        if problems:
            warned = True
        else:
            out.print(f"{file}: clean", highlight=False, markup=False)
    if warned:
        raise typer.Exit(1)


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

    from sim.atomic import write_text_atomic

    target = Path(name if name.endswith(".toml") else f"{name}.toml")
    if target.exists() and not force:
        raise fail(f"{target} already exists (use --force to overwrite it)")
    candidates = [TEMPLATE_DIR / f"{from_template}.toml", BUNDLED_DIR / f"{from_template}.toml", Path(from_template)]
    source = next((c for c in candidates if c.is_file()), None)
    if source is None:
        from sim.scenario.checks import did_you_mean

        known = ["starter", *sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))]
        raise fail(f"--from: unknown template '{from_template}'{did_you_mean(from_template, known)}")
    check_writable(target, inputs=[source])
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
    out.print(
        f"wrote {target} (from {source.name}); next: cxsim lint {target}, cxsim preview {target}", highlight=False, markup=False
    )


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the option ``name`` was given on the command line (not left at its default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def preview(
    ctx: typer.Context,
    file: FileArg,
    reps: Annotated[int, typer.Option(min=2, help="Paired replications for checking the lessons.")] = 5,
    days: DaysOpt = None,
    workers: WorkersOpt = None,
    progress: ProgressOpt = True,
    allow_large: AllowLargeOpt = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Check again on every save until Ctrl-C: errors or a quick look at once, then the lessons refined"
            " with sequential stopping (up to --cap replications).",
        ),
    ] = False,
    cap: Annotated[int, typer.Option(min=2, help="With --watch: the most paired replications for the lessons.")] = 20,
) -> None:
    """A quick look before a session: the journey as a diagram with its counts, headline KPIs under
    each policy, and whether each stated lesson holds over paired replications.
    """
    given = {name for name in ("reps", "cap") if _given(ctx, name)}
    if watch and "reps" in given:
        raise fail(f"--reps is for the one-off check; with --watch the lessons run until settled, up to --cap replications ({cap})")
    if not watch and "cap" in given:
        raise fail("--cap is for --watch; the one-off check runs --reps replications")
    if watch:
        from sim.cli.watch import read_now
        from sim.cli.watch import watch as watch_file

        if read_now(file) is None:  # later, a file that goes away is waited for; at the start it is a typo
            raise fail(f"{file}: cannot read the file (not found, or a folder)")
        watch_file(file, cap=cap, days=days, workers=workers or (os.cpu_count() or 1), allow_large=allow_large)
        return
    from sim.authoring.lessons import check_lessons, sides
    from sim.cli.present import journey_tree, print_lessons
    from sim.cli.progress import run_with_progress, runs_bar
    from sim.cli.watch import column_simulation, kpi_table, preview_columns
    from sim.experiments.workload import customers_per_run, workload
    from sim.results.results import build_results
    from sim.scenario.loader import read_scenario

    loaded = read_scenario(file)
    s = loaded.scenario
    print_lines(loaded.warnings)
    n_policies = len({side for lesson in s.lessons for side in sides(s, lesson)})
    per_run = customers_per_run(s, days)
    lessons = f", then {reps} replications x {n_policies} policies or paths for the lessons" if s.lessons else ""
    check_workload(
        workload([(per_run, len(s.policies) + 2 * bool(s.decisions)), (per_run, reps * n_policies)], f"{len(s.policies)} policies{lessons}"),
        "this preview", allow_large,
    )  # fmt: skip
    out.print(f"[bold]{literal(s.title)}[/]  ({s.horizon_days if days is None else days:g} days, seed {s.seed})", highlight=False)
    columns = preview_columns(s)
    runs = []
    for column in columns:
        sim = column_simulation(s, column, days)
        run_with_progress(sim, progress and err.is_terminal)
        runs.append(build_results(sim))
    default = next(i for i, c in enumerate(columns) if c.policy == s.default_policy_name and not c.choices)
    out.print(journey_tree(s, runs[default], f"one run of {s.default_policy_name}"))
    title = "Headline KPIs, one run per policy" + (" and decision path" if s.decisions else "") + " (same seed)"
    out.print(kpi_table(s, columns, runs, title))
    if not s.lessons:
        out.print("no [[lessons]] stated: nothing to check (see docs/authoring.md)", markup=False)
        return
    out.print(f"Checking {len(s.lessons)} lesson(s) over {reps} paired replications...", highlight=False)
    with runs_bar("lessons", progress and err.is_terminal) as bar:
        task = bar.add_task("runs", total=reps * n_policies)
        results = check_lessons(
            file.read_bytes(), file.name, s, reps=reps, workers=workers or (os.cpu_count() or 1), days=days,
            on_done=lambda _i: bar.advance(task),
        )  # fmt: skip
    print_lessons(results, s.currency)


def kpis(
    file: FileArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON on stdout (for tools).")] = False,
) -> None:
    """List every KPI name a lesson or a scorecard may use in this scenario, with its unit and which way is better.

    Grouped: headline, experience, money, customers and journey, failures and recovery, per
    channel, per touchpoint, and the daily series (lessons only, with a window of days).
    """
    from sim.authoring.kpi_names import DAILY, GROUPS, kpi_names, window_note
    from sim.scenario.loader import read_scenario

    loaded = read_scenario(file)
    names = kpi_names(loaded.scenario)
    if as_json:
        document = {
            "format": "cxsim.kpis/1",
            "scenario": str(file),
            "kpis": [
                {
                    "name": k.name, "group": k.group, "unit": k.unit, "direction": k.direction,
                    "higher_is_better": k.higher_is_better, "daily": k.group == DAILY,
                }
                for k in names
            ],
        }  # fmt: skip
        out.print_json(json.dumps(document), highlight=False)
        return
    print_lines(loaded.warnings)
    results = sum(k.group != DAILY for k in names)
    lines = [
        f"{file}: {results} results keys and {len(names) - results} daily columns;"
        ' a lesson or a [[scorecard.measures]] names one with kpi = "NAME"',
    ]
    width = max(len(k.name) for k in names)
    unit_width = max(len(k.unit) for k in names)
    for group, _ in GROUPS:
        members = [k for k in names if k.group == group]
        if not members:
            continue
        lines += ["", group, f"  {window_note()}"] if group == DAILY else ["", group]
        lines += [f"  {k.name:<{width}}  {k.unit:<{unit_width}}  {k.direction}" for k in members]
    for line in lines:
        out.print(line.rstrip(), highlight=False, markup=False, soft_wrap=True)


def schema(
    out_path: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of the scenario format (for editors with a TOML language server).

    Each tagged union (kind, effect, dist, on) is checked by its tag, so an editor or validator
    names the wrong key inside a touchpoint or a response, not a 'oneOf'.
    """
    import sys

    from sim.atomic import write_text_atomic
    from sim.authoring.editor_schema import schema_text

    check_writable(out_path)
    text = schema_text()
    if out_path is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out_path, text)
        print_written(out_path)
