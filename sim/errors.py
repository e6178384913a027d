"""The errors cxsim raises, so callers can tell bad input from bugs.

A ``ScenarioError`` carries every problem found in a file, each with its file, line and key
path, so a trainer fixes them all in one pass. The CLI turns ``SimError`` into exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in a scenario file, located for a human."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SimError(Exception):
    """Base of every error caused by input rather than by a bug in cxsim."""


class ScenarioError(SimError):
    """A scenario file could not be read or is invalid; ``problems`` lists each issue."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CommandError(SimError):
    """A command sent to a running simulation names something that does not exist."""


class ArgumentError(SimError, ValueError):
    """A function of the Python API (``sim.run``, ``sim.compare``...) was given a value it cannot use.

    An unknown policy, a count below its minimum, an interval that is not 15, 30 or 60 minutes:
    the message names the argument, as the CLI's one line names the flag.
    """
