"""Numbers a trainer can type are bounded: each out-of-range value is one located line, never a hang or a crash.

These are the cases a fuzzer found (issue 16): deep nesting, distributions that overflow,
infinite or huge rates, amounts and attitudes, MTBFs and check intervals of a nanosecond.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from helpers import ROOT, SCENARIOS

from sim import ScenarioError, parse_scenario

BOOK = (SCENARIOS / "book-review-service.toml").read_text(encoding="utf-8")
HIKE = (SCENARIOS / "hike-launch.toml").read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    try:
        parse_scenario(text.encode(), "x.toml")
    except ScenarioError as err:
        return [str(p) for p in err.problems]
    return []


def replace_first(text: str, pattern: str, new: str) -> str:
    out, n = re.subn(pattern, new, text, count=1, flags=re.M)
    assert n == 1, pattern
    return out


ORDER = r"^order_value = \{[^}]*\}"
CASES = {
    "lognormal sd 1e300": (HIKE, ORDER, 'order_value = { dist = "lognormal", mean = 1e-300, sd = 1e300 }', "order_value.sd"),
    "lognormal mean 1e-300": (HIKE, ORDER, 'order_value = { dist = "lognormal", mean = 1e-300, sd = 1 }', "too large to draw"),
    "gamma mean 1e300": (HIKE, ORDER, 'order_value = { dist = "gamma", mean = 1e300, sd = 1 }', "order_value.mean"),
    "empirical weights 1e308": (
        HIKE, ORDER, 'order_value = { dist = "empirical", values = [1, 2], weights = [1e308, 1e308] }', "order_value.weights",
    ),
    "order value inf": (HIKE, ORDER, 'order_value = { dist = "constant", value = inf }', "finite"),
    "order value 1e308": (HIKE, ORDER, 'order_value = { dist = "constant", value = 1e308 }', "out of range"),
    "attitude nan": (BOOK, r"^starting_attitude = .*$", "starting_attitude = nan", "starting_attitude"),
    "rate 1e9": (HIKE, r"^customers_per_hour = .*$", "customers_per_hour = 1e9", "arrivals"),
    "rate 1e18": (HIKE, r"^customers_per_hour = .*$", "customers_per_hour = 1e18", "arrivals.customers_per_hour"),
    "rate inf": (HIKE, r"^customers_per_hour = .*$", "customers_per_hour = inf", "finite"),
    "hour profile inf": (HIKE, r"^hour_profile = \[[^\]]*\]", "hour_profile = [inf" + ", 1" * 23 + "]", "hour_profile"),
    "mtbf 1e-9 hours": (BOOK, r"^mtbf_hours = .*$", "mtbf_hours = 1e-9", "mtbf_hours"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_an_out_of_range_number_is_one_located_line(case: str):
    text, pattern, new, expected = CASES[case]
    found = problems_of(replace_first(text, pattern, new))
    assert len(found) == 1, found
    assert found[0].startswith("x.toml:") and expected in found[0], found


def test_a_kpi_trigger_checked_every_nanosecond_is_refused():
    trigger = 'trigger = { on = "kpi", touchpoint = "phone", metric = "queue_length", above = 5, check_every_min = 1e-9 }'
    found = problems_of(re.sub(r"^trigger = \{[^}]*\}", trigger, HIKE, count=1, flags=re.M))
    assert any("check_every_min" in p for p in found), found


@pytest.mark.parametrize("depth", [17, 400, 5000])
def test_deep_nesting_is_one_line_with_its_line_number(depth: int):
    text = HIKE + "\nextra = " + "[" * depth + "]" * depth + "\n"
    found = problems_of(text)
    line = HIKE.count("\n") + 2
    assert found == [f"x.toml:{line}: arrays or inline tables nested deeper than 16 levels; no scenario key needs that"]


def test_nesting_inside_strings_and_comments_is_not_counted():
    text = HIKE + '\n# ' + "[" * 50 + '\n' + 'description = "' + "{" * 50 + '"\n'
    assert not any("nested deeper" in p for p in problems_of(text))


def test_the_cli_refuses_a_deeply_nested_file_with_exit_2(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(HIKE + "\nextra = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    for command in ("validate", "run", "lint"):
        res = subprocess.run(
            [sys.executable, "-m", "sim", command, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
        )
        assert res.returncode == 2, (command, res.stderr)
        assert "nested deeper than 16 levels" in res.stderr and "Traceback" not in res.stderr


def test_a_zero_delay_self_loop_ends_within_the_step_limit():
    """A route back to the same touchpoint with no delay loops; max_steps (at most 1,000) stops each journey."""
    text = replace_first(BOOK, r"^max_steps = .*$", "max_steps = 1000000") if "max_steps" in BOOK else None
    if text is not None:
        assert any("max_steps" in p for p in problems_of(text))
    looping = HIKE.replace("[journey]", "[journey]\nmax_steps = 1000000", 1)
    assert any("journey.max_steps" in p for p in problems_of(looping))
