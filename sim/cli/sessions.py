"""After the fact: ``cxsim replay`` re-runs a saved training session, ``cxsim report`` makes HTML of results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.console import err, fail, literal, print_written
from sim.cli.options import CsvOpt, JsonOpt, check_writable, journal_path, leftover, note_leftover


def report(
    results: Annotated[
        Path, typer.Argument(help="A JSON file written by cxsim run, compare or sweep (--json).", show_default=False)
    ],
    out_path: Annotated[Path | None, typer.Option("--out", help="HTML file to write (default: RESULTS with .html).")] = None,
) -> None:
    """Build a self-contained HTML report (tables, verdicts, charts) from a results file.

    The page embeds its charts, so it opens in any browser without a server and can be forwarded.
    """
    from sim.atomic import write_text_atomic
    from sim.reports.html import ReportError, render

    if not results.is_file():
        journal = journal_path(results)
        hint = f" ({leftover(journal, same_command=False)})" if journal.is_file() else ""
        raise fail(f"{results}: {'is a directory' if results.is_dir() else 'file not found'}{hint}")
    note_leftover(results)
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        line = f":{exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise fail(f"{results}{line}: not a JSON results file ({exc.__class__.__name__})") from exc
    target = out_path or results.with_suffix(".html")
    check_writable(target, inputs=[results])
    try:
        page = render(data)
    except ReportError as exc:
        raise fail(f"{results}: {exc}") from exc
    write_text_atomic(target, page)
    print_written(target)


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
    from sim.cli.run import write_results
    from sim.clock import format_time
    from sim.errors import CommandError
    from sim.results.results import build_results, to_json
    from sim.scenario.loader import read_scenario
    from sim.session.file import read_session, resolve_scenario_path
    from sim.session.replay import replay as replay_session

    rec = read_session(file)
    scenario_path = resolve_scenario_path(file, rec.scenario_file)
    loaded = read_scenario(scenario_path)
    check_writable(json_out, csv_out, inputs=[file, scenario_path])
    if rec.scenario_sha256 and loaded.sha256 != rec.scenario_sha256:
        raise fail(
            f"{file}: scenario.sha256: {scenario_path} has changed since the session was played; it cannot be replayed exactly"
        )
    if rec.policy not in loaded.scenario.policies:
        raise fail(f"{file}: policy: '{rec.policy}' is not a policy of {scenario_path}")
    try:
        sim = replay_session(loaded.scenario, rec.commands, policy=rec.policy, seed=rec.seed, horizon_days=rec.horizon_days)
    except CommandError as exc:  # a saved command this scenario refuses
        raise fail(f"{file}: {exc}") from exc
    results = build_results(sim, scenario_file=rec.scenario_file, scenario_sha256=rec.scenario_sha256 or loaded.sha256)
    write_results(results, json_out, csv_out)
    who = f" by {literal(rec.trainee)}" if rec.trainee else ""
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
    err.print(f"[bold red]not reproduced:[/] {literal(differing)}", highlight=False)
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
