"""Helpers shared by tests: paths and small scenarios built in code."""

from __future__ import annotations

from pathlib import Path

from sim import Scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
# the flagship before its five decisions (a crash card and a review card): for the game-mechanics tests
LAUNCH_DAY = ROOT / "tests" / "scenarios" / "files" / "launch-day" / "hike-launch.toml"


def queue_toml(
    *,
    per_hour: float = 570.0,
    agents: int = 10,
    handle: str = '{ dist = "exponential", mean = 1.0 }',
    patience: str | None = '{ dist = "exponential", mean = 2.0 }',
    days: float = 1.0,
    warmup_days: float = 0.0,
    extra: str = "",
) -> str:
    """TOML of a single phone queue (the Erlang test bed)."""
    patience_line = f"patience_min = {patience}" if patience else ""
    return f"""
schema_version = 1
title = "one queue"
seed = 7
horizon_days = {days}
warmup_days = {warmup_days}

[segments.all]
share = 1.0

[arrivals]
customers_per_hour = {per_hour}

[touchpoints.phone]
kind = "staffed"
channel = "phone"
agents = {agents}
handle_min = {handle}
{patience_line}

[journey]
entry = {{ phone = 1.0 }}

[policies.none]
{extra}
"""


def make_scenario(text: str) -> Scenario:
    """Validate scenario TOML text."""
    return parse_scenario(text.encode(), "test.toml").scenario
