"""The analytic formulas reproduce published worked cases (cx-model notes, section 4)."""

import pytest

from sim.experiments.erlang import erlang_a, erlang_c, erlang_c_mean_wait, erlang_c_service_level


@pytest.mark.parametrize(
    ("agents", "p_wait", "sl20", "asa_sec"),
    [(12, 0.449, 0.640, 40.4), (13, 0.285, 0.796, 17.1), (14, 0.174, 0.888, 7.8)],
)
def test_erlang_c_matches_the_200_calls_an_hour_worked_case(agents, p_wait, sl20, asa_sec):
    """200 calls/h with a 180 s handle time is 10 Erlangs."""
    a, aht = 10.0, 3.0  # Erlangs, minutes
    assert erlang_c(agents, a) == pytest.approx(p_wait, abs=0.0005)
    assert erlang_c_service_level(agents, a, aht, 20 / 60) == pytest.approx(sl20, abs=0.0005)
    assert erlang_c_mean_wait(agents, a, aht) * 60 == pytest.approx(asa_sec, abs=0.05)


def test_erlang_c_is_certain_waiting_when_overloaded():
    assert erlang_c(5, 5.0) == 1.0


def test_erlang_a_matches_the_verified_case():
    """lam 200/h, AHT 180 s, mean patience 300 s, 11 agents: P(wait) 0.460, P(ab) 0.0699, E[W] 20.98 s."""
    res = erlang_a(200 / 60, 1 / 3, 1 / 5, 11)
    assert res.p_wait == pytest.approx(0.460, abs=0.0005)
    assert res.p_abandon == pytest.approx(0.0699, abs=0.00005)
    assert res.mean_wait * 60 == pytest.approx(20.98, abs=0.005)


def test_erlang_a_abandonment_equals_theta_times_wait():
    res = erlang_a(9.5, 1.0, 0.5, 10)
    assert res.p_abandon == pytest.approx(0.5 * res.mean_wait)
