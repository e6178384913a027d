"""The engine's most frequent records go straight to the metrics when nobody else listens.

With an observer they are built as records and routed to everyone; without, the metrics'
positional twin is called and no record is built. Both ways must count the same, and a record
built from the positional arguments must carry each value in its own field.
"""

from __future__ import annotations

import dataclasses

from helpers import SCENARIOS

from sim import Simulation, read_scenario
from sim.engine.hot_records import HotRecords
from sim.records import JourneyRemembered
from sim.results.metrics import Metrics
from sim.results.results import build_results


def test_results_are_the_same_with_and_without_an_observer():
    scenario = read_scenario(SCENARIOS / "hike-launch.toml").scenario
    quiet = Simulation(scenario, horizon_days=4)
    quiet.run()
    watched = Simulation(scenario, horizon_days=4)
    remembered: list[JourneyRemembered] = []
    watched.subscribe(lambda r: remembered.append(r) if isinstance(r, JourneyRemembered) else None)
    watched.run()
    assert build_results(quiet) == build_results(watched)
    assert len(remembered) > 500
    for r in remembered[:2000]:
        assert 1 <= r.csat <= 5 and 0 <= r.ltr <= 10 and 1.0 <= r.ces <= 7.0
        assert r.journey >= 1 and r.started <= r.time and 0.0 <= r.trust <= 1.0 and -1.0 <= r.memory <= 1.0
        assert r.review_stars in range(6) and r.contacted == (r.contacts > 0)
        assert 0.0 <= r.repeat_probability <= 1.0 and r.lifetime_value >= 0.0


def test_every_hot_record_has_a_positional_twin_with_its_field_names():
    """The metrics' ``on_<kind>`` takes the record's fields, in order, under the same names."""
    for kind, primitive in HotRecords.KINDS.values():
        twin = getattr(Metrics, primitive)
        params = list(twin.__code__.co_varnames[1 : twin.__code__.co_argcount])
        assert params == [f.name for f in dataclasses.fields(kind)], kind.__name__
