"""The fuzzer's TOML writer writes back what tomllib reads: damaged trees reach cxsim as meant."""

from __future__ import annotations

import math
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz import toml_writer
from fuzz.mutations import Deep
from fuzz.targets import BUNDLED, scenario_tree


def same(a: object, b: object) -> bool:
    """Equal, with nan equal to nan."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_scenario_round_trips(name: str):
    tree = scenario_tree(name)
    assert same(tomllib.loads(toml_writer.dumps(tree)), tree)


leaves = st.one_of(st.integers(-(2**63), 2**63 - 1), st.floats(), st.text(max_size=20), st.booleans())
trees = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4))


@settings(max_examples=60, derandomize=True, database=None)
@given(st.dictionaries(st.text(max_size=8), trees, max_size=6))
def test_any_tree_round_trips(tree: dict):
    assert same(tomllib.loads(toml_writer.dumps(tree)), tree)


def test_deep_values_are_written_as_text():
    text = toml_writer.dumps({"a": Deep(3, "list"), "b": Deep(2, "inline"), "c": Deep(4, "dotted")})
    assert text == "a = [[[]]]\nb = { a = { a = {} } }\nc.a.a.a.a = 1\n"
