"""What a team's game and the facilitator's dashboard may send the host, and what it answers.

Everything a client sends is validated here before the host looks at it: every string and list
has a bound, names are the scenario format's names, numbers are finite, and no message carries
a file path or code (the host hands out the scenario; it never reads one from a client). Team
names are user text: printable, trimmed, at most ``TEAM_NAME_MAX`` characters, and shown as text
everywhere (the dashboard sets ``textContent``; CSV cells go through ``sim.textsafe``).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

MAX_BODY_BYTES = 256 * 1024  # a request body larger than this is refused (413) before it is parsed
MAX_BATCH = 100  # messages in one batch
MAX_KPIS = 32  # KPI values in one snapshot
TEAM_NAME_MAX = 40
MAX_TEAMS = 200  # teams in one session
STATES = ("lobby", "running", "paused", "debrief", "ended")
HOLDING = frozenset({"lobby", "paused"})  # the states in which a team's game holds its clock
ACTIONS = ("start", "pause", "resume", "release", "end")
NAMES = ("show", "hide")  # the debrief shows the names teams typed, or 'Team 1..N' (the facilitator chooses)

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]
KpiKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+$", max_length=120)]
Token = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{16,64}$")]
Minutes = Annotated[float, Field(ge=0, le=3660 * 1440)]


class Message(BaseModel):
    """Base of the client's messages: unknown keys are refused, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def team_name(value: str) -> str:
    """A team name as the host keeps it: trimmed, 1 to ``TEAM_NAME_MAX`` printable characters (ValueError otherwise)."""
    name = " ".join(value.split())  # runs of spaces (and tabs, new lines) become one space
    if not name:
        raise ValueError("a team name is needed")
    if len(name) > TEAM_NAME_MAX:
        raise ValueError(f"a team name has at most {TEAM_NAME_MAX} characters")
    if not name.isprintable():
        raise ValueError("a team name has only printable characters")
    return name


class JoinRequest(Message):
    """A team asks to join; ``token`` is the one it was given before, to join again after a restart."""

    team: str = Field(max_length=200)
    token: Token | None = None

    _name = field_validator("team")(team_name)


class Decision(Message):
    """A trainee's answer at a decision point, at the sim minute it was given."""

    kind: Literal["decision"]
    seq: int = Field(ge=1, le=10**9)
    sim_minutes: Minutes
    decision: Name
    option: Name


class Snapshot(Message):
    """Where a team's run is (its sim clock) and the KPIs the scorecard reads, at that moment."""

    kind: Literal["snapshot"]
    seq: int = Field(ge=1, le=10**9)
    sim_minutes: Minutes
    finished: bool = False
    kpis: dict[KpiKey, float | None] = Field(default_factory=dict, max_length=MAX_KPIS)

    @field_validator("kpis")
    @classmethod
    def _finite(cls, value: dict[str, float | None]) -> dict[str, float | None]:
        if any(v is not None and not math.isfinite(v) for v in value.values()):
            raise ValueError("KPI values must be finite numbers")
        return value


class Batch(Message):
    """Messages from one team, oldest first; sent again after a failure, with the same sequence numbers."""

    messages: list[Annotated[Decision | Snapshot, Field(discriminator="kind")]] = Field(min_length=1, max_length=MAX_BATCH)


class Control(Message):
    """A facilitator's control: start, pause (all), resume, release (the debrief), end."""

    action: Literal["start", "pause", "resume", "release", "end"]


class NamesChoice(Message):
    """The facilitator's choice of the names the debrief and its exports show: the teams' own, or 'Team 1..N'."""

    names: Literal["show", "hide"]


class JoinReply(BaseModel):
    """What a team needs to play the session: the scenario text and how to run it, and where to report."""

    team_id: int
    team: str
    token: str
    session: str  # the join code
    state: str
    scenario_name: str  # the host's file name without .toml, for the team's own files
    scenario_toml: str
    scenario_sha256: str
    seed: int
    policy: str
    horizon_days: float
    kpis: list[str]  # the results keys the snapshots carry
    batch_url: str  # path of the batch endpoint, relative to the host
    registration: str = ""  # the class session's UUID: the xAPI registration of every team's statements (sim.lms)
    team_account: str = ""  # the team as an xAPI Group's account name: the session's code and the team's number


class BatchReply(BaseModel):
    """The host's answer to a batch: every message up to ``acked`` is kept (resending it changes nothing)."""

    acked: int
    state: str
