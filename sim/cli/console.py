"""Where the command line prints: results on stdout, everything else on stderr.

Rich fixes a console's width when it is made, so there is one of each for the whole process
(tests pin ``out.width`` and ``err.width`` to compare printed tables byte for byte).

Rich reads every string it prints as console markup (``[bold]``, ``[/]``). A scenario's title,
labels and lessons, a trainee's name, a file name or a policy typed on the command line are
user text: each goes through ``literal`` wherever a string carries the CLI's own markup, or is
printed with ``markup=False``, so it shows as written and a stray ``[/b]`` cannot crash a command.
"""

from __future__ import annotations

from collections.abc import Iterable

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


def literal(value: object) -> str:
    """``str(value)`` as rich markup that prints it exactly as written, wherever it sits in a markup string.

    Rich's ``escape`` puts a backslash before each ``[`` that would open a tag. Backslashes at
    the end of the text would escape a tag that follows (``[bold]{x}[/]``), so they are doubled,
    as rich reads them before a tag, and an empty span follows them (it prints nothing), so they
    are always before a tag. Text without ``[`` or a final backslash is returned unchanged.
    """
    text = str(value)
    body = text.rstrip("\\")
    trailing = len(text) - len(body)
    return escape(body) + "\\" * (2 * trailing) + "[i][/i]" if trailing else escape(body)


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr; raise what this returns to exit 2.

    The message is text, never markup: it often quotes what the user typed or a file's content.
    """
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    return typer.Exit(2)


def print_lines(items: Iterable[object]) -> None:
    """One line on stderr per problem or warning, printed as it is (no markup, no wrapping)."""
    for item in items:
        err.print(str(item), highlight=False, soft_wrap=True, markup=False)


def print_written(json_out: object, *others: object) -> None:
    """``wrote PATH`` on stderr for each file written (None: not asked for); nothing when the JSON went to stdout ('-')."""
    if json_out == "-":
        return
    for target in (json_out, *others):
        if target is not None:
            err.print(f"wrote {target}", highlight=False, markup=False, soft_wrap=True)  # a long path stays on its line
