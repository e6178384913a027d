"""The engine evaluates the customer model's most frequent formulas inlined: they must give what the formulas give.

``Outcomes.settle`` (once per journey) and ``ContactTerms.wait_affect`` (once per contact) read
the scenario's constants once and evaluate the formulas of ``sim.behaviour`` written out.

The oracle below settles a journey the way the documented pure functions of ``sim.behaviour``
read (``remembered``, ``updated_attitude``, ``repeat_probability``, ``survey_latent``, ``answer``,
``ces``, ``lifetime_value``...), one call each; the engine's fused version must produce the same
``JourneyRemembered`` fields, the same review and the same customer state, bit for bit, on many
customers and dice.
"""

from __future__ import annotations

from typing import Any

from helpers import SCENARIOS
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import Simulation, read_scenario
from sim.behaviour.experience import ces, remembered, updated_attitude, wait_moment
from sim.behaviour.loyalty import (
    after_needless_notices,
    answer,
    lifetime_value,
    normal_quantile,
    nps_group,
    repeat_probability,
    review_probability,
    review_stars,
    survey_latent,
)
from sim.engine.entities import Customer, Hit
from sim.engine.outcomes import DICE, Dice, Outcomes
from sim.engine.touchpoints.staffed import ContactTerms
from sim.records import ReviewPosted
from sim.rng import PER_JOURNEY, poisson_quantile


def _outcomes(scenario_file: str, tweak: dict[str, float] | None = None) -> tuple[Outcomes, list[tuple[Any, ...]], list[Any]]:
    """A fresh run's ``Outcomes``, with the remembered fields and the emitted records captured.

    ``tweak`` changes memory and loyalty settings (``memory.first_weight``...): the scenarios'
    defaults leave some terms at 0, where a change in the order of operations could not show.
    """
    scenario = read_scenario(SCENARIOS / scenario_file).scenario
    if tweak:
        model = scenario.customer_model
        tables = {"memory": model.memory, "loyalty": model.loyalty}
        for key, value in tweak.items():
            table, name = key.split(".")
            tables[table] = tables[table].model_copy(update={name: value})
        scenario = scenario.model_copy(update={"customer_model": model.model_copy(update=tables)})
    sim = Simulation(scenario, horizon_days=30)
    ctx = sim._ctx
    remembered_args: list[tuple[Any, ...]] = []
    emitted: list[Any] = []
    ctx.hot.remembered = lambda *args: remembered_args.append(args)
    ctx.emit = emitted.append
    return ctx.outcomes, remembered_args, emitted  # type: ignore[return-value]


def oracle(o: Outcomes, customer: Customer, dice: Dice) -> tuple[tuple[Any, ...], int]:
    """The JourneyRemembered fields and the stars of one settled journey, one documented function at a time."""
    z_experience, z_survey, z_csat, u_review, u_refer, u_nwom, u_repeat = dice
    m = o.model
    mem, lo, w = m.memory, m.loyalty, m.word_of_mouth
    ref_a, ref_t = m.moments.met_expectations, mem.trust_reference
    memory = remembered(customer.moments, mem) if customer.moments else ref_a
    attitude = updated_attitude(customer.attitude, memory, customer.journeys, mem)
    customer.attitude = attitude
    trust, effort = customer.trust, customer.effort
    p_repeat = repeat_probability(attitude, trust, effort, memory, ref_a, ref_t, lo)
    if customer.needless:
        p_repeat = after_needless_notices(p_repeat, m.recovery.needless_churn_factor, customer.needless)
        customer.needless = 0
    key = customer.id, customer.journeys
    latent = survey_latent(attitude, trust, memory, effort, ref_a, ref_t, lo)
    latent += o._shared_sd * z_experience
    own = o._answer_sd
    ltr = answer(o._ltr_cuts, latent + own * z_survey)
    csat = 1 + answer(o._csat_cuts, latent + own * z_csat)
    stars = 0
    if u_review < review_probability(ltr, lo):
        stars = review_stars(answer(o._ltr_cuts, latent + own * normal_quantile(o._stars_draw(*key))))
    thanked = bool(stars) and o.thanks_reviewers
    if thanked:
        customer.attitude = min(1.0, customer.attitude + lo.thanks_attitude_gain)
    group = nps_group(ltr)
    referrals = 0
    if u_refer < o._refer_p[group]:
        told = 1 + poisson_quantile(o._told_draw(*key), w.extra_people_told_mean)
        referrals = sum(o._convert_draw(customer.id, key[1] * PER_JOURNEY + i) < w.referral_conversion for i in range(told))
    nwom = u_nwom < o._nwom_p[group]
    returns = u_repeat < p_repeat
    customer.journeys += 1
    hits = customer.hits
    fields = (
        0.0, customer.id, customer.segment, customer.journeys, customer.arrived, bool(hits), customer.contacts > 0,
        customer.contacts, customer.switches, bool(hits) and all(h.recovered for h in hits.values()),
        bool(hits) and any(h.proactive for h in hits.values()), thanked, memory, attitude, trust, effort,
        ces(effort, lo.ces_per_effort), csat, ltr, p_repeat, returns, stars, referrals, nwom,
        lifetime_value(o._order_margin[customer.segment], p_repeat, o._cycle_discount),
    )  # fmt: skip
    return fields, stars


finite = st.floats(-1.0, 1.0, allow_nan=False)
journey_state = st.fixed_dictionaries(
    {
        "cid": st.integers(1, 2**40),
        "moments": st.lists(finite, max_size=6),
        "attitude": finite,
        "trust": st.floats(0.0, 1.0),
        "effort": st.integers(0, 9),
        "journeys": st.integers(0, 30),
        "needless": st.integers(0, 3),
        "contacts": st.integers(0, 4),
        "hits": st.lists(st.tuples(st.booleans(), st.booleans()), max_size=2),
        "normals": st.tuples(*[st.floats(-7.0, 7.0)] * 3),
        "uniforms": st.tuples(*[st.floats(0.0, 1.0, exclude_max=True)] * 4),
        "thanks": st.booleans(),
        "aim": st.one_of(st.none(), st.integers(0, 20)),  # put the answers on a cut point
    }
)


def _customer(o: Outcomes, state: dict[str, Any]) -> Customer:
    segment = next(iter(o._order_margin))
    c = Customer(state["cid"], segment, 0.0, 1.0, state["attitude"], state["trust"])
    c.moments = list(state["moments"])
    c.effort, c.journeys, c.needless, c.contacts = state["effort"], state["journeys"], state["needless"], state["contacts"]
    for i, (recovered, proactive) in enumerate(state["hits"]):
        c.hits[i] = Hit(None, 0, 0.5, 0.5, 0.7, 0.0, 0, recovered=recovered, proactive=proactive)  # type: ignore[arg-type,index]
    return c


def _latent(o: Outcomes, c: Customer, z_experience: float) -> float:
    """The oracle's latent evaluation of a customer's journey (before the answers' own noise)."""
    m = o.model
    mem, ref_a = m.memory, m.moments.met_expectations
    memory = remembered(c.moments, mem) if c.moments else ref_a
    attitude = updated_attitude(c.attitude, memory, c.journeys, mem)
    latent = survey_latent(attitude, c.trust, memory, c.effort, ref_a, mem.trust_reference, m.loyalty)
    return latent + o._shared_sd * z_experience


def _aimed(o: Outcomes, latent: float, cuts: list[float], pick: int) -> float:
    """An answer noise that puts latent + noise on one of the cut points (to within rounding): there a
    difference of one unit in the last place of the latent changes the answer."""
    finite = [c for c in cuts if abs(c) != float("inf")]
    return (finite[pick % len(finite)] - latent) / o._answer_sd


def _state(c: Customer) -> tuple[Any, ...]:
    return c.attitude, c.needless, c.journeys, c.settled


tweaks = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "memory.first_weight": st.floats(0.01, 0.4),
            "memory.peak_end_weight": st.floats(0.1, 0.6),
            "memory.attitude_rate": st.floats(0.05, 1.0),
            "memory.tenure_half": st.floats(0.5, 10.0),
            "memory.loss_aversion": st.floats(1.0, 4.0),
            "loyalty.beta_effort": st.floats(-1.0, 0.0),
            "loyalty.nps_effort": st.floats(-1.0, 0.0),
            "loyalty.ces_per_effort": st.floats(0.0, 3.0),
        }
    ),
)


@settings(max_examples=500, deadline=None)
@given(
    states=st.lists(journey_state, min_size=1, max_size=5),
    batched=st.booleans(),
    scenario_file=st.sampled_from(["hike-launch.toml", "tutorial.toml"]),
    tweak=tweaks,
)
def test_settle_gives_what_the_documented_formulas_give(states, batched, scenario_file, tweak):
    """Journeys settled one by one (``settle``) or as one batch: each gets what the formulas give it."""
    o, remembered_args, emitted = _outcomes(scenario_file, tweak)
    o.thanks_reviewers = states[0]["thanks"]
    engine, all_dice = [], []
    for i, state in enumerate(states):
        state["cid"] += i  # a batch holds different customers
        z_experience, z_survey, z_csat = state["normals"]
        if state["aim"] is not None:
            latent = _latent(o, _customer(o, state), z_experience)
            z_survey = _aimed(o, latent, o._ltr_cuts, state["aim"])
            z_csat = _aimed(o, latent, o._csat_cuts, state["aim"])
        all_dice.append((z_experience, z_survey, z_csat, *state["uniforms"]))
        engine.append(_customer(o, state))
    if batched:
        o._settle_all(engine, all_dice)  # type: ignore[arg-type]
    else:
        for customer, dice in zip(engine, all_dice, strict=True):
            o.settle(customer, dice)  # type: ignore[arg-type]
    expected = [_customer(o, state) for state in states]
    oracle_fields, oracle_stars = [], []
    for customer, dice in zip(expected, all_dice, strict=True):
        fields, stars = oracle(o, customer, dice)  # type: ignore[arg-type]
        oracle_fields.append(fields)
        oracle_stars += [stars] if stars else []
    assert remembered_args == oracle_fields
    assert [r.stars for r in emitted if isinstance(r, ReviewPosted)] == oracle_stars
    assert [_state(c)[:3] for c in engine] == [_state(c)[:3] for c in expected] and all(c.settled for c in engine)


def test_batched_dice_equal_one_by_one_dice_at_every_batch_size():
    """Small batches are drawn in plain Python, large ones with numpy: the same dice either way."""
    o, _, _ = _outcomes("hike-launch.toml")
    for n in (0, 1, 2, 3, 4, 5, 21, 22, 40):
        due = [Customer(1000 + 37 * i, "x", 0.0, 1.0, 0.0, 0.7) for i in range(n)]
        for i, c in enumerate(due):
            c.journeys = i % 5
        columns = o._batch_dice(due)
        assert len(columns) == len(DICE)
        assert [tuple(row) for row in zip(*columns, strict=True)] == [o._dice_of(c) for c in due]


@settings(max_examples=300, deadline=None)
@given(
    wait=st.one_of(st.just(0.0), st.floats(0.0, 600.0)),
    callback=st.booleans(),
    scenario_file=st.sampled_from(["hike-launch.toml", "tutorial.toml"]),
)
def test_a_contacts_wait_moment_is_wait_moment(wait, callback, scenario_file):
    scenario = read_scenario(SCENARIOS / scenario_file).scenario
    m = scenario.customer_model.moments
    for spec in scenario.staffed().values():
        terms = ContactTerms(spec, m)
        scale = m.wait_scale_min.get(spec.channel, m.default_wait_scale_min)
        assert terms.wait_affect(wait, callback) == wait_moment(wait, scale, m, m.callback_wait_factor if callback else 1.0)


def test_dice_drawn_ahead_for_the_waiting_journeys_are_each_journeys_own():
    """A tick draws the dice of every journey waiting for its survey at once; each journey settles with its own."""
    scenario = read_scenario(SCENARIOS / "hike-launch.toml").scenario
    sim = Simulation(scenario, policy="reactive", seed=7, horizon_days=4)
    outcomes = sim._ctx.outcomes
    settled = outcomes._settle_all
    checked, batches = [], []

    def checking(due: list[Customer], dice: list[Dice]) -> None:
        batches.append(len(due))
        checked.extend(tuple(d) == outcomes._dice_of(c) for c, d in zip(due, dice, strict=True))
        settled(due, dice)

    outcomes._settle_all = checking  # type: ignore[method-assign]
    sim.run()
    assert len(checked) > 500 and all(checked)
    assert len(batches) > 20  # many ticks, each settling the journeys due then
