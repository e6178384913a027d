"""Standing rules ('from now on'): a decision's answer keeps answering later failures, only those it names.

Regression: an answer given with no incident in progress (a decision on a time trigger) used to
become a rule for every failure, whatever its decision's ``rule_for`` said.
"""

from __future__ import annotations

from helpers import SCENARIOS

from sim import Simulation, parse_scenario
from sim.records import NoticeSent, ResponseApplied
from sim.session.replay import with_choices

TEXT = (SCENARIOS / "hike-launch.toml").read_text(encoding="utf-8")


def notices(text: str, choices: dict[str, str], days: float = 30.0) -> tuple[set[str], list[ResponseApplied]]:
    scenario = parse_scenario(text.encode(), "hike-launch.toml").scenario
    scenario, policy = with_choices(scenario, choices)
    log: list[object] = []
    Simulation(scenario, policy=policy, observers=[log.append], horizon_days=days).run()
    sent = {r.failure for r in log if isinstance(r, NoticeSent) and r.notice != "needless"}
    return sent, [r for r in log if isinstance(r, ResponseApplied)]


def test_a_rule_set_before_any_failure_answers_only_the_failures_it_names():
    text = TEXT.replace(
        'responses = ["fix_crash", "fix_glitch"]\nstyle = "proactive"',
        'responses = ["notify_clear"]\nstyle = "proactive"',
    ).replace("[decisions.launch_prep]\n", '[decisions.launch_prep]\nrule_for = ["launch_crash", "checkout_glitch"]\n')
    assert text.count('rule_for = ["launch_crash", "checkout_glitch"]') == 2  # launch_prep's, and the crash's own
    sent, _ = notices(text, {"launch_prep": "on_call", "crash": "wait_for_calls", "late_parcels": "wait_for_calls"})
    assert "launch_crash" in sent and "carrier_delay" not in sent, sent


def test_a_fix_for_another_failure_is_neither_applied_nor_paid():
    _, applied = notices(TEXT, {"launch_prep": "on_call"})
    fixes = [r for r in applied if r.response in ("fix_crash", "fix_glitch")]
    assert fixes and all(r.failure == {"fix_crash": "launch_crash", "fix_glitch": "checkout_glitch"}[r.response] for r in fixes)
