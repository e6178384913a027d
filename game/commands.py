"""The ``cxsim play`` command, added to the CLI as a plugin so the engine never imports the game.

``pyproject.toml`` registers ``register`` under the ``cxsim.commands`` entry-point group; the
CLI calls it at start-up. Importing this module pulls no pygame: the game is imported only when
``play`` runs, so a headless install without the ``game`` extra still has a working ``cxsim``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sim.classroom.client import TeamLink
    from sim.lms.config import LrsConfig


def _parse_speed(value: str) -> float:
    if value in ("max", "fast"):
        return 0.0
    try:
        speed = float(value.rstrip("x"))
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a speed: use 1, 4, 16, 64 or max") from None
    if speed <= 0:
        raise typer.BadParameter(f"'{value}' is not a speed: it must be above 0 (or max)")
    return speed


def _parse_size(value: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in value.lower().split("x"))
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a window size: use WIDTHxHEIGHT, e.g. 1280x720") from None
    if w < 800 or h < 500:
        raise typer.BadParameter(f"'{value}' is too small: at least 800x500")
    return w, h


def register(app: typer.Typer) -> None:
    """Add ``play`` to the ``cxsim`` command line."""

    @app.command()
    def play(
        file: Annotated[Path | None, typer.Argument(help="Scenario file (.toml); omit to pick one in the game.")] = None,
        autoplay: Annotated[
            bool, typer.Option(help="Play by itself from title to saved results, then exit (demos, tests).")
        ] = False,
        policy: Annotated[
            str | None, typer.Option(help="Base policy; in autoplay it also answers the decisions (unless --answers).")
        ] = None,
        answers: Annotated[
            str | None,
            typer.Option(
                help="Autoplay as a trainee: answer every decision 'reactive' or 'proactive' (the first option of that style), "
                "or DECISION=OPTION,... (after a style, to change single answers); the base policy stays the scenario's default."
            ),
        ] = None,
        speed: Annotated[str, typer.Option(help="Autoplay speed: 1, 4, 16, 64 (x 5 sim minutes per second) or max.")] = "64",
        frames: Annotated[int | None, typer.Option(min=1, help="Stop after this many frames (the session autosaves).")] = None,
        screenshots: Annotated[Path | None, typer.Option(help="Save a PNG of every screen the game passes through here.")] = None,
        save_dir: Annotated[Path, typer.Option(help="Folder for autosaves, results JSON and the trainer's results.csv.")] = Path(
            "sessions"
        ),
        name: Annotated[str, typer.Option(help="Trainee's name, written on the results.")] = "",
        seed: Annotated[int | None, typer.Option(min=0, help="Random seed (default: the scenario's).")] = None,
        days: Annotated[
            float | None, typer.Option(min=0.01, help="Play this many days instead of the scenario's horizon.")
        ] = None,
        window: Annotated[str, typer.Option(help="Window size, WIDTHxHEIGHT.")] = "1280x720",
        resume: Annotated[Path | None, typer.Option(help="Continue an autosaved session file.")] = None,
        allow_large: Annotated[
            bool, typer.Option("--allow-large", help="Play even a scenario that brings more than 5 million customers.")
        ] = False,
        unthrottled: Annotated[bool, typer.Option(hidden=True, help="Do not wait for the frame clock (tests).")] = False,
        join: Annotated[
            str | None, typer.Option(help="Join a classroom session: the join URL cxsim host printed (with --team).")
        ] = None,
        team: Annotated[str | None, typer.Option(help="Your team's name in the classroom session (with --join).")] = None,
        lrs_config: Annotated[
            Path | None,
            typer.Option(
                "--lrs-config",
                metavar="FILE",
                help="Report the session to an LMS over xAPI (docs/lms.md): this LRS config; default $CXSIM_LRS_CONFIG, else"
                " ~/.config/cxsim/lrs.toml if it exists; CXSIM_LRS_* variables win over it.",
            ),
        ] = None,
    ) -> None:
        """Open the training game (needs the 'game' extra: pip install 'cxsim[game]').

        Keys: Space pause, 1-5 speed, End fast-forward, 1-4 on a decision card, Tab/arrows and
        Enter everywhere, Esc menu, F1 tour of the screen, F11 full screen, Ctrl +/- text size.
        """
        from sim.cli.options import check_workload
        from sim.errors import CommandError
        from sim.experiments.workload import customers_per_run, repeated
        from sim.scenario.loader import read_scenario

        size = _parse_size(window)
        autoplay_speed = _parse_speed(speed)
        if file is not None:
            loaded = read_scenario(file)  # a broken file fails here, one line per problem, exit 2
            if policy is not None and policy not in loaded.scenario.policies:
                raise CommandError(f"--policy: unknown policy '{policy}' (policies: {', '.join(loaded.scenario.policies)})")
            check_workload(repeated(customers_per_run(loaded.scenario, days), 1, ""), "this session", allow_large)
            if answers is not None:
                from sim.session.paths import parse_answers

                parse_answers(answers, loaded.scenario)  # an unknown decision or option: one line, exit 2
        if answers is not None and not autoplay:
            raise CommandError("--answers: only with --autoplay (a trainee answers the cards themselves)")
        if answers is not None and file is None and join is None:
            raise CommandError("--answers: name the scenario file too (the answers are its decisions' options)")
        if (join is None) != (team is None):
            raise CommandError("--join and --team go together: cxsim play --join URL --team NAME")
        if join is not None:
            for flag, given in (("--seed", seed), ("--policy", policy), ("--resume", resume)):
                if given is not None:
                    raise CommandError(f"{flag}: not with --join (the host sets the scenario, seed, policy and length)")
        if resume is not None:
            if not resume.is_file():
                raise CommandError(f"--resume: {resume}: no such session file")
            from sim.errors import SimError
            from sim.session.file import read_session, resolve_scenario_path

            record = read_session(resume)  # a broken or foreign file fails here, one line, exit 2
            try:
                saved = read_scenario(resolve_scenario_path(resume, record.scenario_file)).scenario
            except SimError:
                saved = None  # the game says why it cannot resume, on the title screen
            if saved is not None:
                work = repeated(customers_per_run(saved, record.horizon_days), 1, "")
                check_workload(work, "this session", allow_large)
        lrs = _lrs(lrs_config)  # a bad config: one line naming the file (or variable) and the key, exit 2, no window
        try:
            import pygame  # noqa: F401
            import pygame_gui  # noqa: F401
        except ImportError as exc:
            raise CommandError(
                f"the game needs pygame-ce and pygame_gui ({exc}); install them with: pip install 'cxsim[game]'"
            ) from exc
        link = None
        if join is not None and team is not None:
            link, file, seed, policy, days = _join(join, team, save_dir, file, days, answers, allow_large)
            name = name or link.reply.team
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        from .main import run_game
        from .options import GameOptions

        options = GameOptions(
            scenario=file, autoplay=autoplay, policy=policy, answers=answers, speed=autoplay_speed, frames=frames, screenshots=screenshots,
            save_dir=save_dir, trainee=name, seed=seed, days=days, size=size, realtime=not unthrottled, resume=resume,
            classroom=link, lrs=lrs,
        )  # fmt: skip
        try:
            code = run_game(options)
        finally:
            if options.classroom is not None:  # joined with --join, or on the title's join screen
                _leave(options.classroom)
        raise typer.Exit(code)


def _lrs(path: Path | None) -> LrsConfig | None:
    """The LRS the game reports to: ``--lrs-config``, else what ``cxsim lrs`` would use; None if none is set up."""
    from sim.lms.config import configured

    return configured(path)


def _join(
    url: str, team: str, save_dir: Path, file: Path | None, days: float | None, answers: str | None, allow_large: bool
) -> tuple[TeamLink, Path, int, str, float]:
    """Join a classroom session: the link to the host, and the scenario file, seed, policy and days it hands out."""
    from sim.classroom.client import join
    from sim.cli.options import check_workload
    from sim.errors import CommandError
    from sim.experiments.workload import customers_per_run, repeated
    from sim.scenario.loader import read_scenario

    link = join(url, team, save_dir, file)  # one line and exit 2 if the host cannot be reached or refuses
    reply = link.reply
    try:
        if days is not None and abs(days - reply.horizon_days) > 1e-9:
            raise CommandError(f"--days: the host sets the length of this session ({reply.horizon_days:g} days); omit --days")
        loaded = read_scenario(link.scenario_path)
        check_workload(repeated(customers_per_run(loaded.scenario, reply.horizon_days), 1, ""), "this session", allow_large)
        if answers is not None:
            from sim.session.paths import parse_answers

            parse_answers(answers, loaded.scenario)
    except BaseException:
        link.close(timeout=0)
        raise
    typer.echo(f"joined session {reply.session} as {reply.team} ({reply.state}); playing {link.scenario_path}", err=True)
    return link, link.scenario_path, reply.seed, reply.policy, reply.horizon_days


def _leave(link: TeamLink) -> None:
    """Send what the game queued before it exits (waiting a little for a host that is away); say what could not go."""
    left = link.close()
    if left:
        typer.echo(
            f"{left} updates could not reach the host; they are kept in {link.outbox.path} and sent when you join again"
            " with the same team name", err=True,
        )  # fmt: skip
