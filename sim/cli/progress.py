"""Progress bars on stderr: sim days of one run, or finished runs of many.

They are drawn only in a terminal (``show``); elsewhere the work runs the same, silently.
A bar's label and its task's description (a policy's name) are text, never markup nor a format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from sim.cli.console import err

if TYPE_CHECKING:
    from sim.engine.simulation import Simulation


class LabelColumn(ProgressColumn):
    """A fixed label in bold, shown as written (``TextColumn`` would read it as markup and a format string)."""

    def __init__(self, label: str) -> None:
        self.label = label
        super().__init__()

    def render(self, task: Task) -> Text:
        return Text(self.label, style="bold")


class RateColumn(ProgressColumn):
    """Replications per second, or a dash until the first one has finished.

    Rich's ``task.speed`` is None before any progress is made, so a plain
    ``TextColumn("{task.speed:.2f}")`` crashes on the first refresh in a real terminal.
    """

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("–/s" if speed is None else f"{speed:.2f}/s", style="progress.data.speed")


def run_with_progress(sim: Simulation, show: bool) -> None:
    """Run one simulation to its horizon, with a bar in sim days when ``show``."""
    if not show:
        sim.run()
        return
    columns = (
        TextColumn("{task.description}", style="bold", markup=False),
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


def runs_bar(label: str, show: bool, *, unit: str = " runs", rate: bool = False) -> Progress:
    """A bar that counts finished runs (``label  ━━━  3/10 runs``), with their rate if ``rate``."""
    columns: list[ProgressColumn] = [
        LabelColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}" + unit.replace("{", "{{").replace("}", "}}"), markup=False),
    ]
    if rate:
        columns.append(RateColumn())
    columns += [TimeElapsedColumn(), TimeRemainingColumn()]
    return Progress(*columns, console=err, transient=True, disable=not show)
