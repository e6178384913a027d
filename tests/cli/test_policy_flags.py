"""Policies varied on the command line: --with, --without and --policy-file, for run, compare and sweep.

A derived policy must run exactly as the same policy written into the scenario would (same
seed, same numbers); a bad name is one line and exit 2; a resume with other policy flags is
refused; local processes and Dask give the same bytes.
"""

from __future__ import annotations

import json

import pytest
from helpers import SCENARIOS

TUTORIAL = str(SCENARIOS / "tutorial.toml")
QUICK = ["--reps", "2", "--days", "10", "--workers", "1", "--no-progress"]
# reactive, with the e-mail to every customer a failure hits added to its on_failure list (what --with does)
WRITTEN = """
[policies.reactive_email]
description = "reactive, plus the e-mail"
on_failure = ["apologise", "email_everyone"]
decisions = { outage = "wait", rush = "second_agent", next_time = "leave_it" }
"""


def runs_of(path, policy: str) -> list[dict[str, float]]:
    data = json.loads(path.read_text())
    return [r["metrics"] for r in data["replications"] if r["policy"] == policy]


def test_a_derived_policy_gives_the_numbers_of_the_same_policy_written_in_the_file(cxsim, tmp_path):
    derived, written, from_file = tmp_path / "derived.json", tmp_path / "written.json", tmp_path / "from_file.json"
    res = cxsim("compare", TUTORIAL, "--policies", "reactive", "--with", "email_everyone", *QUICK, "--json", str(derived))
    assert res.exit_code == 0, res.stderr
    data = json.loads(derived.read_text())
    assert data["policies"] == ["reactive", "reactive+email_everyone"]
    assert {c["policy"] for c in data["comparisons"]} == {"reactive+email_everyone"}

    scenario = tmp_path / "tutorial-plus.toml"
    scenario.write_text((SCENARIOS / "tutorial.toml").read_text() + WRITTEN)
    res = cxsim("compare", str(scenario), "--policies", "reactive,reactive_email", *QUICK, "--json", str(written))
    assert res.exit_code == 0, res.stderr

    policy_file = tmp_path / "policies.toml"
    policy_file.write_text(WRITTEN)
    res = cxsim(
        "compare", TUTORIAL, "--policies", "reactive,reactive_email", "--policy-file", str(policy_file), *QUICK,
        "--json", str(from_file),
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr

    mine = runs_of(derived, "reactive+email_everyone")
    assert mine == runs_of(written, "reactive_email") == runs_of(from_file, "reactive_email")
    assert mine != runs_of(derived, "reactive")  # the e-mail changes something, so the test can fail
    assert runs_of(derived, "reactive") == runs_of(written, "reactive")


# reactive without its apology: out of on_failure, and its answer to 'outage' a copy of 'wait' that does not apologise
WRITTEN_WITHOUT = """
[policies.reactive_quiet]
decisions = { outage = "wait_quiet", rush = "second_agent", next_time = "leave_it" }

[decisions.outage.options.wait_quiet]
label = "Wait for calls"
"""


def test_without_gives_the_numbers_of_the_policy_written_without_the_response(cxsim, tmp_path):
    derived, written = tmp_path / "derived.json", tmp_path / "written.json"
    res = cxsim("compare", TUTORIAL, "--policies", "reactive", "--without", "apologise", *QUICK, "--json", str(derived))
    assert res.exit_code == 0, res.stderr
    assert json.loads(derived.read_text())["policies"] == ["reactive", "reactive-apologise"]
    scenario = tmp_path / "tutorial-quiet.toml"
    scenario.write_text((SCENARIOS / "tutorial.toml").read_text() + WRITTEN_WITHOUT)
    res = cxsim("compare", str(scenario), "--policies", "reactive,reactive_quiet", *QUICK, "--json", str(written))
    assert res.exit_code == 0, res.stderr
    assert runs_of(derived, "reactive-apologise") == runs_of(written, "reactive_quiet") != runs_of(derived, "reactive")


def test_run_with_runs_the_derived_policy(cxsim):
    res = cxsim("run", TUTORIAL, "--days", "3", "--with", "email_everyone,follow_up_email", "--json", "-")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["policy"] == "reactive+email_everyone+follow_up_email"


def test_with_places_a_response_where_it_acts_and_without_takes_it_out_of_the_answers():
    from sim.scenario.loader import load_scenario
    from sim.scenario.policy_changes import PolicyChange, derive

    scenario = load_scenario(TUTORIAL)
    policy = derive(scenario, "reactive", PolicyChange(("email_everyone", "hot_fix", "second_agent", "apologise"))).policy
    assert policy.on_failure == ["apologise", "email_everyone", "hot_fix"]  # answers a failure: at every failure
    assert policy.at_start == ["second_agent"]  # agents: from the start
    assert policy.decisions == scenario.policies["reactive"].decisions

    variant = derive(scenario, "proactive", PolicyChange(without=("apologise",)))
    assert variant.policy.on_failure == []
    assert variant.policy.decisions["outage"] == "tell-apologise"
    assert variant.options["outage"]["tell-apologise"].responses == ["email_everyone"]
    assert list(variant.options) == ["outage"]  # its other answers apply no apology: unchanged


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--with", "email_every"], "error: --with: unknown response 'email_every'; did you mean 'email_everyone'?"),
        (["--without", "xyz"], "error: --without: unknown response 'xyz'; expected one of: 'apologise', 'email_everyone', "
         "'second_agent', 'hot_fix', 'follow_up_email'"),
        (["--with", "hot_fix", "--without", "hot_fix"], "error: --with and --without both name response 'hot_fix'"),
        (["--policies", "reactiv", "--with", "hot_fix"], "error: --policies: unknown policy 'reactiv'; did you mean 'reactive'?"),
    ],
)  # fmt: skip
def test_a_bad_name_is_one_line_and_exit_2(cxsim, args, line):
    res = cxsim("compare", TUTORIAL, *QUICK, *args)
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [line]


def test_a_change_that_changes_nothing_is_said_and_not_run(cxsim):
    res = cxsim("run", TUTORIAL, "--days", "1", "--with", "apologise", "--json", "-")
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [
        "note: --with apologise changes nothing in policy 'reactive' (it already does that): no derived policy for it",
        "error: --with apologise: nothing to run: every policy named already does that",
    ]


def test_a_policy_file_is_checked_like_a_scenario_with_file_line_and_key(cxsim, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[policies.fast]\non_falure = ["apologise"]\n')
    res = cxsim("run", TUTORIAL, "--policy-file", str(bad))
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [f"{bad}:2: policies.fast.on_falure: unknown key 'on_falure'; did you mean 'on_failure'?"]

    bad.write_text('[policies.reactive]\n\n[policies.typo]\non_failure = ["apologize"]\ndecisions = { outage = "tel" }\n')
    res = cxsim("run", TUTORIAL, "--policy-file", str(bad))
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [
        f"{bad}:1: policies.reactive: the scenario already has a policy 'reactive': give this one another name",
        f"{bad}:4: policies.typo.on_failure (the first item): unknown response 'apologize'; did you mean 'apologise'?",
        f"{bad}:5: policies.typo.decisions.outage: unknown option 'tel'; did you mean 'tell'?",
    ]

    bad.write_text('title = "not a policy"\n')
    res = cxsim("run", TUTORIAL, "--policy-file", str(bad))
    assert res.stderr.splitlines() == [f"{bad}:1: title: unknown key 'title': a policy file holds only [policies.NAME] tables"]
    res = cxsim("run", TUTORIAL, "--policy-file", str(tmp_path / "none.toml"))
    assert res.exit_code == 2 and res.stderr.splitlines() == [f"{tmp_path / 'none.toml'}: file not found"]


def _journal_with(path, flags, names=("reactive",), reps: int = 2, days: float = 10.0) -> None:
    """The journal a compare of ``names`` with these policy flags leaves after its first two replications."""
    from sim.cli.policy_flags import study_policies
    from sim.experiments.experiment import Journal, plan
    from sim.scenario.loader import load_scenario

    chosen = study_policies(load_scenario(TUTORIAL), list(names), flags, flag="--policies", every=True, keep_named=True)
    data = (SCENARIOS / "tutorial.toml").read_bytes()
    journal = Journal(path)
    for i, job in enumerate(plan(data, TUTORIAL, chosen.names, 1, reps, days, specs=chosen.specs)[:2]):
        journal.add(i, job, {"x": 1.0})


def test_resume_refuses_other_policy_flags_and_finishes_the_same_ones(cxsim, tmp_path):
    from sim.cli.policy_flags import PolicyFlags

    out = tmp_path / "c.json"
    journal = tmp_path / "c.json.partial.jsonl"
    _journal_with(journal, PolicyFlags(with_=["email_everyone"]))
    base = ["compare", TUTORIAL, *QUICK, "--json", str(out), "--resume"]
    for other in (["--policies", "reactive", "--with", "hot_fix"], ["--policies", "reactive,proactive"]):
        res = cxsim(*base, *other)
        assert res.exit_code == 2, res.stderr
        assert res.stderr.strip().splitlines() == [
            f"{journal}:2: cannot resume: --with, --without or --policy-file differ from the interrupted run's;"
            " repeat them, or remove the journal to start over"
        ]
    base += ["--policies", "reactive"]
    res = cxsim(*base, "--with", "email_everyone")
    assert res.exit_code == 0, res.stderr
    assert json.loads(out.read_text())["policies"] == ["reactive", "reactive+email_everyone"]
    assert not journal.exists()


def test_resume_refuses_a_policy_file_that_changed(cxsim, tmp_path):
    from sim.cli.policy_flags import PolicyFlags

    policy_file = tmp_path / "p.toml"
    policy_file.write_text('[policies.mine]\non_failure = ["apologise", "email_everyone"]\n')
    journal = tmp_path / "c.json.partial.jsonl"
    _journal_with(journal, PolicyFlags(with_=["hot_fix"], policy_file=policy_file), names=("reactive", "mine"))
    policy_file.write_text('[policies.mine]\non_failure = ["email_everyone"]\n')  # same name, another policy
    res = cxsim(
        "compare", TUTORIAL, "--policies", "reactive,mine", "--with", "hot_fix", "--policy-file", str(policy_file), *QUICK,
        "--json", str(tmp_path / "c.json"), "--resume",
    )  # fmt: skip
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [
        f"{journal}:2: cannot resume: --with, --without or --policy-file differ from the interrupted run's; repeat them, or"
        " remove the journal to start over"
    ]


def test_dask_runs_derived_policies_as_local_processes_do(cxsim_process, tmp_path):
    distributed = pytest.importorskip("distributed")
    args = ["compare", TUTORIAL, "--policies", "reactive", "--with", "email_everyone", "--reps", "2", "--days", "5"]
    local = tmp_path / "local.json"
    res = cxsim_process(*args, "--workers", "2", "--json", str(local))
    assert res.returncode == 0, res.stderr
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    ) as cluster:
        on_dask = tmp_path / "dask.json"
        res = cxsim_process(*args, "--scheduler", cluster.scheduler_address, "--json", str(on_dask))
        assert res.returncode == 0, res.stderr
    assert on_dask.read_bytes() == local.read_bytes()


def test_sweep_runs_the_derived_policy_at_every_point(cxsim, tmp_path):
    out = tmp_path / "s.json"
    res = cxsim(
        "sweep", TUTORIAL, "--set", "touchpoints.phone.agents=1,2", "--with", "email_everyone", "--reps", "1",
        "--days", "3", "--workers", "1", "--no-progress", "--json", str(out),
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    data = json.loads(out.read_text())
    assert data["policies"] == ["reactive", "reactive+email_everyone"]
    assert all(set(p["summary"]) == {"reactive", "reactive+email_everyone"} for p in data["points"])
