"""``cxsim preview --watch FILE``: the preview again on every save, the lessons refined in the background.

An author edits a scenario and wants to see what the edit did before the next one. Every
``POLL_S`` seconds the file is read (opened and closed at once, never held) and hashed; when its
content changes, the running check is cancelled (its worker processes are ended) and a new one
starts: the errors, the same lines as ``cxsim lint``; or a *quick look*, one run per policy and
decision path on the scenario's seed, cut to fewer days when a whole run would take too long
(said on screen), with the journey tree and its counts. Then the lessons are refined with
sequential stopping (``sim.authoring.sequential``) on all cores, look by look, until each is
settled or the cap is reached.

In a terminal the screen is redrawn in place (rich ``Live``); elsewhere (a pipe, a log) each
check and each look prints a block under a header line ``=== check N ...``. Ctrl-C ends the
watch quietly, exit 0.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from sim.cli.console import literal, out
from sim.errors import ScenarioError
from sim.experiments.workers import worker_init
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.engine.simulation import Simulation

POLL_S = 0.3  # how often the file is read: a save shows within this plus the quick look
QUICK_CUSTOMERS = 4_000  # expected new customers per quick-look run: about a third of a second on an idle core


@dataclass(frozen=True)
class Column:
    """One column of the preview's KPI table: a policy, or a decision path on the default policy."""

    label: str
    policy: str
    choices: tuple[tuple[str, str], ...] = ()


def preview_columns(s: Scenario) -> list[Column]:
    """Every policy, then (with decisions) the reactive and proactive paths a trainee can play."""
    from sim.session.paths import STYLES, style_answers

    columns = [Column(policy, policy) for policy in s.policies]
    if s.decisions:
        for style in STYLES:
            columns.append(Column(f"{style} path", s.default_policy_name, tuple(sorted(style_answers(s, style).items()))))
    return columns


def column_simulation(s: Scenario, column: Column, days: float | None) -> Simulation:
    """A column's run on the scenario's seed, ready to run."""
    from sim.engine.simulation import Simulation
    from sim.session.replay import with_choices

    scenario, policy = (s, column.policy)
    if column.choices:
        scenario, policy = with_choices(s, dict(column.choices), policy=column.policy)
    return Simulation(scenario, policy=policy, horizon_days=days)


def column_results(s: Scenario, column: Column, days: float | None) -> dict[str, Any]:
    """One run of a column on the scenario's seed: its results document."""
    from sim.results.results import build_results

    sim = column_simulation(s, column, days)
    sim.run()
    return build_results(sim)


def _quick_run(data: bytes, name: str, column: Column, days: float | None) -> dict[str, Any]:
    """``column_results`` in a worker process, from the file's bytes (top-level so a pool can run it)."""
    from sim.scenario.loader import parse_scenario

    return column_results(parse_scenario(data, name).scenario, column, days)


def quick_days(s: Scenario, days: float | None) -> float:
    """The days of a quick-look run: the whole horizon, or as many whole days as ``QUICK_CUSTOMERS`` new customers take."""
    from sim.experiments.workload import customers_per_run

    full = s.horizon_days if days is None else days
    per_run = customers_per_run(s, full)
    if not per_run > QUICK_CUSTOMERS:
        return full
    return max(1.0, math.floor(full * QUICK_CUSTOMERS / per_run)) if math.isfinite(per_run) else 1.0


def kpi_table(s: Scenario, columns: Sequence[Column], runs: Sequence[dict[str, Any]], title: str) -> Table:
    """Preview's table: the headline KPIs of each column's run."""
    from sim.cli.present import preview_values

    table = Table(title=title, title_justify="left")
    table.add_column("KPI")
    for column in columns:
        table.add_column(literal(column.label), justify="right")
    rows: dict[str, list[str]] = {}
    for run in runs:
        for key, value in preview_values(run, s.currency).items():
            rows.setdefault(key, []).append(value)
    for key, values in rows.items():
        table.add_row(key, *values)
    return table


def read_now(path: Path) -> bytes | None:
    """The file's content, read at once (the file is never held open), or None if it cannot be read now."""
    try:
        return path.read_bytes()
    except OSError:  # deleted, moved, a directory, no permission
        return None


class Screen:
    """Where a watch draws: a ``Live`` screen redrawn in place in a terminal, blocks under header lines elsewhere."""

    def __init__(self, live: bool) -> None:
        self.live: Live | None = Live(console=out, auto_refresh=False, screen=True) if live else None
        self.parts: dict[str, list[RenderableType]] = {}
        self.footer = ""
        if self.live is not None:
            self.live.start()

    def show(self, header: str, key: str, parts: list[RenderableType]) -> None:
        """Replace the part ``key`` of the screen (``check``, ``lessons``), or print it as a block under ``header``."""
        if self.live is None:
            out.print(f"=== {header} ===", highlight=False, markup=False, soft_wrap=True)
            for part in parts:
                out.print(part, highlight=False, soft_wrap=isinstance(part, str | Text))  # a logged line stays one line
            sys.stdout.flush()
            return
        if key == "check":
            self.parts = {"header": [Text(header, style="bold")]}
            self.footer = ""
        self.parts[key] = parts
        self._redraw()

    def line(self, text: str) -> None:
        """One line that does not replace the check on screen (a deleted file)."""
        if self.live is None:
            out.print(text, highlight=False, markup=False, soft_wrap=True)
            sys.stdout.flush()
            return
        self.footer = text
        self._redraw()

    def _redraw(self) -> None:
        assert self.live is not None
        # the tree last: a screen crops what does not fit, and the verdicts matter more than the map
        check = self.parts.get("check", [])
        body: list[RenderableType] = [*self.parts.get("header", []), *(p for p in check if not isinstance(p, Tree))]
        body += [*self.parts.get("lessons", []), *(p for p in check if isinstance(p, Tree))]
        if self.footer:
            body.append(Text(self.footer, style="yellow"))
        body.append(Text("watching for saves (Ctrl-C to stop)", style="dim"))
        self.live.update(Group(*body), refresh=True)

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()


class Check:
    """The check of one saved version of the file: the quick look at once, then the lessons look by look."""

    def __init__(self, number: int, file: Path, data: bytes, *, cap: int, days: float | None, workers: int,
                 allow_large: bool, screen: Screen) -> None:  # fmt: skip
        self.number, self.file, self.data, self.screen = number, file, data, screen
        self.cap, self.days, self.workers, self.allow_large = cap, days, workers, allow_large
        self.started = time.monotonic()
        self.pool: Pool | None = None
        self.pending: AsyncResult[list[dict[str, float]]] | None = None
        self.jobs: list[Any] = []
        self.refinement: Any = None
        self.when = time.strftime("%H:%M:%S")

    def header(self, what: str) -> str:
        return f"check {self.number}: {self.file} saved {self.when}, {what}"

    def start(self) -> None:
        """Validate, show the errors or the quick look, and queue the lessons' first look."""
        from sim.authoring.sequential import Plan, Refinement
        from sim.scenario.loader import parse_scenario

        try:
            loaded = parse_scenario(self.data, str(self.file))
        except ScenarioError as exc:
            lines = [str(p) for p in exc.problems] or [str(exc)]
            self.screen.show(self.header(f"{len(lines)} error(s)"), "check", [Text("\n".join(lines), style="red")])
            return
        s = loaded.scenario
        self.pool = multiprocessing.Pool(max(1, self.workers), initializer=worker_init, initargs=(os.getpid(),))
        columns = preview_columns(s)
        short = quick_days(s, self.days)
        full = s.horizon_days if self.days is None else self.days
        try:
            runs = self.pool.starmap(_quick_run, [(self.data, str(self.file), c, short) for c in columns])
        except Exception as exc:  # a run that fails (a bug, a model that breaks): say so and keep watching
            self.screen.show(self.header("the quick look failed"), "check", [Text(f"the quick look failed: {exc}", style="red")])
            return
        took = time.monotonic() - self.started
        span = f"the first {short:g} of {full:g} days (a shorter run, to show in seconds)" if short < full else f"{full:g} days"
        from sim.authoring.lint import lint

        warnings = lint(loaded, self.data.decode("utf-8"), runs=False)  # what `cxsim lint` says, without its seeded runs
        parts: list[RenderableType] = [Text(w, style="yellow") for w in map(str, warnings)]
        parts.append(f"[bold]{literal(s.title)}[/]  quick look: one run per column on seed {s.seed}, {span}, in {took:.1f} s")
        default = next(i for i, c in enumerate(columns) if c.policy == s.default_policy_name and not c.choices)
        from sim.cli.present import journey_tree

        parts.append(journey_tree(s, runs[default], f"one run of {s.default_policy_name}, {short:g} days"))
        parts.append(kpi_table(s, columns, runs, "Headline KPIs, one run per column (same seed)"))
        self.screen.show(self.header(f"valid, first result in {took:.1f} s"), "check", parts)
        if not s.lessons:
            self.screen.show(self.header("no lessons"), "lessons", ["no [[lessons]] stated: nothing to check"])
            return
        refused = self._refused(s)
        if refused is not None:
            self.screen.show(self.header("lessons not checked"), "lessons", [Text(refused)])
            return
        plan = Plan(cap=self.cap, first=min(5, self.cap))
        self.refinement = Refinement(s, self.data, str(self.file), self.days, plan)
        self._submit()

    def _refused(self, s: Scenario) -> str | None:
        from sim.authoring.lessons import sides
        from sim.experiments.workload import check, customers_per_run, workload

        n_sides = len({side for lesson in s.lessons for side in sides(s, lesson)})
        work = workload([(customers_per_run(s, self.days), self.cap * n_sides)], f"{self.cap} replications x {n_sides} sides")
        return check(work, "the lesson check", self.allow_large)[0]

    def _submit(self) -> None:
        from sim.experiments.experiment import run_job

        assert self.pool is not None
        self.jobs = self.refinement.next_jobs()
        self.pending = self.pool.map_async(run_job, self.jobs, chunksize=1) if self.jobs else None
        self._show_lessons()

    def poll(self) -> None:
        """Take a finished look's results, show the verdicts, and queue the next look (if any)."""
        if self.pending is None or not self.pending.ready():
            return
        try:
            results = self.pending.get()
        except Exception as exc:  # a run that fails: say so and keep watching
            self.pending = None
            self.screen.show(
                self.header("lesson check stopped"), "lessons", [Text(f"the lesson check stopped: {exc}", style="red")]
            )
            return
        self.refinement.add(self.jobs, results)
        self._submit()

    def _show_lessons(self) -> None:
        from sim.cli.present import lesson_lines

        r = self.refinement
        plan = r.plan
        looks = ", ".join(str(n) for n in plan.looks)
        rule = (
            f"sequential check: looks at {looks} replications, each with a {100 * plan.confidence:g} % interval"
            f" so that the {len(plan.looks)} looks together keep a wrong verdict under 5 %"
        )
        elapsed = time.monotonic() - self.started
        if r.finished:
            why = f"stopped early at {r.done} reps: every lesson settled" if r.stopped_early else f"cap of {r.done} reps reached"
            status = f"lessons: {why} ({elapsed:.1f} s)"
        else:
            status = (
                f"lessons: {r.done} of at most {plan.cap} reps done, running up to {plan.next_look(r.done)} ({elapsed:.1f} s)"
            )
        verdicts = [v for v in r.verdicts if v is not None]
        parts: list[RenderableType] = [f"[bold]{literal(status)}[/]", f"[dim]{literal(rule)}[/]"]
        if verdicts:
            notes = [self._note(v) for v in verdicts]
            parts += lesson_lines([v.result for v in verdicts], r.scenario.currency, notes, hint=r.finished)
        self.screen.show(self.header(f"lessons after {r.done} reps" if r.done else "lessons started"), "lessons", parts)

    def _note(self, v: Any) -> str:
        cap = self.refinement.plan.cap
        if v.settled:
            return f"stopped early at {v.reps} reps" if v.reps < cap else f"settled at {v.reps} reps"
        return f"cap of {cap} reps reached" if self.refinement.finished else f"{v.reps} reps so far"

    def cancel(self) -> None:
        """End the worker processes at once: a new save makes this check's work worthless."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
        self.pending = None


def watch(file: Path, *, cap: int, days: float | None, workers: int, allow_large: bool) -> None:
    """Check ``file`` on every save until Ctrl-C (which returns quietly)."""
    import sim.engine.simulation
    import sim.experiments.experiment
    import sim.results.results
    import sim.session.replay  # noqa: F401  (imported before the workers fork, so none imports them again)

    screen = Screen(live=out.is_terminal)
    check: Check | None = None
    last: str | None = None
    number = 0
    missing = 0  # polls in a row that could not read the file (an editor's rename takes one)
    try:
        while True:
            data = read_now(file)
            if data is None:
                missing += 1
                if missing == 2:
                    screen.line(f"{file}: cannot be read (deleted or moved?); still watching for it")
            else:
                if missing >= 2:
                    screen.line(f"{file}: back")
                missing = 0
                digest = hashlib.sha256(data).hexdigest()
                if digest != last:
                    last = digest
                    if check is not None:
                        check.cancel()
                    number += 1
                    check = Check(number, file, data, cap=cap, days=days, workers=workers, allow_large=allow_large, screen=screen)
                    check.start()
            if check is not None:
                check.poll()
            time.sleep(POLL_S)
    except KeyboardInterrupt:
        pass
    finally:
        if check is not None:
            check.cancel()
        screen.stop()
