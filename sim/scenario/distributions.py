"""Probability distributions a trainer can write in a scenario, and fast samplers for them.

In TOML a distribution is a tagged table, e.g. ``handle_min = { dist = "lognormal", mean = 6, sd = 3 }``.
Every spec is parameterised by what a practitioner knows (a mean and a spread, in the unit of
the key), not by the textbook parameters.

A ``Sampler`` draws its variates from one named stream in numpy blocks and hands them out one
at a time: per-customer work stays a list index, and the sequence of values does not depend on
how the simulation is chunked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from typing import Annotated, Literal, Self

import numpy as np
from pydantic import BaseModel, Field, field_validator, model_validator

from sim.scenario.bounds import FORMAT_CONFIG, check_magnitude

BLOCK = 512


class _Dist(BaseModel):
    model_config = FORMAT_CONFIG
    _bounded = field_validator("*")(check_magnitude)

    @model_validator(mode="after")
    def _finite_draws(self) -> Self:
        """Refuse parameters whose draws are not finite numbers (a lognormal with sd 1e300 times its mean)."""
        try:
            with np.errstate(all="ignore"):
                sample = self.draw(np.random.default_rng(0), 64)
            finite = bool(np.all(np.isfinite(sample))) and math.isfinite(self.mean_value())
        except (ArithmeticError, ValueError):
            finite = False
        if not finite:
            raise ValueError("these parameters give values too large to draw; use numbers of the size the key means")
        return self

    def mean_value(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError


class Constant(_Dist):
    """Always the same value."""

    dist: Literal["constant"] = "constant"
    value: float = Field(ge=0, description="The value every draw returns.")

    def mean_value(self) -> float:
        return self.value

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)


class Exponential(_Dist):
    """Memoryless times: the classic call-centre assumption (Erlang C and A)."""

    dist: Literal["exponential"] = "exponential"
    mean: float = Field(gt=0, description="Mean value.")

    def mean_value(self) -> float:
        return self.mean

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        return gen.exponential(self.mean, n)


class Normal(_Dist):
    """Bell curve truncated at 0 (negative draws are redrawn), for times that cannot be negative."""

    dist: Literal["normal"] = "normal"
    mean: float = Field(gt=0, description="Mean before truncation.")
    sd: float = Field(ge=0, description="Standard deviation before truncation.")

    def mean_value(self) -> float:
        return self.mean

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        out = gen.normal(self.mean, self.sd, n)
        bad = out < 0
        while bad.any():
            out[bad] = gen.normal(self.mean, self.sd, int(bad.sum()))
            bad = out < 0
        return out


class Lognormal(_Dist):
    """Right-skewed times; call-centre handle times are close to lognormal (Brown et al. 2005)."""

    dist: Literal["lognormal"] = "lognormal"
    mean: float = Field(gt=0, description="Mean of the values (not of their logarithm).")
    sd: float = Field(gt=0, description="Standard deviation of the values.")

    def mean_value(self) -> float:
        return self.mean

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return gen.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), n)


class Gamma(_Dist):
    """Skewed positive values with a tunable shape, by mean and standard deviation."""

    dist: Literal["gamma"] = "gamma"
    mean: float = Field(gt=0, description="Mean value.")
    sd: float = Field(gt=0, description="Standard deviation.")

    def mean_value(self) -> float:
        return self.mean

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        return gen.gamma((self.mean / self.sd) ** 2, self.sd**2 / self.mean, n)


class Uniform(_Dist):
    """Any value between low and high, equally likely."""

    dist: Literal["uniform"] = "uniform"
    low: float = Field(ge=0, description="Smallest value.")
    high: float = Field(ge=0, description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be at least low ({self.low})")
        return self

    def mean_value(self) -> float:
        return (self.low + self.high) / 2

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        return gen.uniform(self.low, self.high, n)


class Triangular(_Dist):
    """A quick expert estimate: shortest, most likely and longest value."""

    dist: Literal["triangular"] = "triangular"
    low: float = Field(ge=0, description="Smallest value.")
    mode: float = Field(ge=0, description="Most likely value.")
    high: float = Field(ge=0, description="Largest value.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(f"need low <= mode <= high and low < high (got {self.low}, {self.mode}, {self.high})")
        return self

    def mean_value(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        return gen.triangular(self.low, self.mode, self.high, n)


class Empirical(_Dist):
    """Observed values, drawn with the given weights (equal weights if none)."""

    dist: Literal["empirical"] = "empirical"
    values: list[Annotated[float, Field(ge=0)]] = Field(min_length=1, description="Observed values.")
    weights: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None, description="Relative weight of each value (same length as values)."
    )

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(f"weights has {len(self.weights)} entries but values has {len(self.values)}")
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be 0")
        return self

    def _p(self) -> np.ndarray | None:
        if self.weights is None:
            return None
        w: np.ndarray = np.asarray(self.weights, dtype=float)
        p: np.ndarray = w / w.sum()
        return p

    def mean_value(self) -> float:
        p = self._p()
        v = np.asarray(self.values, dtype=float)
        return float(v.mean() if p is None else (v * p).sum())

    def draw(self, gen: np.random.Generator, n: int) -> np.ndarray:
        return gen.choice(np.asarray(self.values, dtype=float), size=n, p=self._p())


Distribution = Annotated[
    Constant | Exponential | Normal | Lognormal | Gamma | Uniform | Triangular | Empirical,
    Field(discriminator="dist"),
]


class Sampler(partial[float]):
    """Hands out variates one at a time from blocks pre-drawn with numpy: ``draw()`` is the next one.

    A block of ``BLOCK`` variates is drawn when the first of them is wanted, never earlier, so
    samplers that share a stream draw from it in the same order however they are implemented.

    NOTE: a draw is a C-level call (``next`` on a chain of the blocks, as a ``functools.partial``),
    not a Python method: ~2.5x cheaper, and a run makes a few draws per customer step.
    """

    __slots__ = ()

    def __new__(cls, draw: Callable[[int], np.ndarray]) -> Self:
        return super().__new__(cls, next, chain.from_iterable(_blocks(draw)))


def _blocks(draw: Callable[[int], np.ndarray]) -> Iterator[list[float]]:
    """Blocks of variates from ``draw``, each drawn only when the one before is used up."""
    while True:
        yield draw(BLOCK).tolist()


def sampler(spec: _Dist, gen: np.random.Generator) -> Sampler:
    """A sampler of ``spec`` drawing from ``gen``."""
    return Sampler(lambda n: spec.draw(gen, n))


def uniform_sampler(gen: np.random.Generator) -> Sampler:
    """A sampler of U(0, 1), for yes/no and routing choices."""
    return Sampler(gen.random)
