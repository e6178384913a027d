"""Parameter sweeps: grids parsed and validated before anything runs, results per grid point."""

from __future__ import annotations

import json

import pytest
from helpers import SCENARIOS

from sim.experiments.sweep import SweepError, apply, grid, parse_set

CENTRE = str(SCENARIOS / "contact-centre.toml")


def test_set_flags_parse_ranges_lists_and_values():
    assert parse_set("touchpoints.phone.agents=6:14:2") == ("touchpoints.phone.agents", [6, 8, 10, 12, 14])
    assert parse_set("a.b=0.1:0.3:0.1") == ("a.b", [0.1, 0.2, 0.3])
    assert parse_set('a=1,2.5,true,"x"') == ("a", [1, 2.5, True, "x"])
    assert grid(["a=1,2", "b=3:4"]) == [(("a", 1), ("b", 3)), (("a", 1), ("b", 4)), (("a", 2), ("b", 3)), (("a", 2), ("b", 4))]


@pytest.mark.parametrize("flag", ["a=5:1", "a=1:5:0", "a=x:y", "noequals", "a=1:2:3:4"])
def test_bad_set_flags_raise(flag):
    with pytest.raises(SweepError):
        grid([flag])


def test_apply_sets_keys_in_tables_and_arrays_without_touching_the_original():
    raw = {"touchpoints": {"phone": {"shifts": [{"agents": 1}, {"agents": 2}]}}}
    out = apply(raw, (("touchpoints.phone.shifts.1.agents", 9), ("customer_model.feedback", False)))
    assert out["touchpoints"]["phone"]["shifts"][1]["agents"] == 9
    assert out["customer_model"] == {"feedback": False}
    assert raw["touchpoints"]["phone"]["shifts"][1]["agents"] == 2


def test_more_agents_lower_abandonment_across_the_sweep(cxsim):
    res = cxsim(
        "sweep", CENTRE, "--set", "touchpoints.phone.shifts.1.agents=6:12:3", "--reps", "3", "--days", "2",
        "--workers", "2", "--json", "-",
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["kind"] == "sweep" and data["keys"] == ["touchpoints.phone.shifts.1.agents"]
    assert [p["set"]["touchpoints.phone.shifts.1.agents"] for p in data["points"]] == [6, 9, 12]
    abandon = [p["summary"]["reactive"]["channels.phone.abandon_rate"]["mean"] for p in data["points"]]
    assert abandon[0] > abandon[1] > abandon[2]
    seeds = {tuple(r["seed"] for r in p["replications"]) for p in data["points"]}
    assert len(seeds) == 1  # every point on the same seeds


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("touchpoints.phone.agnets=3", "unknown key 'agnets'; did you mean 'agents'?"),
        ("customer_model.recovery.detect_probability=1.5", "must be less than or equal to 1"),
        ("touchpoints.phone.shifts.1.agents=12:6", "is empty"),
        ("touchpoints.phone.shifts.9.agents=3", "not an index"),
    ],
)
def test_bad_sweep_keys_fail_before_anything_runs(cxsim, flag, expected):
    res = cxsim("sweep", CENTRE, "--set", flag, "--reps", "2", "--days", "1")
    assert res.exit_code == 2
    assert expected in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
