"""The flags several commands share, declared once, and the checks they share.

The checks run where each command always ran them (after the scenario is read, before any
work), so the first error a user sees is the same one as before.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.console import err, fail
from sim.experiments.workers import MAX_WORKERS as MAX_WORKERS  # the bound of --workers (re-exported: it lived here)

if TYPE_CHECKING:
    from sim.experiments.workload import Workload

SeedOpt = Annotated[int | None, typer.Option(min=0, help="Random seed, or base seed of replications (default: the scenario's).")]
DaysOpt = Annotated[float | None, typer.Option(min=0.001, help="Run length in days (default: the scenario's horizon).")]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        min=1, max=MAX_WORKERS,
        help="Worker processes for replications (default: all cores; never more than there are replications to run).",
    ),
]  # fmt: skip
JsonOpt = Annotated[
    str | None, typer.Option("--json", metavar="PATH|-", help="Write results as JSON to PATH, or '-' for stdout.")
]
CsvOpt = Annotated[Path | None, typer.Option("--csv", metavar="PATH", help="Write tidy CSV rows to PATH.")]
ParquetOpt = Annotated[
    Path | None,
    typer.Option("--parquet", metavar="PATH", help="Write the --csv rows as a Parquet file to PATH (needs pyarrow: cxsim[parquet])."),
]
CustomersOpt = Annotated[
    Path | None,
    typer.Option(
        "--customers", metavar="PATH",
        help="Write one CSV row per surveyed customer journey to PATH (columns: docs/results-format.md).",
    ),
]  # fmt: skip
ProgressOpt = Annotated[bool, typer.Option(help="Show a progress bar on stderr.")]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(metavar="tcp://HOST:PORT", help="Run replications on this Dask scheduler instead of local processes."),
]
ResumeOpt = Annotated[bool, typer.Option(help="Finish an interrupted run from the replications saved next to --json PATH.")]
AllowLargeOpt = Annotated[
    bool,
    typer.Option(
        "--allow-large", help="Run even when the scenario would bring more than 5 million customers in all (hours of work)."
    ),
]
FileArg = Annotated[Path, typer.Argument(help="Scenario file (.toml).", show_default=False)]
IntervalOpt = Annotated[
    int | None,
    typer.Option(
        "--interval", metavar="15|30|60",
        help="KPIs per staffed channel and interval of the week (minutes): offered, answered, abandoned, service level, "
        "occupancy, agents on duty.",
    ),
]  # fmt: skip
IntervalsCsvOpt = Annotated[
    Path | None,
    typer.Option(
        "--intervals-csv", metavar="PATH",
        help="Write one CSV row per channel x weekday x interval to PATH (implies --interval 60 unless given).",
    ),
]  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class StudyFlags:
    """The flags of a study over replications (``compare``, ``sweep``, ``run --reps N``), gathered."""

    seed: int | None = None
    days: float | None = None
    workers: int | None = None
    json_out: str | None = None
    csv_out: Path | None = None
    parquet_out: Path | None = None
    progress: bool = True
    scheduler: str | None = None
    resume: bool = False
    allow_large: bool = False
    interval: int | None = None  # --interval minutes (run and compare only; see interval_minutes)
    intervals_csv: Path | None = None

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
    "parquet_out": ParquetOpt,
    "progress": ProgressOpt,
    "scheduler": SchedulerOpt,
    "resume": ResumeOpt,
    "allow_large": AllowLargeOpt,
}


def with_study_flags(command: Callable[..., None]) -> Callable[..., None]:
    """Give a study command the StudyFlags options, after its own (``--help`` lists them in that order).

    The command declares its own parameters and a last one, ``flags: StudyFlags``; Typer sees
    the ten options in its place, and the command receives them gathered in ``flags``.
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


def interval_minutes(interval: int | None, intervals_csv: Path | None) -> int | None:
    """The interval length asked for: --interval, or 60 when only --intervals-csv asks; None: no interval KPIs.

    They are computed only when asked: watching every contact makes a run slower
    (about 11 % on hike-launch, 35 % on contact-centre).
    """
    from sim.results.intervals import INTERVAL_CHOICES

    if interval is None:
        return 60 if intervals_csv is not None else None
    if interval not in INTERVAL_CHOICES:
        raise fail(f"--interval: an interval is 15, 30 or 60 minutes (got {interval})")
    return interval


def check_parquet(path: Path | None) -> None:
    """Exit 2 before any work if --parquet is asked for and pyarrow is not installed."""
    if path is None:
        return
    from sim.results.tidy import MissingExtra, require

    try:
        require("pyarrow.parquet", "parquet", "--parquet")
    except MissingExtra as exc:
        raise fail(str(exc)) from None


def check_writable(*targets: str | Path | None, inputs: Iterable[str | Path | None] = ()) -> None:
    """Exit 2 unless every output file can be written, before any work is done.

    Each target (None and '-' for stdout pass) must be a file name (not '', '.' or a folder), in
    a folder that exists and takes new files, not an existing non-file (a device, a pipe), not
    one of ``inputs`` (``--json scenarios/x.toml`` must not overwrite the scenario) and not
    another target.
    """
    from sim.atomic import can_create

    seen: dict[str, str] = {}
    for target in targets:
        if target is None or target == "-":
            continue
        text = str(target)
        path = Path(text)
        if not text.strip() or path.name in ("", ".", "..") or text.endswith(("/", os.sep)):
            raise fail(f"cannot write '{text}': not a file name")
        if path.is_dir():
            raise fail(f"cannot write {text}: it is a folder (name a file in it)")
        if path.exists() and not path.is_file():
            raise fail(f"cannot write {text}: it exists and is not a regular file")
        parent = path.parent
        if not parent.is_dir():
            what = "is not a folder" if parent.exists() else "does not exist"
            raise fail(f"cannot write {text}: folder {parent} {what}")
        for source in inputs:
            if source is not None and source != "-" and _same_file(path, Path(str(source))):
                raise fail(f"cannot write {text}: it is the input file {source}, which would be overwritten")
        key = os.path.normcase(os.path.abspath(text))
        if key in seen:
            raise fail(f"cannot write {text}: two outputs name the same file")
        seen[key] = text
        problem = can_create(path)
        if problem is not None:
            reason = problem.strerror or type(problem).__name__
            raise fail(f"cannot write {text}: folder {parent} does not take new files ({reason.lower()})")


def _same_file(a: Path, b: Path) -> bool:
    """True when the paths name one file (the same path, a link to it, or a hard link)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def journal_path(json_out: str | Path) -> Path:
    """Where a study writing ``--json PATH`` keeps its finished replications: ``PATH.partial.jsonl``."""
    return Path(f"{json_out}.partial.jsonl")


def leftover(journal: Path, *, same_command: bool = True) -> str:
    """The line naming a journal an interrupted study left, and what to do with it."""
    finish = "add --resume to finish it" if same_command else "finish it by running its command again with --resume"
    return f"an interrupted run left {journal}: {finish}, or delete it to start over"


def note_leftover(json_out: str | Path | None) -> None:
    """One line on stderr if an interrupted study left its journal next to ``json_out`` (another command's output)."""
    if json_out is None or json_out == "-":
        return
    journal = journal_path(json_out)
    if journal.is_file() and journal.stat().st_size > 0:
        err.print(f"note: {leftover(journal, same_command=False)}", highlight=False, soft_wrap=True, markup=False)


def check_workload(work: Workload, what: str, allow_large: bool) -> None:
    """Exit 2 with one line naming the estimate if ``work`` is above the limit and not allowed; else say it if large."""
    from sim.experiments.workload import check

    refused, note = check(work, what, allow_large)
    if refused is not None:
        raise fail(refused)
    if note is not None:
        err.print(note, highlight=False, soft_wrap=True, markup=False)


def check_policies(names: list[str], known: Collection[str], flag: str) -> None:
    """Exit 2 at the first name that is not a policy of the scenario, with the closest one."""
    from sim.scenario.checks import unknown_policy

    problem = unknown_policy(names, known, flag)
    if problem is not None:
        raise fail(problem)


def split_policies(text: str) -> list[str]:
    """``a, b,c`` -> ``["a", "b", "c"]``."""
    return [p.strip() for p in text.split(",") if p.strip()]
