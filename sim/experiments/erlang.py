"""Exact queueing formulas for staffed channels: Erlang C (no abandonment) and Erlang A.

Used to check the simulation (tests), to sanity-check staffing (lint), to explain results, and by
``cxsim staff`` for the agents an interval needs. Notation: arrival rate ``lam`` and service rate
``mu`` per minute, N agents, offered load A = lam/mu Erlangs, exponential patience with rate
``theta`` (mean patience 1/theta), answer-time target t in minutes.

Sources: Erlang C and its service level 1 - C(N, A) exp(-(N - A) mu t) are in every queueing text
(e.g. Gross & Harris, *Fundamentals of Queueing Theory*, sec. 2.3; Koole, *Call Center
Optimization*, ch. 5). Erlang A (M/M/N+M) is from Garnett, Mandelbaum & Reiman, "Designing a
call center with impatient customers", MSOM 4(3), 2002, solved here exactly as a birth-death
chain; its service level is computed from the same chain (see ``erlang_a_service_level``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def erlang_b(n: int, a: float) -> float:
    """Blocking probability of M/M/N/N, by the stable recursion B_k = A B_{k-1} / (k + A B_{k-1})."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(n: int, a: float) -> float:
    """Probability an arrival waits in M/M/N (1.0 when the load A >= N, an unstable queue)."""
    if a >= n:
        return 1.0
    b = erlang_b(n, a)
    return n * b / (n - a * (1 - b))


def erlang_c_mean_wait(n: int, a: float, mean_handle: float) -> float:
    """Mean wait over all arrivals in M/M/N (ASA), in the unit of ``mean_handle``."""
    if a >= n:
        return math.inf
    return erlang_c(n, a) * mean_handle / (n - a)


def erlang_c_service_level(n: int, a: float, mean_handle: float, t: float) -> float:
    """Share of arrivals answered within t in M/M/N."""
    if a >= n:
        return 0.0
    return 1.0 - erlang_c(n, a) * math.exp(-(n - a) * t / mean_handle)


@dataclass(frozen=True)
class ErlangA:
    """Steady-state measures of M/M/N+M (Erlang A)."""

    p_wait: float
    p_abandon: float
    mean_wait: float
    mean_queue: float


def erlang_a(lam: float, mu: float, theta: float, n: int) -> ErlangA:
    """Solve M/M/N+M exactly as a birth-death chain (Garnett, Mandelbaum & Reiman 2002).

    Birth rate lam; death rate in state k is min(k, N) mu + max(k - N, 0) theta.
    P(abandon) = theta E[Q] / lam and E[W] = E[Q] / lam (mean over all arrivals).
    """
    if theta <= 0:
        raise ValueError(f"theta must be positive (got {theta})")
    nmax = n + int(20 * lam / theta) + 400
    log_p = [0.0]
    for k in range(1, nmax + 1):
        death = min(k, n) * mu + max(k - n, 0) * theta
        log_p.append(log_p[-1] + math.log(lam) - math.log(death))
    top = max(log_p)
    p = [math.exp(v - top) for v in log_p]
    total = sum(p)
    p = [v / total for v in p]
    mean_queue = sum((k - n) * p[k] for k in range(n + 1, nmax + 1))
    return ErlangA(
        p_wait=sum(p[n:]),
        p_abandon=theta * mean_queue / lam,
        mean_wait=mean_queue / lam,
        mean_queue=mean_queue,
    )


MAX_AGENTS = 100_000  # a search for more agents than this is a load no channel carries: refused, not looped over


def erlang_a_distribution(lam: float, mu: float, theta: float, n: int) -> list[float]:
    """Stationary probabilities of k = 0, 1, ... customers in M/M/N+M, truncated where they fall below 1e-22 of the peak.

    The same birth-death chain as ``erlang_a`` (birth lam, death min(k, N) mu + max(k - N, 0) theta),
    but cut adaptively: beyond N the terms fall faster than a geometric series once lam is below
    the death rate, so the tail left out is below the cut. Needs theta > 0 or lam < N mu.
    """
    if theta <= 0 and lam >= n * mu:
        raise ValueError(f"without abandonment the queue is unstable when lam >= N mu ({lam} >= {n} x {mu})")
    log_p = [0.0]
    top = 0.0
    k = 0
    while True:
        k += 1
        death = min(k, n) * mu + max(k - n, 0) * theta
        log_p.append(log_p[-1] + math.log(lam) - math.log(death))
        top = max(top, log_p[-1])
        if k > n and lam < death and log_p[-1] < top - 50.0:
            break
    p = [math.exp(v - top) for v in log_p]
    total = sum(p)
    return [v / total for v in p]


def erlang_a_service_level(lam: float, mu: float, theta: float, n: int, t: float) -> float:
    """Share of arrivals answered within t in M/M/N+M: P(served and wait <= t).

    By PASTA an arrival finds k customers with the stationary probabilities. With k < N it is
    answered at once; with k = N + m it has m customers ahead, who leave the queue (answered or
    abandoning) at rate N mu + m theta, while it abandons itself at rate theta. Its wait is then
    a pure-death chain m -> m-1 -> ... -> 0 -> answered, killed at rate theta, whose transient
    probabilities are computed exactly by uniformization (Poisson-weighted powers of the jump
    chain, summed until the Poisson tail is below 1e-12). As t -> infinity this tends to
    1 - P(abandon) of ``erlang_a``; with theta -> 0 it tends to Erlang C's service level.
    Abandoners and those answered after t count against it, as in the simulation's service level.
    """
    if n <= 0 or lam <= 0:
        return 1.0 if lam <= 0 else 0.0
    if theta <= 0:
        return erlang_c_service_level(n, lam / mu, 1.0 / mu, t)
    from scipy.stats import poisson

    p = erlang_a_distribution(lam, mu, theta, n)
    immediate = sum(p[:n])
    ahead = np.array(p[n:], dtype=float)  # ahead[m]: the arrival finds m customers waiting
    if t <= 0 or not ahead.any():
        return immediate
    m = np.arange(len(ahead), dtype=float)
    down = n * mu + m * theta  # the queue ahead moves on (m -> m-1; from 0: answered)
    rate = float(down[-1] + theta)
    steps_mean = rate * t
    last = int(poisson.isf(1e-12, steps_mean)) + 1
    weights = poisson.pmf(np.arange(last + 1), steps_mean)
    p_down = down / rate
    p_stay = 1.0 - p_down - theta / rate
    v = ahead.copy()
    served = 0.0  # P(answered within j jumps)
    total = 0.0
    for j in range(last + 1):
        total += weights[j] * served
        served += v[0] * p_down[0]
        moved = v[1:] * p_down[1:]
        v *= p_stay
        v[:-1] += moved
    return float(immediate + total)


def agents_erlang_c(lam: float, mu: float, t: float, target: float) -> int:
    """Fewest agents with an Erlang C service level of at least ``target`` (0 when nobody arrives).

    Starts at the first stable N (above the load A = lam / mu): the service level rises with N.
    """
    if lam <= 0:
        return 0
    a = lam / mu
    n = max(1, math.floor(a) + 1)
    while erlang_c_service_level(n, a, 1.0 / mu, t) < target:
        n += 1
        if n > MAX_AGENTS:
            raise ValueError(f"more than {MAX_AGENTS:,} agents needed for a load of {a:,.0f} Erlangs")
    return n


def agents_erlang_a(lam: float, mu: float, theta: float, t: float, target: float) -> int:
    """Fewest agents with an Erlang A service level of at least ``target`` (Erlang C's when theta is 0).

    The service level rises with N, so the answer is found by doubling then bisection. With
    abandonment a target of answered-within-t can be out of reach of any N only if t is 0
    and the target 1; the search then stops at ``MAX_AGENTS`` with a ValueError.
    """
    if lam <= 0:
        return 0
    if theta <= 0:
        return agents_erlang_c(lam, mu, t, target)
    hi = max(1, math.ceil(lam / mu))
    while erlang_a_service_level(lam, mu, theta, hi, t) < target:
        hi *= 2
        if hi > MAX_AGENTS:
            raise ValueError(f"more than {MAX_AGENTS:,} agents needed for a load of {lam / mu:,.0f} Erlangs")
    lo = 0  # erlang_a_service_level(.., 0, ..) = 0 < target
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if erlang_a_service_level(lam, mu, theta, mid, t) >= target:
            hi = mid
        else:
            lo = mid
    return hi
