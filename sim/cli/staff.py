"""``cxsim staff``: the agents a staffed channel needs per interval of the week, and the cheapest roster of shifts.

The calculation is ``sim.experiments.staffing`` (load measured, Erlang C, Erlang A, checked by
simulation) and ``sim.experiments.roster`` (the exact shift cover); this module reads the flags,
refuses bad input in one line, shows progress, and prints and writes what was found.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.console import err, fail, literal, out, print_lines, print_written
from sim.cli.options import (
    AllowLargeOpt,
    DaysOpt,
    FileArg,
    JsonOpt,
    ProgressOpt,
    SeedOpt,
    WorkersOpt,
    check_policies,
    check_workload,
    check_writable,
)

if TYPE_CHECKING:
    from sim.experiments.roster import Cover
    from sim.experiments.staffing import StaffingPlan
    from sim.scenario.loader import LoadedScenario

STAFFING_FORMAT = "cxsim.staffing/1"


def staff(
    file: FileArg,
    channel: Annotated[str, typer.Option(help="The staffed channel (touchpoint) to staff, e.g. phone.", show_default=False)],
    target: Annotated[
        str, typer.Option(metavar="PERCENT/SECONDS", help="Service-level target per interval: 80/20 = 80 % answered within 20 s.")
    ],
    interval: Annotated[int, typer.Option("--interval", metavar="15|30|60", help="Interval length, minutes.")] = 30,
    shift_hours: Annotated[
        list[float] | None,
        typer.Option(
            "--shift-hours",
            metavar="HOURS",
            help="An allowed shift length (repeatable, e.g. --shift-hours 4 --shift-hours 8); shifts start on any interval.",
        ),
    ] = None,
    reps: Annotated[
        int, typer.Option(min=2, help="Replications to measure the load and for each round of the simulation check.")
    ] = 5,
    max_rounds: Annotated[
        int, typer.Option(min=1, help="Most rounds of the simulation check (each adds an agent where the target is missed).")
    ] = 8,
    policy: Annotated[str | None, typer.Option(help="Policy to run (default: the scenario's default).")] = None,
    seed: SeedOpt = None,
    days: DaysOpt = None,
    workers: WorkersOpt = None,
    json_out: JsonOpt = None,
    fragment: Annotated[
        Path | None,
        typer.Option(
            "--fragment", metavar="PATH", help="Write the roster as a scenario fragment (the channel's shifts) to PATH."
        ),
    ] = None,
    progress: ProgressOpt = True,
    allow_large: AllowLargeOpt = False,
) -> None:
    """Agents needed per interval for a service-level target, by Erlang C, Erlang A and simulation, and a roster.

    The load of each interval of the week is measured by --reps runs of the scenario; Erlang C and
    Erlang A give the fewest agents reaching --target at that load; the simulation runs the Erlang
    A agents and adds one wherever the target is missed, until every interval meets it. The
    simulation's agents are then covered by whole shifts (--shift-hours, default 8) at the least
    agent cost, found exactly. --fragment writes the roster as the channel's shifts.
    """
    import os

    from sim.experiments.staffing import TargetError, parse_target
    from sim.experiments.workload import customers_per_run, repeated
    from sim.results.intervals import INTERVAL_CHOICES
    from sim.scenario.loader import read_scenario
    from sim.scenario.schema import Staffed

    try:
        goal = parse_target(target)
    except TargetError as exc:
        raise fail(f"--target: {exc}") from None
    if interval not in INTERVAL_CHOICES:
        raise fail(f"--interval: an interval is 15, 30 or 60 minutes (got {interval})")
    lengths = _shift_lengths(shift_hours or [8.0], interval)
    loaded = read_scenario(file)
    scenario = loaded.scenario
    print_lines(loaded.warnings)
    spec = scenario.touchpoints.get(channel)
    staffed = list(scenario.staffed())
    if spec is None:
        from sim.scenario.checks import did_you_mean

        raise fail(f"--channel: {file} has no touchpoint '{channel}'{did_you_mean(channel, staffed or scenario.touchpoints)}")
    if not isinstance(spec, Staffed):
        others = f"; its staffed channels: {', '.join(staffed)}" if staffed else "; it has no staffed channel"
        raise fail(f"--channel: '{channel}' is a self-service touchpoint, with no agents to staff{others}")
    if policy is not None:
        check_policies([policy], scenario.policies, "--policy")
    check_writable(json_out, fragment, inputs=[file])
    check_workload(
        repeated(customers_per_run(scenario, days), reps * (1 + max_rounds), f"{reps} replications x up to {1 + max_rounds} rounds"),
        "this staffing calculation", allow_large,
    )  # fmt: skip
    plan = _plan(loaded, channel, goal, interval, policy, seed, days, workers or os.cpu_count() or 1, reps, max_rounds, progress)
    cover = _cover(plan, lengths, spec.agent_cost_per_hour)
    data = to_dict(loaded, str(file), channel, plan, cover, policy or scenario.default_policy_name, days, lengths)
    if json_out == "-":
        import sys

        sys.stdout.write(_json(data))
    elif json_out is not None:
        from sim.atomic import write_text_atomic

        write_text_atomic(json_out, _json(data))
    if fragment is not None:
        from sim.atomic import write_text_atomic
        from sim.experiments.staffing import fragment_toml

        shifts = data["roster"]["shifts"]
        header = [
            f"cxsim staff {file} --channel {channel} --target {target} --interval {interval}: the roster for {goal.label}",
            f"per {interval}-minute interval, {data['roster']['agent_hours_per_week']:,.1f} agent-hours and "
            f"{data['roster']['cost_per_week']:,.2f} {scenario.currency} a week.",
            f"Paste the lines below [touchpoints.{channel}] over the channel's agents or shifts, or give them to a sweep:",
            f"cxsim sweep {file} --set '{set_flag(channel, shifts)}'",
        ]
        write_text_atomic(fragment, fragment_toml(channel, shifts, header))
    if json_out != "-":
        print_staffing(data)
    print_written(json_out, fragment)


def set_flag(channel: str, shifts: list[dict[str, Any]]) -> str:
    """The ``--set`` value that staffs the channel with these shifts: ``touchpoints.NAME.shifts=[...]``."""
    from sim.experiments.staffing import shifts_inline

    if not shifts:  # no interval needs an agent
        return f"touchpoints.{channel}.agents=0"
    return f"touchpoints.{channel}.shifts={shifts_inline(shifts)}"


def _shift_lengths(hours: list[float], interval: int) -> list[int]:
    """Each --shift-hours as a whole number of intervals (one clear line if it is not one, or not 0-24 h)."""
    out = []
    for h in hours:
        cells = h * 60 / interval
        if not 0 < h <= 24 or abs(cells - round(cells)) > 1e-9:
            raise fail(f"--shift-hours: a shift is a whole number of {interval}-minute intervals of at most 24 hours (got {h:g})")
        out.append(round(cells))
    return sorted(set(out))


def _plan(
    loaded: LoadedScenario, channel: str, goal: Any, interval: int, policy: str | None, seed: int | None,
    days: float | None, workers: int, reps: int, max_rounds: int, progress: bool,
) -> StaffingPlan:  # fmt: skip
    import tomllib

    from sim.cli.progress import runs_bar
    from sim.experiments.staffing import plan_staffing
    from sim.rng import replication_seeds

    scenario = loaded.scenario
    raw = tomllib.loads(Path(loaded.path).read_text(encoding="utf-8"))
    seeds = replication_seeds(scenario.seed if seed is None else seed, reps)
    with runs_bar("staffing", progress and err.is_terminal) as bar:
        task = bar.add_task("runs", total=0)

        def on_batch(_what: str, n: int) -> None:
            total = bar.tasks[0].total or 0
            bar.update(task, total=total + n)

        return plan_staffing(
            scenario, raw, loaded.path, channel, goal, interval, policy=policy, seeds=seeds, days=days, workers=workers,
            max_rounds=max_rounds, on_batch=on_batch, on_done=lambda: bar.advance(task),
        )  # fmt: skip


def _cover(plan: StaffingPlan, lengths: list[int], cost_per_hour: float) -> Cover:
    """The cheapest roster of shifts covering the simulation's agents (agent-hours, then x the hourly cost)."""
    from sim.experiments.roster import cheapest_cover, patterns

    allowed = patterns(len(plan.simulation), lengths)
    hours = [p.length * plan.minutes / 60.0 for p in allowed]
    return cheapest_cover(plan.simulation, allowed, hours)


def _interval_dict(iv: Any) -> dict[str, float | int] | None:
    return None if iv is None else iv.to_dict()


def to_dict(
    loaded: LoadedScenario, file: str, channel: str, plan: StaffingPlan, cover: Cover, policy: str, days: float | None,
    lengths: list[int],
) -> dict[str, Any]:  # fmt: skip
    """The ``cxsim.staffing/1`` JSON: per interval the offered load and ``agents_needed`` three ways, then the roster."""
    from sim import __version__
    from sim.experiments.staffing import cell_key, roster_patterns, roster_shifts

    scenario = loaded.scenario
    spec = scenario.staffed()[channel]
    minutes = plan.minutes
    rows = []
    for k in plan.covered():
        weekday, start = cell_key(k, minutes)
        sl = plan.service_level[k]
        rows.append(
            {
                "weekday": weekday, "start": start, "end": _end(start, minutes),
                "offered_per_hour": _interval_dict(plan.offered[k]),
                "agents_needed": {"erlang_c": plan.erlang_c[k], "erlang_a": plan.erlang_a[k], "simulation": plan.simulation[k]},
                "service_level": _interval_dict(sl),
                "meets_target": None if sl is None else sl.mean >= plan.target.level,
            }
        )  # fmt: skip
    needed_hours = sum(plan.simulation) * minutes / 60.0
    shifts = roster_shifts(cover.counts, minutes)
    model = plan.model
    return {
        "format": STAFFING_FORMAT, "cxsim_version": __version__,
        "scenario": {"title": scenario.title, "file": file, "sha256": loaded.sha256},
        "channel": channel, "policy": policy, "currency": scenario.currency,
        "target": {"service_level": plan.target.level, "answer_sec": plan.target.answer_sec},
        "interval_minutes": minutes,
        "horizon_days": days if days is not None else scenario.horizon_days,
        "load": {
            "source": "measured: contacts offered to the channel per interval in replications of the scenario as written "
            "(returning and retrying contacts included, contacts blocked by an outage left out)",
            "replications": len(plan.seeds), "seeds": plan.seeds,
            "handle_min": model.handle_min, "patience_min": model.patience_min,
            "exponential_patience": model.exponential_patience, "concurrency": model.concurrency,
        },
        "simulation": {
            "rounds": plan.rounds, "runs": plan.runs, "replications_per_round": len(plan.seeds),
            "all_meet_target": not plan.missed,
            "missed": [" ".join(cell_key(k, minutes)) for k in plan.missed],
        },
        "intervals": rows,
        "roster": {
            "shift_hours": [n * minutes / 60.0 for n in lengths],
            "patterns": roster_patterns(cover.counts, minutes),
            "shifts": shifts,
            "set": set_flag(channel, shifts),
            "agent_hours_per_week": cover.cost,
            "needed_agent_hours_per_week": needed_hours,
            "cost_per_week": cover.cost * spec.agent_cost_per_hour,
            "agent_cost_per_hour": spec.agent_cost_per_hour,
            "optimal": cover.optimal,
        },
    }  # fmt: skip


def _end(start: str, minutes: int) -> str:
    h, m = map(int, start.split(":"))
    end = h * 60 + m + minutes
    return f"{end // 60:02d}:{end % 60:02d}"


def _days(days: float) -> str:
    return f"{days:g} day" + ("" if days == 1 else "s")


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def _level(iv: dict[str, Any] | None) -> str:
    """'90.8 % (74-100)': the mean and its 95 % CI, which is clipped to 0-100 % and so not always symmetric."""
    if iv is None:
        return "–"
    return f"{100 * iv['mean']:.1f} % ({100 * iv['ci_low']:.0f}-{100 * iv['ci_high']:.0f})"


def print_staffing(data: dict[str, Any]) -> None:
    """The table of agents per interval, what the load came from, and the roster with its cost."""
    from rich.table import Table

    from sim.clock import WEEKDAYS as DAYS
    from sim.results.intervals import WEEKDAY_NAMES

    cur = literal(data["currency"])
    target = data["target"]
    label = f"{target['service_level'] * 100:g} % within {target['answer_sec']:g} s"
    load = data["load"]
    minutes = data["interval_minutes"]
    ch = literal(data["channel"])
    out.print(
        f"[bold]{literal(data['scenario']['title'])}[/]  channel [cyan]{ch}[/]  target {label} per {minutes}-minute interval  "
        f"policy [cyan]{literal(data['policy'])}[/]",
        highlight=False,
    )
    patience = (
        "no abandonment (no patience_min): Erlang A is Erlang C"
        if load["patience_min"] is None
        else f"patience {load['patience_min']:.2f} min (patience_min x the segments' patience factor"
        + (")" if load["exponential_patience"] else "; Erlang A assumes it exponential)")
    )
    out.print(
        f"Load: measured by {load['replications']} replications of the scenario as written ({_days(data['horizon_days'])}): "
        f"contacts offered per interval, returning and retrying contacts included, those blocked by an outage left out. "
        f"Handle time {load['handle_min']:.2f} min (mean of handle_min), {patience}"
        + (f", {load['concurrency']} contacts per agent." if load["concurrency"] > 1 else "."),
        highlight=False,
    )
    t = Table(
        title=f"Agents needed per {minutes}-minute interval for {label}",
        caption="offered: contacts an hour (mean of the replications); Erlang C, Erlang A, simulation: agents; "
        "service level: mean % (95 % CI) with the simulation's agents",
        title_justify="left", caption_justify="left", show_edge=False,
    )  # fmt: skip
    t.add_column("starts", no_wrap=True)
    for name in ("offered/h", "Erlang C", "Erlang A", "simulation"):
        t.add_column(name, justify="right", no_wrap=True)
    t.add_column("service level", justify="right", no_wrap=True)
    for row in data["intervals"]:
        need = row["agents_needed"]
        mark = "" if row["meets_target"] in (True, None) else " [red]below target[/]"
        t.add_row(
            f"{WEEKDAY_NAMES[DAYS.index(row['weekday'])][:3]} {row['start']}",
            f"{row['offered_per_hour']['mean']:,.1f}", str(need["erlang_c"]), str(need["erlang_a"]), str(need["simulation"]),
            _level(row["service_level"]) + mark,
        )  # fmt: skip
    out.print(t)
    sim = data["simulation"]
    if sim["all_meet_target"]:
        out.print(
            f"Simulation: every interval meets {label} after {sim['rounds']} round(s) of {sim['replications_per_round']} replications.",
            highlight=False,
        )
    else:
        out.print(
            f"Simulation: {len(sim['missed'])} interval(s) still below {label} after {sim['rounds']} round(s) "
            f"(an outage, or the round limit): {', '.join(sim['missed'][:6])}{' ...' if len(sim['missed']) > 6 else ''}",
            highlight=False,
        )
    roster = data["roster"]
    hours = ", ".join(f"{h:g} h" for h in roster["shift_hours"])
    r = Table(
        title=f"Roster: shifts of {hours} starting on the {minutes}-minute grid, at least agent cost",
        title_justify="left", show_edge=False,
    )  # fmt: skip
    r.add_column("days")
    r.add_column("shift", no_wrap=True)
    r.add_column("hours", justify="right")
    r.add_column("agents", justify="right")
    for p in roster["patterns"]:
        end = f"{p['end']} next day" if p["next_day"] else p["end"]
        r.add_row(
            " ".join(p["days"]),
            f"{p['start']}-{end}",
            f"{p['hours']:g} h",
            f"{p['agents']} agent" + ("" if p["agents"] == 1 else "s"),
        )
    out.print(r)
    over = (
        roster["agent_hours_per_week"] / roster["needed_agent_hours_per_week"] - 1
        if roster["needed_agent_hours_per_week"]
        else 0.0
    )
    out.print(
        f"Cost: {roster['agent_hours_per_week']:,.1f} agent-hours a week x {roster['agent_cost_per_hour']:,.2f} {cur}/h = "
        f"[bold]{roster['cost_per_week']:,.2f} {cur} a week[/] ({100 * over:.1f} % more agent-hours than the intervals need, "
        f"{roster['needed_agent_hours_per_week']:,.1f} h; {'proven cheapest' if roster['optimal'] else 'best found in the time limit, not proven cheapest'})"
        + (
            f"; the run covers {_days(data['horizon_days'])}, so only those days are staffed."
            if data["horizon_days"] < 7
            else "."
        ),
        highlight=False,
    )
