"""Draws made for a whole batch of customers are the numbers the one-by-one draws give, bit for bit.

Settling surveys an hour at a time draws every journey's dice with numpy; a survey settled on its
own (``survey_delay_min = 0``) draws them one by one. Both must give the same customers the same
answers, or a run's results would depend on how its surveys were batched.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.behaviour.loyalty import NUMPY_QUANTILES_MIN, normal_quantile, normal_quantiles
from sim.rng import KeyedUniform, KeyedUniforms

NAMES = ("experience", "survey", "repeat")


@given(
    seed=st.integers(0, 2**32 - 1),
    keys=st.lists(st.tuples(st.integers(0, 2**41), st.integers(-(2**20), 2**20)), min_size=1, max_size=50),
)
def test_keyed_uniforms_equal_one_by_one_draws(seed, keys):
    batch = KeyedUniforms(seed, NAMES).uniforms([a for a, _ in keys], [b for _, b in keys]).tolist()
    for name, values in zip(NAMES, batch, strict=True):
        one = KeyedUniform(seed, name)
        assert values == [one(a, b) for a, b in keys]
    # the plain-Python draw of every stream at once (for batches too small for numpy) gives the same numbers
    singles = [KeyedUniforms(seed, NAMES).draw_one(a, b) for a, b in keys]
    assert singles == [list(column) for column in zip(*batch, strict=True)]


def test_normal_quantiles_equal_the_standard_library_in_the_centre_and_the_tails():
    u = np.random.default_rng(5).random(200_000).tolist()
    u += [0.0, 1e-300, 1e-12, 0.075, 0.0749999999, 0.5, 0.925, 0.9250000001, 1 - 1e-12, 1.0]
    assert normal_quantiles(u) == [normal_quantile(x) for x in u]
    assert normal_quantiles(np.array(u[:30]).reshape(3, 10)) == [normal_quantile(x) for x in u[:30]]  # rows in turn
    assert normal_quantiles([u[-4]]) == [normal_quantile(u[-4])] and normal_quantiles([]) == []
    for n in (NUMPY_QUANTILES_MIN - 1, NUMPY_QUANTILES_MIN):  # one by one below the threshold, numpy from it
        assert normal_quantiles(u[-n:]) == [normal_quantile(x) for x in u[-n:]]


def test_surveys_settled_one_by_one_give_the_answers_batched_surveys_give():
    """Surveys answered at once (no delay) and in hourly batches a day later: the same answers per journey."""
    from helpers import SCENARIOS

    from sim import Simulation, read_scenario
    from sim.records import JourneyRemembered

    scenario = read_scenario(SCENARIOS / "tutorial.toml").scenario
    runs = []
    for delay in (0.0, 1440.0):
        model = scenario.customer_model
        changed = scenario.model_copy(
            update={
                "customer_model": model.model_copy(
                    update={"feedback": False, "memory": model.memory.model_copy(update={"survey_delay_min": delay})}
                )
            }
        )
        sim = Simulation(changed, horizon_days=4)
        seen: dict[tuple[int, int], tuple[int, int, int, bool]] = {}

        def keep(r: object, seen: dict = seen) -> None:
            if isinstance(r, JourneyRemembered):
                seen[r.customer, r.journey] = (r.ltr, r.csat, r.review_stars, r.returns)

        sim.subscribe(keep)
        sim.run()
        runs.append(seen)
    both = runs[0].keys() & runs[1].keys()
    assert len(both) > 200
    assert {k: runs[0][k] for k in both} == {k: runs[1][k] for k in both}


def test_a_sampler_hands_out_its_blocks_in_order_drawing_each_only_when_needed():
    """Two samplers on one stream: each block is drawn when its first value is wanted, as the one-by-one loop did."""
    from sim.scenario.distributions import BLOCK, Sampler

    gen = np.random.default_rng(7)
    first, second = Sampler(gen.random), Sampler(gen.random)
    got = [first() for _ in range(BLOCK + 3)] + [second() for _ in range(2)] + [first() for _ in range(BLOCK)]
    ref = np.random.default_rng(7)
    a1, a2 = ref.random(BLOCK).tolist(), ref.random(BLOCK).tolist()
    b1 = ref.random(BLOCK).tolist()
    a3 = ref.random(BLOCK).tolist()
    assert got == a1 + a2[:3] + b1[:2] + a2[3:] + a3[:3]
    assert all(type(x) is float for x in got)
