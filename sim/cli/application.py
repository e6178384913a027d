"""The ``cxsim`` application: its commands, the front ends' commands, and the exit codes.

Exit codes (``EXIT_CODES``): 0 ok, 1 a finding (lint warnings, a replay that differs), 2 bad
input (scenario, flags, paths, session files), 3 an internal error in cxsim, 130 interrupted.
A script can tell a finding from a crash. Every error is one line per problem on stderr, never
a traceback (set CXSIM_DEBUG=1 to see one for an internal error). The mapping lives in the root
group's ``main``, so the console script and an in-process ``typer.testing.CliRunner().invoke(app,
...)`` exit the same way.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer import TyperException as UsageFailure  # typer >= 0.26 vendors click: every click error derives from it
from typer.core import TyperGroup

from sim import __version__
from sim.cli import author, host, lrs, run, sessions, staff, studies
from sim.cli.console import err, out, print_lines
from sim.errors import SimError

OK, FINDING, BAD_INPUT, INTERNAL_ERROR, INTERRUPTED = 0, 1, 2, 3, 130
EXIT_CODES = (
    "Exit codes: 0 ok, 1 a finding (lint warnings, a replay that differs), 2 bad input (a scenario, a flag,"
    " a path, a session file), 3 an internal error in cxsim, 130 interrupted (Ctrl-C), 143 a study stopped by"
    " SIGTERM; either way a study with --json PATH keeps its finished replications for --resume."
)


def exit_code(invoke: Callable[[], object]) -> int:
    """Run ``invoke`` and turn how it ended into cxsim's exit code, printing one line per error."""
    try:
        code = invoke()
    except UsageFailure as exc:
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path.split(" ", 1)[1] + " " if ctx is not None and " " in ctx.command_path else ""
        message = exc.format_message()
        err.print(f"error: {message} (see 'cxsim {command}--help')", highlight=False, soft_wrap=True, markup=False)
        return BAD_INPUT
    except typer.Abort:
        err.print("interrupted", highlight=False)
        return INTERRUPTED
    except SimError as exc:
        print_lines(getattr(exc, "problems", None) or [exc])
        return BAD_INPUT
    except KeyboardInterrupt:
        err.print("interrupted", highlight=False)
        return INTERRUPTED
    except Exception as exc:
        if os.environ.get("CXSIM_DEBUG"):
            traceback.print_exc(file=sys.stderr)
        else:
            err.print(
                f"internal error in cxsim ({type(exc).__name__}: {exc}); rerun with CXSIM_DEBUG=1 and report it", markup=False
            )
        return INTERNAL_ERROR
    return code if isinstance(code, int) else OK


class CxsimGroup(TyperGroup):
    """The root command: parses and runs a command, then exits with ``exit_code``'s mapping."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        parse_and_run = super().main
        code = exit_code(lambda: parse_and_run(*args, standalone_mode=False, **kwargs))  # type: ignore[misc]
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    name="cxsim",
    help="cxsim: simulate customer journeys and compare reactive service with proactive experience.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    epilog=EXIT_CODES,
    cls=CxsimGroup,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"cxsim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Simulate customer journeys: queues, failures, recoveries and what customers remember.

    Scenarios are TOML files (see docs/scenario-format.md). Sim time is minutes; money is in the
    scenario's currency.
    """


# In the order `cxsim --help` lists them; each command imports what it needs when it runs.
for command in (
    run.validate,
    run.run,
    studies.compare,
    studies.sweep,
    staff.staff,
    sessions.report,
    author.lint,
    author.new,
    author.preview,
    author.kpis,
    sessions.replay,
    author.schema,
    host.host,
):
    app.command()(command)
app.add_typer(lrs.app, name="lrs")  # cxsim lrs send | flush | status: LMS reporting (sim/lms/)

_plugins_loaded: set[str] = set()


def load_plugins() -> None:
    """Add the commands of installed front ends (entry-point group ``cxsim.commands``), e.g. ``play``.

    The engine never imports the game: the game registers itself, and a plugin that fails to
    load is reported on stderr without breaking the headless commands. Each is added once.
    """
    from importlib.metadata import entry_points

    for entry in entry_points(group="cxsim.commands"):
        if entry.name in _plugins_loaded:
            continue
        _plugins_loaded.add(entry.name)
        try:
            entry.load()(app)
        except Exception as exc:  # a broken front end must not take the headless CLI down
            err.print(f"warning: the '{entry.name}' command is unavailable ({type(exc).__name__}: {exc})", markup=False)


def main() -> None:
    """Console-script entry point (``cxsim``, ``python -m sim``)."""
    load_plugins()
    # The group's main maps every outcome; this outer mapping also covers building the command
    # line from the registered commands, which happens before it.
    sys.exit(exit_code(lambda: app(standalone_mode=False)))
