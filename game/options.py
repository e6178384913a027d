"""How the game was started: the options of ``cxsim play`` (or ``make play``), no pygame here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.classroom.client import TeamLink
    from sim.lms.config import LrsConfig

BASE_SIZE = (1280, 720)  # the window size the layout is designed at; other sizes scale from it


@dataclass
class GameOptions:
    """How the game was started (from ``cxsim play`` or ``make play``)."""

    scenario: Path | None = None
    autoplay: bool = False
    policy: str | None = None
    answers: str | None = None  # autoplay answers: 'reactive', 'proactive' or 'DECISION=OPTION,...' (sim.session.paths)
    speed: float = 64.0  # autoplay speed multiplier; 0 means as fast as possible
    frames: int | None = None
    screenshots: Path | None = None
    save_dir: Path = field(default_factory=lambda: Path("sessions"))
    trainee: str = ""
    seed: int | None = None
    days: float | None = None
    size: tuple[int, int] = BASE_SIZE
    realtime: bool = True
    resume: Path | None = None
    classroom: TeamLink | None = None  # joined a classroom session (--join): reports to the host, holds time when it says
    lrs: LrsConfig | None = None  # an LRS is configured (--lrs-config or CXSIM_LRS_*): each session reports to it (docs/lms.md)
