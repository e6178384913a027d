"""Exact queueing formulas for staffed channels: Erlang C (no abandonment) and Erlang A.

Used to check the simulation (tests), to sanity-check staffing (lint), and to explain results.
Notation: arrival rate ``lam`` and service rate ``mu`` per minute, N agents, offered load
A = lam/mu Erlangs, exponential patience with rate ``theta`` (mean patience 1/theta).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


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
