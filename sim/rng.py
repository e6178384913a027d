"""Named random streams: every draw in the engine comes from one of these.

Each stream is a numpy ``Generator`` seeded from ``SeedSequence(seed, spawn_key=(crc32(name),))``.
The key is a stable hash of the stream's *name*, never of creation order and never Python's
salted ``hash()``. So adding a touchpoint adds new streams without shifting the draws of the
existing ones, and two policies run on the same seed see the same customers (common random
numbers).
"""

from __future__ import annotations

import math
import zlib
from bisect import bisect_right
from functools import lru_cache

import numpy as np


def stream_key(name: str) -> int:
    """Return the stable 32-bit key of a stream name."""
    return zlib.crc32(name.encode("utf-8"))


class RandomStreams:
    """Lazily created, independent named generators derived from one seed."""

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError(f"seed must be >= 0 (got {seed})")
        self.seed = seed
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(self.seed, spawn_key=(stream_key(name),))
            gen = np.random.Generator(np.random.PCG64(seq))
            self._streams[name] = gen
        return gen

    @property
    def names(self) -> list[str]:
        """Names of the streams drawn from so far, in first-use order."""
        return list(self._streams)


def replication_seeds(base_seed: int, count: int) -> list[int]:
    """Seeds for independent replications, by numpy SeedSequence spawning (recorded in outputs)."""
    children = np.random.SeedSequence(base_seed).spawn(count)
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix64(z: int) -> int:
    """SplitMix64's finaliser: a fast, well-tested 64-bit mixing function."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class KeyedUniform:
    """Uniform draws addressed by key instead of by order: ``draw(customer, journey)``.

    A sequential stream hands its next number to whoever asks next, so when one policy makes a
    customer call and another does not, every later draw shifts. Decisions that belong to one
    customer (complain or not, the survey answer, buy again or not) are keyed by who and when
    instead, so the same customer faces the same dice under every policy: common random numbers
    at the level of the individual. Named and derived from the seed like every stream.
    """

    __slots__ = ("_base",)

    def __init__(self, seed: int, name: str) -> None:
        self._base = _mix64((seed * _GOLDEN + stream_key(name)) & _MASK)

    def __call__(self, a: int, b: int = 0) -> float:
        z = self._base ^ ((a * _GOLDEN) & _MASK) ^ ((b * 0xD1B54A32D192ED03) & _MASK)
        # NOTE: _mix64 written out here: one Python call less on every keyed decision of a run
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return ((z ^ (z >> 31)) >> 11) * (1.0 / (1 << 53))


class KeyedUniforms:
    """Several keyed streams drawn together for a batch of keys: ``uniforms(customers, journeys)``.

    Exactly the numbers ``KeyedUniform(seed, name)(customer, journey)`` gives, one row per
    stream name, computed with numpy's wrapping 64-bit integer arithmetic on one (streams x keys)
    array instead of one Python call per draw: a dozen numpy calls per batch whatever the number
    of streams. Numpy costs about a microsecond a call however small the array, so a batch of a
    few keys is cheaper in plain Python (``draw_one``); ``tests/sim/test_batched_draws.py`` checks
    all of them agree bit for bit.
    """

    __slots__ = ("_base_list", "_bases", "names")

    def __init__(self, seed: int, names: tuple[str, ...]) -> None:
        self.names = names
        self._base_list = [KeyedUniform(seed, name)._base for name in names]
        self._bases = np.array(self._base_list, dtype=np.uint64)[:, None]  # a column: one row per stream

    def uniforms(self, a: list[int], b: list[int]) -> np.ndarray:
        """The uniform of every key (a[i], b[i]) for each stream: a float array, one row per name in order."""
        u64 = np.uint64
        # NOTE: .view reinterprets the int64 bits as uint64 (two's complement, as ``& _MASK`` does) without a copy.
        keys = np.array(a, dtype=np.int64).view(u64) * u64(_GOLDEN)
        keys ^= np.array(b, dtype=np.int64).view(u64) * u64(0xD1B54A32D192ED03)
        z = self._bases ^ keys  # (streams, keys): integer arrays wrap silently, as the Python version masks
        z ^= z >> u64(30)
        z *= u64(0xBF58476D1CE4E5B9)
        z ^= z >> u64(27)
        z *= u64(0x94D049BB133111EB)
        z ^= z >> u64(31)
        z >>= u64(11)
        return z.astype(np.float64) * (1.0 / (1 << 53))

    def draw_one(self, a: int, b: int = 0) -> list[float]:
        """Every stream's uniform of one key (a, b), in plain Python: what ``uniforms`` gives for a batch of one."""
        key = ((a * _GOLDEN) & _MASK) ^ ((b * 0xD1B54A32D192ED03) & _MASK)  # the part every stream shares
        return [(_mix64(base ^ key) >> 11) * (1.0 / (1 << 53)) for base in self._base_list]


PER_JOURNEY = 1 << 16  # keyed draws of one journey's items (people told, ...): journey * PER_JOURNEY + item


def poisson_quantile(u: float, mean: float) -> int:
    """The Poisson(mean) value at cumulative probability ``u`` (inverse CDF): a Poisson count from one keyed uniform.

    The smallest k with u < P(X <= k), the cumulative sums being ``poisson_cdf``'s; 1,000 at most
    whatever the mean.
    """
    k = bisect_right(poisson_cdf(mean), u)
    return k if k < POISSON_MAX else POISSON_MAX


POISSON_MAX = 1000


@lru_cache(maxsize=64)
def poisson_cdf(mean: float) -> tuple[float, ...]:
    """P(X <= k) of a Poisson(mean) count for k = 0..1,000, summing the pmf term by term.

    Exact and cheap for the small means it is used with (people a customer tells: about 1), and
    computed once per mean: a quantile is then one binary search instead of a loop with an exp.
    The sums never decrease, so the search finds the first k whose sum exceeds u.
    """
    p = math.exp(-mean)
    cumulative = p
    out = [cumulative]
    for k in range(1, POISSON_MAX + 1):
        p *= mean / k
        cumulative += p
        out.append(cumulative)
    return tuple(out)
