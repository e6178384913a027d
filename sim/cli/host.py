"""``cxsim host``: run a classroom session for several teams on one scenario, with a live dashboard (docs/classroom.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def host(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (.toml) every team plays.", show_default=False)],
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.")] = 8765,
    lan: Annotated[bool, typer.Option("--lan", help="Listen on every interface (0.0.0.0) and print the LAN URL.")] = False,
    db: Annotated[
        Path | None, typer.Option(help="The session's database (default: classroom/SCENARIO.sqlite); run again to go on.")
    ] = None,
    new: Annotated[bool, typer.Option("--new", help="End the unfinished session in the database and start a new one.")] = False,
    seed: Annotated[int | None, typer.Option(min=0, help="Random seed every team plays (default: the scenario's).")] = None,
    policy: Annotated[str | None, typer.Option(help="Base policy every team plays (default: the scenario's).")] = None,
    days: Annotated[
        float | None, typer.Option(min=0.01, max=3660, help="Play this many days instead of the scenario's horizon.")
    ] = None,
    names: Annotated[
        str | None,
        typer.Option(help="'show' the team names in the debrief and its exports, or 'hide' them (Team 1..N); default: show."),
    ] = None,
    lrs_config: Annotated[
        Path | None,
        typer.Option(
            "--lrs-config", metavar="FILE",
            help="Report the class session to an LMS over xAPI (docs/lms.md): this LRS config; default $CXSIM_LRS_CONFIG, else"
            " ~/.config/cxsim/lrs.toml if it exists; CXSIM_LRS_* variables win over it.",
        ),
    ] = None,
    join_rate: Annotated[
        int, typer.Option(min=1, hidden=True, help="Join attempts a minute allowed from one address (benches).")
    ] = 30,
) -> None:
    """Host a classroom session: teams join from the game, the facilitator follows them on a dashboard.

    Prints `join: URL` for the teams (`cxsim play --join URL --team NAME`) and `dashboard: URL`
    for the facilitator. Every team plays the same scenario, seed, policy and horizon, so they
    face the same customers. Listens on 127.0.0.1 unless --lan. Needs the 'classroom' extra.
    With an LRS configured (--lrs-config), the class session reports to it over xAPI.
    """
    import sys

    from sim.errors import CommandError

    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise CommandError(f"the host needs FastAPI and uvicorn ({exc}); install them with: pip install 'cxsim[classroom]'") from exc
    from sim.classroom.host import HostOptions, run_host

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    if names is not None and names not in ("show", "hide"):
        raise CommandError(f"--names: 'show' or 'hide', not '{names[:40]}'")
    from sim.lms.config import configured

    lrs = configured(lrs_config)  # a bad config: one line naming the file (or variable) and the key, exit 2
    options = HostOptions(
        scenario=scenario, port=port, lan=lan, db=db, new=new, seed=seed, policy=policy, days=days, names=names, lrs=lrs,
        join_rate=join_rate,
    )  # fmt: skip
    raise typer.Exit(run_host(options, say))
