"""The lint checks for trainer mistakes: each fires, at its key and line, on a small file with the mistake.

And stays quiet on every bundled scenario. Each message says what is wrong in the trainer's
units and what to do; the numbers are estimates from the file (arrivals x routes x handle time
against the agents on duty), so lint answers in a second.
"""

from __future__ import annotations

import pytest
from helpers import SCENARIOS, queue_toml

from sim import parse_scenario, read_scenario
from sim.authoring import lint as checks
from sim.authoring.lint import lint
from sim.authoring.lint_staffing import returning_per_new

BUNDLED = sorted(SCENARIOS.glob("*.toml"))
NEW_CHECKS = (
    checks.idle_channels, checks.busy_channels, checks.unused_responses, checks.short_outages, checks.long_handle_times,
    checks.implausible_arrivals, checks.crowded_decisions,
)  # fmt: skip
QUIET = "\n[customer_model]\nfeedback = false\n"  # no returning customers (and no short-horizon warning)
LONG_CALLS = '{ dist = "lognormal", mean = 300.0, sd = 60.0 }'


def warnings(text: str) -> list[str]:
    """Every lint warning of a scenario, as `cxsim lint` prints it (without the trailing lessons note)."""
    loaded = parse_scenario(text.encode(), "q.toml")
    return [str(p) for p in lint(loaded, text) if "states no [[lessons]]" not in str(p)]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def quiet_queue(**kw: object) -> str:
    """The one-queue test bed, with the customer model's feedback off (placed where a table may start)."""
    text = queue_toml(**kw)  # type: ignore[arg-type]
    return text.replace("\n[touchpoints.phone]", QUIET + "\n[touchpoints.phone]", 1)


def test_the_test_bed_is_clean():
    assert warnings(quiet_queue(per_hour=480, agents=10)) == []  # 8 agents' worth of work for 10: 80 %


def test_a_line_with_almost_no_work_is_flagged():
    text = quiet_queue(per_hour=10, agents=50)
    assert warnings(text) == [
        f"q.toml:{line_of(text, 'agents = 50')}: touchpoints.phone.agents: warning: agents busy only about 0.33 % of the time: "
        "10 contacts an hour of 1 min for 50.0 agents on duty, so nobody ever queues: fewer agents, more customers_per_hour, "
        "or a route that sends fewer here"
    ]


def test_a_line_near_full_is_flagged():
    text = quiet_queue(per_hour=580, agents=10)
    assert warnings(text) == [
        f"q.toml:{line_of(text, 'agents = 10')}: touchpoints.phone.agents: warning: agents busy about 97 % of the time "
        "(9.7 contacts in hand on average for 10.0 agents on duty): waits grow steeply at this occupancy: add an agent or a shift, "
        "or lower the arrivals"
    ]


def test_returning_customers_on_a_busy_line_are_flagged_with_how_much_they_add():
    # the case: 3 agents, 28.8 calls an hour declared; over 60 days customers come back
    text = queue_toml(per_hour=28.8, agents=3, handle='{ dist = "exponential", mean = 5.0 }', days=60)
    found = warnings(text)
    assert found == [
        f"q.toml:{line_of(text, 'agents = 3')}: touchpoints.phone.agents: warning: agents busy about 95 % of the time "
        "(2.8 contacts in hand on average for 3.0 agents on duty); returning customers add 18 % to the load the arrivals declare "
        "(5.26 contacts an hour on top of 28.8): waits grow steeply at this occupancy: add an agent or a shift, or lower the arrivals"
    ]
    # at 60 % occupancy the same share of returning customers changes little: no warning
    assert warnings(queue_toml(per_hour=21.6, agents=3, handle='{ dist = "exponential", mean = 5.0 }', days=60)) == []


def test_the_returning_estimate_matches_a_run():
    from sim.experiments.experiment import run_flat

    s = read_scenario(SCENARIOS / "tutorial.toml").scenario
    lo = s.customer_model.loyalty
    estimate = returning_per_new(lo.repeat_base, lo.repeat_after_days.mean_value(), s.horizon_days)
    flat = run_flat(s, s.default_policy_name, ())
    ran = flat["customers.returning"] / flat["customers.new"]
    assert estimate == pytest.approx(ran, rel=0.15), (estimate, ran)
    assert returning_per_new(0.0, 30, 60) == 0.0 and returning_per_new(0.28, 30, 0) == 0.0
    assert returning_per_new(0.28, 30, 10_000) == pytest.approx(0.28 / 0.72, rel=0.01)  # the long run: p / (1 - p)


def test_a_response_nothing_uses_is_flagged():
    text = quiet_queue(per_hour=480, agents=10, extra='\n[responses.sorry]\neffect = "apologise"\n')
    assert warnings(text) == [
        f"q.toml:{line_of(text, '[responses.sorry]')}: responses.sorry: warning: no policy, decision option or standing rule "
        "uses it, so it never happens: add it to a policy's at_start or on_failure, or to a decision option's responses, "
        "or delete it"
    ]
    used = text.replace("[policies.none]\n", '[policies.none]\non_failure = ["sorry"]\n')
    assert warnings(used) == []


FAILURE = '\n[failures.down]\nkind = "scheduled"\ntouchpoint = "phone"\nday = 1\ntime = "09:00"\nduration_min = {}\n'


def test_a_three_minute_outage_is_flagged_at_its_duration():
    text = quiet_queue(per_hour=480, agents=10, extra=FAILURE.format(3))
    assert warnings(text) == [
        f"q.toml:{line_of(text, 'duration_min = 3')}: failures.down.duration_min: warning: the outage lasts 3 minutes and "
        "hits almost nobody: duration_min is in minutes (180 for three hours)"
    ]
    assert warnings(quiet_queue(per_hour=480, agents=10, extra=FAILURE.format(180))) == []


def test_a_random_failure_repaired_in_seconds_is_flagged():
    extra = (
        '\n[failures.blip]\nkind = "random"\ntouchpoint = "phone"\nmtbf_hours = 5\nmttr_min = { dist = "constant", value = 2 }\n'
    )
    text = quiet_queue(per_hour=480, agents=10, extra=extra)
    assert warnings(text) == [
        f"q.toml:{line_of(text, 'mttr_min')}: failures.blip.mttr_min: warning: each failure is repaired in 2 minutes on "
        "average and hits almost nobody: mttr_min is in minutes (60 for an hour)"
    ]


def test_a_five_hour_call_is_flagged_at_its_handle_time():
    text = quiet_queue(per_hour=1.6, agents=10, handle=LONG_CALLS)  # 8 agents' worth: only the unit is wrong
    assert warnings(text) == [
        f"q.toml:{line_of(text, 'handle_min')}: touchpoints.phone.handle_min: warning: a contact takes 300 minutes on "
        "average (5.0 hours): handle_min is in minutes (6 for a six-minute call; a case worked over days is better a "
        "failure's mttr_min or a delay_min)"
    ]


def test_arrivals_implausible_for_the_horizon_are_flagged():
    few = quiet_queue(per_hour=0.01, agents=1)
    assert warnings(few) == [
        f"q.toml:{line_of(few, 'customers_per_hour')}: arrivals.customers_per_hour: warning: about 0.24 new customers arrive "
        "in the whole run of 1 day: customers_per_hour is per hour (24 a day is 1), and the hour and weekday profiles multiply it"
    ]  # and no idle-line warning on top: the arrivals are the mistake
    many = quiet_queue(per_hour=2000, agents=40, days=30)
    found = [w for w in warnings(many) if "arrivals" in w]
    assert found == [
        f"q.toml:{line_of(many, 'customers_per_hour')}: arrivals.customers_per_hour: warning: about 1,440,000 new customers "
        "arrive in 30 days (2,000 an hour on average): customers_per_hour is per hour, not per day; runs of this size take minutes each"
    ]


def with_options(n: int) -> str:
    """The tutorial with ``n`` options on its 'outage' decision (the file has 2), and a policy answering with the last."""
    extra = "".join(f'\n[decisions.outage.options.extra_{k}]\nlabel = "Option {k}"\nresponses = ["email_everyone"]\n' for k in range(3, n + 1))
    policy = f'\n[policies.last]\ndecisions = {{ outage = "extra_{n}" }}\n'
    return (SCENARIOS / "tutorial.toml").read_text() + extra + policy


def test_more_options_than_the_game_shows_run_headless_and_lint_warns(tmp_path):
    from sim.experiments.experiment import run_flat

    text = with_options(6)
    loaded = parse_scenario(text.encode(), "six.toml")
    assert loaded.warnings == []  # valid, and silent: a headless study may give a policy six alternatives
    assert run_flat(loaded.scenario, "last", days=9)["money.response_cost"] >= 0  # the sixth option is a policy's answer
    found = [str(p) for p in lint(loaded, text) if "decision card" in str(p)]
    assert found == [
        f"six.toml:{line_of(text, '[decisions.outage]')}: decisions.outage.options: warning: 6 options: the game's decision card "
        "shows 4 (keys 1-4), so a trainee playing it cannot choose 'extra_5', 'extra_6'; fine headless, where policies answer"
    ]
    four = with_options(4)
    assert [str(p) for p in lint(parse_scenario(four.encode(), "four.toml"), four) if "decision card" in str(p)] == []


def test_more_than_twenty_options_are_refused():
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError) as info:
        parse_scenario(with_options(21).encode(), "many.toml")
    assert str(info.value).startswith("many.toml:108: decisions.outage.options: a table should have at most 20 items")


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_new_checks_are_quiet_on_every_bundled_scenario(path):
    s = read_scenario(path).scenario
    assert [found for check in NEW_CHECKS for found in check(s)] == []
