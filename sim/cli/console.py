"""Where the command line prints: results on stdout, everything else on stderr.

Rich fixes a console's width when it is made, so there is one of each for the whole process
(tests pin ``out.width`` and ``err.width`` to compare printed tables byte for byte).
"""

from __future__ import annotations

from collections.abc import Iterable

import typer
from rich.console import Console

out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr; raise what this returns to exit 2."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def print_lines(items: Iterable[object]) -> None:
    """One line on stderr per problem or warning, printed as it is (no markup, no wrapping)."""
    for item in items:
        err.print(str(item), highlight=False, soft_wrap=True, markup=False)


def print_written(json_out: object, csv_out: object = None) -> None:
    """``wrote PATH`` on stderr for each file written; nothing when the JSON went to stdout ('-')."""
    if json_out == "-":
        return
    for target in (json_out, csv_out):
        if target is not None:
            err.print(f"wrote {target}", highlight=False)
