"""The flags several commands share, declared once, and the checks they share.

The checks run where each command always ran them (after the scenario is read, before any
work), so the first error a user sees is the same one as before.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.console import err, fail

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


@dataclass(frozen=True, kw_only=True)
class StudyFlags:
    """The flags of a study over replications (``compare``, ``sweep``, ``run --reps N``), gathered."""

    seed: int | None = None
    days: float | None = None
    workers: int | None = None
    json_out: str | None = None
    csv_out: Path | None = None
    progress: bool = True
    scheduler: str | None = None
    resume: bool = False

    @property
    def n_workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def scratch(self) -> bool:
        """True when no results file keeps the journal of finished replications (no --json, or JSON to stdout)."""
        return self.json_out in (None, "-")

    @property
    def show(self) -> bool:
        """Draw progress bars: asked for, and stderr is a terminal."""
        return self.progress and err.is_terminal


_STUDY_FLAGS = {
    "seed": SeedOpt,
    "days": DaysOpt,
    "workers": WorkersOpt,
    "json_out": JsonOpt,
    "csv_out": CsvOpt,
    "progress": ProgressOpt,
    "scheduler": SchedulerOpt,
    "resume": ResumeOpt,
}


def with_study_flags(command: Callable[..., None]) -> Callable[..., None]:
    """Give a study command the StudyFlags options, after its own (``--help`` lists them in that order).

    The command declares its own parameters and a last one, ``flags: StudyFlags``; Typer sees
    the eight options in its place, and the command receives them gathered in ``flags``.
    """
    own = inspect.signature(command, eval_str=True)
    defaults = StudyFlags()
    shared = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=getattr(defaults, name), annotation=annotation)
        for name, annotation in _STUDY_FLAGS.items()
    ]
    params = [p for p in own.parameters.values() if p.name != "flags"] + shared

    @functools.wraps(command)
    def with_flags(**values: Any) -> None:
        flags = StudyFlags(**{name: values.pop(name) for name in _STUDY_FLAGS})
        command(**values, flags=flags)

    with_flags.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    with_flags.__annotations__ = {p.name: p.annotation for p in params} | {"return": own.return_annotation}
    return with_flags


def check_writable(*targets: str | Path | None) -> None:
    """Exit 2 unless the folder of every output file exists (None and '-' for stdout pass)."""
    for target in targets:
        if target in (None, "-"):
            continue
        parent = Path(str(target)).parent
        if not parent.is_dir():
            raise fail(f"cannot write {target}: folder {parent} does not exist")


def check_policies(names: list[str], known: Collection[str], flag: str) -> None:
    """Exit 2 at the first name that is not a policy of the scenario, with the closest one."""
    for name in names:
        if name not in known:
            from sim.scenario.checks import did_you_mean

            raise fail(f"{flag}: unknown policy '{name}'{did_you_mean(name, known)}")


def split_policies(text: str) -> list[str]:
    """``a, b,c`` -> ``["a", "b", "c"]``."""
    return [p.strip() for p in text.split(",") if p.strip()]
