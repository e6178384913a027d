"""Staffing by formula and by cover: the agents an interval needs, and the cheapest shifts that give them.

A manager acts on these counts, so each is checked against what it must equal: the published
Erlang C example, the Erlang C formula computed here term by term, the Erlang A chain's own
limits, and, for the shift cover, every roster of a tiny week tried by brute force.
"""

from __future__ import annotations

import itertools
import math

import pytest

from sim.experiments.erlang import (
    agents_erlang_a,
    agents_erlang_c,
    erlang_a,
    erlang_a_service_level,
    erlang_c_service_level,
)
from sim.experiments.roster import Pattern, cheapest_cover, on_duty, patterns
from sim.experiments.staffing import TargetError, occurrences, parse_target, roster_shifts, staffing_shifts


def erlang_c_by_hand(n: int, a: float) -> float:
    """P(wait) of M/M/N from the textbook sum: (A^N / N!) (N / (N - A)) / (sum_{k<N} A^k / k! + that)."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def smallest_by_hand(per_hour: float, handle_s: float, level: float, answer_s: float) -> int:
    a = per_hour * handle_s / 3600
    n = math.floor(a) + 1
    while 1 - erlang_c_by_hand(n, a) * math.exp(-(n - a) * answer_s / handle_s) < level:
        n += 1
    return n


def test_the_published_example_100_calls_an_hour_of_180_s_at_80_20_needs_8_agents():
    """5 Erlangs: 7 agents answer 74.0 % within 20 s, 8 agents 88.0 % (the classic Erlang C table row)."""
    assert erlang_c_service_level(7, 5.0, 180, 20) == pytest.approx(0.7404, abs=5e-5)
    assert erlang_c_service_level(8, 5.0, 180, 20) == pytest.approx(0.8801, abs=5e-5)
    assert agents_erlang_c(100 / 60, 1 / 3, 20 / 60, 0.80) == 8


@pytest.mark.parametrize(
    ("per_hour", "handle_s", "level", "answer_s"),
    [
        (100, 180, 0.8, 20),
        (200, 180, 0.8, 20),
        (360, 240, 0.9, 15),
        (30, 300, 0.8, 30),
        (1000, 200, 0.95, 10),
        (12, 600, 0.5, 60),
    ],
)
def test_erlang_c_staffing_equals_the_formula_computed_term_by_term(per_hour, handle_s, level, answer_s):
    lam, mu = per_hour / 60, 60 / handle_s
    assert agents_erlang_c(lam, mu, answer_s / 60, level) == smallest_by_hand(per_hour, handle_s, level, answer_s)


def test_erlang_a_service_level_tends_to_erlang_c_without_abandonment_and_to_1_minus_abandonment_with_time():
    lam, mu = 100 / 60, 1 / 3
    for n in (6, 7, 8, 10):
        assert erlang_a_service_level(lam, mu, 1e-5, n, 1 / 3) == pytest.approx(
            erlang_c_service_level(n, 5.0, 3.0, 1 / 3), abs=1e-3
        )
        for theta in (0.05, 0.2, 1.0):
            assert erlang_a_service_level(lam, mu, theta, n, 600) == pytest.approx(
                1 - erlang_a(lam, mu, theta, n).p_abandon, abs=1e-9
            )


def test_erlang_a_service_level_at_zero_seconds_is_the_chance_of_an_agent_free_on_arrival():
    lam, mu, theta, n = 3.0, 0.25, 0.2, 14
    assert erlang_a_service_level(lam, mu, theta, n, 0.0) == pytest.approx(1 - erlang_a(lam, mu, theta, n).p_wait, abs=1e-12)


def test_erlang_a_staffing_is_the_smallest_n_reaching_the_target():
    lam, mu, theta, t = 140 / 60, 1 / 6, 1 / 4.5, 1 / 3
    n = agents_erlang_a(lam, mu, theta, t, 0.8)
    assert erlang_a_service_level(lam, mu, theta, n, t) >= 0.8 > erlang_a_service_level(lam, mu, theta, n - 1, t)
    assert n <= agents_erlang_c(lam, mu, t, 0.8)  # callers who give up shorten the queue for the others
    assert agents_erlang_a(0.0, mu, theta, t, 0.8) == agents_erlang_c(0.0, mu, t, 0.8) == 0


@pytest.mark.parametrize(("text", "level", "seconds"), [("80/20", 0.8, 20), ("90 / 15", 0.9, 15), ("75%/30s", 0.75, 30)])
def test_a_target_reads_percent_slash_seconds(text, level, seconds):
    assert parse_target(text).level == pytest.approx(level)
    assert parse_target(text).answer_sec == seconds


@pytest.mark.parametrize("text", ["80", "0.8/20", "80-20", "100/20", "80/0", "x/20", "80/nan"])
def test_a_bad_target_says_the_format(text):
    with pytest.raises(TargetError, match=r"PERCENT/SECONDS, e\.g\. 80/20"):
        parse_target(text)


def brute_force_cost(need: list[int], allowed: list[Pattern]) -> float:
    """The least agent-intervals of any roster covering ``need``, trying every count of each pattern up to the most its intervals need."""
    best = math.inf
    tops = [max(need[(p.start + i) % len(need)] for i in range(p.length)) for p in allowed]
    for counts in itertools.product(*(range(top + 1) for top in tops)):
        level = on_duty(dict(zip(allowed, counts, strict=True)), len(need))
        if all(have >= want for have, want in zip(level, need, strict=True)):
            best = min(best, sum(c * p.length for c, p in zip(counts, allowed, strict=True)))
    return best


@pytest.mark.parametrize(
    ("need", "lengths", "cyclic"),
    [
        ([1, 3, 2, 0, 2], [2], True),
        ([2, 0, 3, 1, 1], [3], True),
        ([3, 1, 0, 2, 2], [2], True),
        ([1, 3, 2, 3, 0, 2], [2, 3], False),
        ([0, 2, 2, 1, 3, 1], [2, 4], False),
        ([1, 1, 3, 0, 2, 2], [1, 3], False),
    ],
)
def test_the_shift_cover_is_as_cheap_as_the_best_roster_found_by_brute_force(need, lengths, cyclic):
    allowed = patterns(len(need), lengths, cyclic=cyclic)
    cover = cheapest_cover(need, allowed, [p.length for p in allowed])
    assert cover.optimal
    assert all(have >= want for have, want in zip(cover.on_duty(len(need)), need, strict=True))
    assert cover.cost == brute_force_cost(need, allowed)


def test_a_greedy_cover_is_not_minimal_but_this_one_is():
    """Need 1 agent in each of 4 intervals of a cycle, shifts of 3: two shifts (6 agent-intervals) are the least."""
    allowed = patterns(4, [3])
    cover = cheapest_cover([1, 1, 1, 1], allowed, [3.0] * len(allowed))
    assert cover.cost == 6.0
    assert sum(cover.counts.values()) == 2


def test_a_shift_past_midnight_is_written_as_two_and_shifts_alike_share_one_entry():
    per_day = 24  # hourly grid
    counts = {Pattern(6 * per_day + 22, 8): 2, Pattern(0 * per_day + 8, 8): 3, Pattern(1 * per_day + 8, 8): 3}
    assert roster_shifts(counts, 60) == [
        {"start": "00:00", "end": "06:00", "agents": 2, "days": ["mon"]},
        {"start": "08:00", "end": "16:00", "agents": 3, "days": ["mon", "tue"]},
        {"start": "22:00", "end": "24:00", "agents": 2, "days": ["sun"]},
    ]


def test_the_staffing_table_puts_each_intervals_agents_on_duty():
    levels = [0] * (7 * 48)
    levels[18:20] = [3, 3]  # Monday 09:00-10:00
    levels[20] = 4
    assert staffing_shifts(levels, 30) == [
        {"start": "09:00", "end": "10:00", "agents": 3, "days": ["mon"]},
        {"start": "10:00", "end": "10:30", "agents": 4, "days": ["mon"]},
    ]


def test_each_cell_counts_its_occurrences_in_the_run():
    occurs = occurrences(180.0, 2 * 1440 + 30, 60)  # Monday 03:00 to Wednesday 00:30
    assert occurs[:3] == [0, 0, 0] and occurs[3] == 1 and occurs[24 + 5] == 1 and occurs[48] == 0.5
    assert sum(occurs) == pytest.approx((2 * 1440 + 30 - 180) / 60)
