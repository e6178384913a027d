"""Verdicts a manager can act on: good or bad news in words, digits that follow the interval, fractions within 0-100 %."""

from __future__ import annotations

import math

import pytest

from sim.experiments.stats import Interval
from sim.experiments.verdicts import effect, verdict_text
from sim.results.kpis import CHANNEL, HEADLINE, headline_kpis, kpi_for, scale_bounds
from sim.results.precision import decimals_for, format_change, format_difference, format_estimate, format_summary

PROFIT = next(k for k in HEADLINE if k.key == "money.profit")
CES = next(k for k in HEADLINE if k.key == "experience.ces_mean")
NPS = next(k for k in HEADLINE if k.key == "experience.nps")
ABANDON, CONTACTS = (
    next(k for k in headline_kpis(["phone"]) if k.key == f"channels.phone.{leaf}") for leaf in ("abandon_rate", "offered")
)


def test_every_catalogued_kpi_has_a_known_unit_and_says_whether_higher_is_better():
    for kpi in headline_kpis(["phone"]):
        assert kpi.unit in {"currency", "orders", "fraction", "points", "score", "customers", "min", "contacts"}, kpi
    assert [k.higher_is_better for k in CHANNEL] == [False, False, True, None]  # abandonment, wait, service level, contacts


@pytest.mark.parametrize(
    ("half_width", "decimals"), [(0.003, 4), (0.0034, 4), (0.3, 2), (1.8, 1), (17.3, 0), (638.0, 0), (0.0, None)]
)
def test_two_significant_digits_of_the_half_width_decide_the_decimals(half_width, decimals):
    assert decimals_for(half_width) == decimals


def test_a_half_width_of_0_003_is_never_shown_as_0_00():
    assert format_estimate(3.9931, 0.003, "score") == "3.9931 ± 0.0030"
    assert format_estimate(0.281, 0.028, "fraction") == "28.1 ± 2.8 %"
    assert format_estimate(1820.4, 638.2, "currency", "EUR") == "1,820 ± 638 EUR"


def test_a_real_difference_in_ces_prints_its_digits():
    change = format_change(-0.004, -0.006, -0.002, "score")
    assert change.amount == "0.0040 points" and change.interval == "-0.0060 to -0.0020 points"
    text = verdict_text("staffed_up", "reactive", CES, Interval(-0.004, -0.006, -0.002, 20), 6.4, "EUR")
    assert (
        text == "worse: staffed_up lowers CES (1-7) by 0.0040 points compared with reactive (95 % CI -0.0060 to -0.0020 points)"
    )
    assert "0.00 (" not in text


def test_money_differences_are_in_currency_and_percent_with_the_interval_in_currency():
    text = verdict_text("proactive", "reactive", PROFIT, Interval(3698.0, 1000.0, 6396.0, 30), 299_621.0, "EUR")
    assert text == (
        "better: proactive raises profit by 3,698 EUR (+1.23 %) compared with reactive (95 % CI +1,000 to +6,396 EUR)"
    )


def test_a_small_real_difference_in_profit_is_not_printed_as_0_0_percent():
    text = verdict_text("proactive", "reactive", PROFIT, Interval(30.0, 20.0, 40.0, 30), 300_000.0, "EUR")
    assert "by 30 EUR (+0.0100 %)" in text and "+20 to +40 EUR" in text
    assert "0.0 %" not in text and "+0.0 to +0.0" not in text


@pytest.mark.parametrize(
    ("kpi", "diff", "word"),
    [
        (PROFIT, Interval(-41_000.0, -43_000.0, -39_000.0, 20), "worse"),  # staffed_up lowers profit by 25.9 %: bad news
        (PROFIT, Interval(41_000.0, 39_000.0, 43_000.0, 20), "better"),
        (ABANDON, Interval(0.05, 0.04, 0.06, 20), "worse"),  # more abandonment is worse, though "significant"
        (ABANDON, Interval(-0.05, -0.06, -0.04, 20), "better"),
        (CONTACTS, Interval(12.0, 2.0, 22.0, 20), "higher"),  # no good direction
        (CONTACTS, Interval(-3.0, -4.0, -2.0, 20), "lower"),
        (PROFIT, Interval(100.0, -50.0, 250.0, 20), "no detectable difference"),
    ],
)
def test_the_verdict_word_says_good_or_bad_news_not_significance(kpi, diff, word):
    assert effect(diff, kpi.higher_is_better) == word
    assert verdict_text("b", "a", kpi, diff, 160_000.0, "EUR").startswith(word)


def test_a_difference_that_is_the_same_on_every_seed_says_so():
    text = verdict_text("proactive", "reactive", PROFIT, Interval(3036.0, 3036.0, 3036.0, 4), -15_803.0, "EUR")
    assert text == "better: proactive raises profit by 3,036 EUR (+19.2 %) compared with reactive (the same on every seed)"
    same = verdict_text("staffed_up", "reactive", PROFIT, Interval(0.0, 0.0, 0.0, 4), -15_803.0, "EUR")
    assert same == "no detectable difference in profit between staffed_up and reactive (the same on every seed)"


def test_a_fraction_interval_is_clipped_to_0_1_and_keeps_its_t_half_width():
    iv = Interval(0.017, 0.017 - 0.053, 0.017 + 0.053, 4).clipped(0.0, 1.0)
    assert (iv.low, iv.high) == (0.0, pytest.approx(0.070)) and iv.half_width == pytest.approx(0.053)
    assert iv.to_dict()["ci_low"] == 0.0 and iv.to_dict()["half_width"] == pytest.approx(0.053)
    top = Interval(0.983, 0.930, 1.036, 4).clipped(0.0, 1.0)
    assert top.high == 1.0 and top.low == 0.930
    inside = Interval(0.5, 0.4, 0.6, 4)
    assert inside.clipped(0.0, 1.0) is inside
    assert format_summary(iv.to_dict(), "fraction") == "1.7 % (0.0 to 7.0 %)"


@pytest.mark.parametrize(
    ("metric", "bounds"),
    [
        ("channels.phone.abandon_rate", (0.0, 1.0)),
        ("channels.chat.service_level", (0.0, 1.0)),
        ("experience.affected.repeat_purchase_rate", (0.0, 1.0)),
        ("daily.phone_abandon_rate.3", (0.0, 1.0)),
        ("daily.repeat_purchase_rate.12", (0.0, 1.0)),
        ("money.profit", None),
        ("daily.phone_wait_mean_min.3", (0.0, math.inf)),
        ("experience.nps", (-100.0, 100.0)),
        ("experience.csat_mean", (1.0, 5.0)),
        ("experience.contacted.ces_mean", (1.0, 7.0)),
        ("experience.review_stars_mean", (1.0, 5.0)),
        ("daily.csat_mean.4", (1.0, 5.0)),
        ("customers.arrived", (0.0, math.inf)),
        ("channels.phone.wait_mean_min", (0.0, math.inf)),
    ],
)
def test_bounded_scales_are_known_by_their_key(metric, bounds):
    assert scale_bounds(metric) == bounds


def test_a_single_run_has_no_interval_and_shows_no_plus_minus():
    assert format_estimate(2852.0, None, "currency", "EUR") == "2,852 EUR"
    assert format_estimate(209.0, None, "orders") == "209"
    assert format_estimate(0.276, None, "fraction") == "27.6 %"
    assert format_estimate(0.004, None, "score") == "0.0040"  # a small value keeps two significant digits


def test_sweep_steps_are_signed_with_percentage_points_for_fractions():
    assert format_difference(-0.053, 0.029, "fraction") == "-5.3 ± 2.9 pp"
    assert format_difference(-2126.0, 766.0, "currency", "EUR") == "-2,126 ± 766 EUR"
    assert kpi_for("channels.phone.occupancy", ["phone"]).label == "phone agent occupancy"


def test_a_bound_that_would_round_to_zero_keeps_its_sign_with_the_digits_it_needs():
    """At an interval's end the sign is the verdict: -0.04 spans zero, +0.04 does not; neither is shown as 0.0."""
    from sim.results.precision import number

    assert [number(v, 1, signed=True) for v in (-0.04, 0.04, -0.06, -0.0, 0.0)] == ["-0.04", "+0.04", "-0.1", "+0.0", "+0.0"]
    assert number(-1e-15, 1, signed=True) == "+0.0" and number(-0.0, 0) == "0"  # float noise, negative zero: zero
    assert number(-0.4, 0) == "-0.4" and number(1234.5, 1, signed=True) == "+1,234.5"
    better = verdict_text("proactive", "reactive", NPS, Interval(2.52, 0.04, 5.0, 30), 10.0, "EUR")
    unclear = verdict_text("proactive", "reactive", NPS, Interval(2.52, -0.04, 5.0, 30), 10.0, "EUR")
    assert "+0.04 to +5.0" in better and "-0.04 to +5.0" in unclear, (better, unclear)
