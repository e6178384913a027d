"""docs/model.md's table of defaults and the parameters in sim agree, and derived defaults hold to their sources.

Every field of ``CustomerModel`` (recursively, by dotted key as in ``[customer_model]``) has one row in
the table of section 10 with the same default, a source and a grade; every row names a real
parameter. Defaults are written in the table as TOML values, so a row reads as a scenario would.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import ROOT
from pydantic import BaseModel

from sim.scenario.customer_model import CustomerModel

DOC = ROOT / "docs" / "model.md"
HEADING = "## 10. Every default, its source and grade"
GRADE = re.compile(r"^[ABCDX](\s*/\s*[ABCDX])*\b")  # the grade column starts with a grade: "B", "C / X", "A / B ..."


def parameters(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, default as plain data) for every leaf of the customer model's tables.

    A table of the customer model (a class of its module) is walked into; anything else, a
    distribution included, is a leaf compared as plain data.
    """
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, BaseModel) and type(value).__module__ == CustomerModel.__module__:
            yield from parameters(value, f"{key}.")
        else:
            yield key, value.model_dump() if isinstance(value, BaseModel) else value


def table_rows() -> dict[str, tuple[str, str, str]]:
    """Rows of the defaults table: key -> (default cell, source, grade); duplicate keys fail."""
    text = DOC.read_text()
    assert HEADING in text, f"docs/model.md has no section {HEADING!r}"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str, str]] = {}
    lines = [line for line in section.splitlines() if line.startswith("|")]
    assert lines[0].lower().replace(" ", "") == "|parameter|default|source|grade|"
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == 4, line
        key, default, source, grade = cells
        key = key.strip("`")
        assert key not in rows, f"{key} appears twice"
        rows[key] = (default, source, grade)
    return rows


def parse_default(cell: str) -> Any:
    assert cell.startswith("`") and cell.endswith("`"), f"write the default as `toml`: {cell}"
    return tomllib.loads(f"v = {cell.strip('`')}")["v"]


def same(documented: Any, actual: Any) -> bool:
    if isinstance(actual, bool) or isinstance(documented, bool):
        return documented is actual
    if isinstance(actual, (int, float)) and isinstance(documented, (int, float)):
        return math.isclose(documented, actual, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(actual, dict) and isinstance(documented, dict):
        return documented.keys() == actual.keys() and all(same(documented[k], actual[k]) for k in actual)
    if isinstance(actual, list) and isinstance(documented, list):
        return len(documented) == len(actual) and all(same(d, a) for d, a in zip(documented, actual, strict=True))
    return bool(documented == actual)


DEFAULTS = dict(parameters(CustomerModel()))
ROWS = table_rows()


def test_the_walk_reaches_every_table():
    assert len(DEFAULTS) > 60
    assert {key.split(".")[0] for key in DEFAULTS if "." in key} == {"moments", "recovery", "memory", "loyalty", "word_of_mouth"}


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_parameter_is_in_the_table_with_its_default(key):
    assert key in ROWS, f"docs/model.md section 10 has no row for `{key}` (default {DEFAULTS[key]!r})"
    default, source, grade = ROWS[key]
    assert same(parse_default(default), DEFAULTS[key]), f"{key}: docs say {default}, sim has {DEFAULTS[key]!r}"
    assert len(source) > 10, f"{key}: say where the default comes from, or why it is a modelling choice"
    assert GRADE.match(grade), f"{key}: grade {grade!r} is not one of A, B, C, D, X"


def test_every_row_names_a_real_parameter():
    unknown = sorted(set(ROWS) - set(DEFAULTS))
    assert not unknown, f"rows of docs/model.md section 10 name no parameter of sim: {unknown}"


def test_modelling_choices_give_a_reason():
    """An X row says why (and usually a sensible range), not just 'ours'."""
    for key, (_, source, grade) in ROWS.items():
        if grade.startswith("X"):
            assert len(source.split()) >= 4, f"{key}: an X default needs its reason"


# Derived defaults: recompute them from the sources' numbers (docs/model.md section 4).
P = CustomerModel()
PROMOTERS, PASSIVES, DETRACTORS = 0.45, 0.39, 0.16  # the reference NPS mix of ltr_baseline


def test_the_reference_mix_is_the_ltr_baseline():
    base = P.loyalty.ltr_baseline
    assert (sum(base[9:]), sum(base[7:9]), sum(base[:7])) == pytest.approx((PROMOTERS, PASSIVES, DETRACTORS))


def test_thirty_percent_of_customers_refer_and_promoters_make_most_referrals():
    """Kumar, Petersen & Leone 2007: 30 % actually referred; Reichheld: promoters about 80 % of referrals."""
    w = P.word_of_mouth
    by_group = (PROMOTERS * w.refer_promoter, PASSIVES * w.refer_passive, DETRACTORS * w.refer_detractor)
    share = sum(by_group)
    assert share == pytest.approx(0.30, abs=0.01)
    assert by_group[0] / share == pytest.approx(0.80, abs=0.02)
    assert w.refer_passive < w.refer_promoter / 2 and w.refer_detractor < w.refer_passive


def test_positive_word_of_mouth_outnumbers_negative_three_to_one():
    """East, Hammond & Wright 2007: PWOM:NWOM about 3:1; Reichheld: detractors about 80 % of NWOM."""
    w = P.word_of_mouth
    referrals = PROMOTERS * w.refer_promoter + PASSIVES * w.refer_passive + DETRACTORS * w.refer_detractor
    negative = PASSIVES * w.nwom_passive + DETRACTORS * w.nwom_detractor
    assert referrals / negative == pytest.approx(3.0, abs=0.15)
    assert DETRACTORS * w.nwom_detractor / negative == pytest.approx(0.80, abs=0.02)


def test_needless_notices_match_ascarza():
    """Ascarza et al. 2016: churn 6.4 % -> 10.0 %, an odds ratio of 1.62."""
    odds_ratio = (0.100 / 0.900) / (0.064 / 0.936)
    assert P.recovery.needless_churn_factor == pytest.approx(odds_ratio, abs=0.05)


def test_the_discount_rate_is_ten_percent_a_year():
    from sim.behaviour.loyalty import cycle_discount_rate

    cycle = P.loyalty.repeat_after_days.mean_value()
    per_cycle = cycle_discount_rate(P.loyalty.annual_discount_rate, cycle)
    assert P.loyalty.annual_discount_rate == pytest.approx(0.10)
    assert (1 + per_cycle) ** (365 / cycle) == pytest.approx(1.10)
    assert per_cycle < 0.01  # about 0.8 % per 30-day cycle, not 10 %
