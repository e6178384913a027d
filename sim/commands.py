"""Commands: the only way to change a running simulation from outside.

A trainee's click and a manager's policy are the same thing here: a command applied at the
current sim time. ``Simulation.apply`` logs each one with its time, so seed + command log
replays a session exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

_CMD = {"frozen": True, "slots": True, "kw_only": True}


@dataclass(**_CMD)
class Choose:
    """Answer a pending decision point with one of its options."""

    decision: str
    option: str


@dataclass(**_CMD)
class ApplyResponse:
    """Apply one of the scenario's responses now (optionally tied to a failure)."""

    response: str
    failure: str | None = None


@dataclass(**_CMD)
class SetAgents:
    """Set the extra agents on a staffed touchpoint, on top of its shifts (may be negative)."""

    touchpoint: str
    extra_agents: int


Command = Choose | ApplyResponse | SetAgents
COMMAND_TYPES: dict[str, type] = {"choose": Choose, "apply_response": ApplyResponse, "set_agents": SetAgents}


@dataclass(frozen=True, slots=True)
class LoggedCommand:
    """A command with the sim minute it was applied at."""

    time: float
    command: Command

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, for session files and JSON output."""
        name = next(k for k, v in COMMAND_TYPES.items() if isinstance(self.command, v))
        return {"time": self.time, "command": name, **asdict(self.command)}

    @staticmethod
    def from_dict(data: dict[str, Any]) -> LoggedCommand:
        """Rebuild a logged command from ``to_dict`` output; raises ValueError if malformed."""
        fields = dict(data)
        try:
            time = float(fields.pop("time"))
            cls = COMMAND_TYPES[fields.pop("command")]
            return LoggedCommand(time, cls(**fields))
        except (KeyError, TypeError) as err:
            raise ValueError(f"not a command: {data!r}") from err
