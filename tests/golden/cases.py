"""The golden cases: what `cxsim run`, `compare` and `sweep` printed as JSON before a change.

The restructure of issue 15 promised behaviour byte for byte: these files were generated from
the commit before anything moved, and `test_golden.py` asserts that today's code writes the
same bytes. Regenerate them (``python tests/golden/cases.py``) only in a change that alters
the model on purpose, and say so in its commit message.
"""

from __future__ import annotations

import gzip
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEEDS = (1, 2, 3)


@dataclass(frozen=True)
class Case:
    """One command line and the file its JSON output is kept in."""

    name: str
    args: tuple[str, ...]

    @property
    def path(self) -> Path:
        return HERE / "outputs" / f"{self.name}.json.gz"


def run_cases() -> list[Case]:
    """Every bundled scenario x every policy x seeds 1, 2, 3."""
    cases = []
    for file in sorted((ROOT / "scenarios").glob("*.toml")):
        policies = tomllib.loads(file.read_text(encoding="utf-8"))["policies"]
        for policy in policies:
            for seed in SEEDS:
                args = ("run", f"scenarios/{file.name}", "--policy", policy, "--seed", str(seed), "--json", "-")
                cases.append(Case(f"run--{file.stem}--{policy}--{seed}", args))
    return cases


def study_cases() -> list[Case]:
    """A paired comparison and a sweep, small enough for the fast suite, and two printed tables."""
    return [
        Case(
            "compare--tutorial",
            ("compare", "scenarios/tutorial.toml", "--policies", "reactive,proactive", "--reps", "3", "--workers", "1",
             "--no-progress", "--json", "-"),
        ),
        Case(
            "sweep--contact-centre",
            ("sweep", "scenarios/contact-centre.toml", "--set", "touchpoints.phone.shifts.1.agents=6:10:4", "--reps", "2",
             "--workers", "1", "--no-progress", "--json", "-"),
        ),
        Case("table--run-hike-launch", ("run", "scenarios/hike-launch.toml", "--no-progress")),
        Case(
            "table--compare-tutorial",
            ("compare", "scenarios/tutorial.toml", "--policies", "reactive,proactive", "--reps", "2", "--workers", "1",
             "--no-progress"),
        ),
    ]  # fmt: skip


def all_cases() -> list[Case]:
    return run_cases() + study_cases()


def produce(case: Case) -> bytes:
    """Run the command in this process, from the repository root, and return its stdout."""
    import os

    from typer.testing import CliRunner

    from sim import cli
    from sim.cli import app

    for console in (cli.out, cli.err):  # rich fixes the width when the console is made: pin it
        console.width = 100
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(app, list(case.args), catch_exceptions=False, env={"COLUMNS": "100", "NO_COLOR": "1"})
    finally:
        os.chdir(here)
    if result.exit_code != 0:
        raise RuntimeError(f"{' '.join(case.args)} exited {result.exit_code}: {result.output[-2000:]}")
    return result.stdout_bytes


def expected(case: Case) -> bytes:
    return gzip.decompress(case.path.read_bytes())


def main() -> None:
    from concurrent.futures import ProcessPoolExecutor

    (HERE / "outputs").mkdir(exist_ok=True)
    cases = all_cases()
    with ProcessPoolExecutor(2) as pool:
        for case, data in zip(cases, pool.map(produce, cases), strict=True):
            case.path.write_bytes(gzip.compress(data, mtime=0))
            print(case.name, len(data), file=sys.stderr)


if __name__ == "__main__":
    main()
