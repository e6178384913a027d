"""Named random streams: every draw in the engine comes from one of these.

Each stream is a numpy ``Generator`` seeded from ``SeedSequence(seed, spawn_key=(crc32(name),))``.
The key is a stable hash of the stream's *name*, never of creation order and never Python's
salted ``hash()``. So adding a touchpoint adds new streams without shifting the draws of the
existing ones, and two policies run on the same seed see the same customers (common random
numbers).
"""

from __future__ import annotations

import zlib

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
