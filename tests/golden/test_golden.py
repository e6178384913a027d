"""Today's code writes, byte for byte, the outputs kept in tests/golden/outputs (see cases.py)."""

from __future__ import annotations

import json

import pytest

from golden.cases import Case, all_cases, expected, produce


def first_difference(old: object, new: object, path: str = "") -> str:
    """The first key path at which two JSON documents differ, for a readable failure."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            if key not in old or key not in new:
                return f"{path}.{key}: only in {'the new' if key in new else 'the golden'} output"
            found = first_difference(old[key], new[key], f"{path}.{key}")
            if found:
                return found
        return ""
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return f"{path}: {len(old)} items, now {len(new)}"
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return ""
    return "" if old == new else f"{path}: {old!r} -> {new!r}"


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_output_is_byte_identical_to_the_golden_file(case: Case):
    old, new = expected(case), produce(case)
    if old == new:
        return
    try:
        where = first_difference(json.loads(old), json.loads(new)) or "the same values, other bytes (key order or format)"
    except json.JSONDecodeError:
        lines = [(a, b) for a, b in zip(old.decode().splitlines(), new.decode().splitlines(), strict=False) if a != b]
        where = f"first differing line: {lines[0] if lines else 'length differs'}"
    pytest.fail(f"{case.name} ({' '.join(case.args)}) differs from its golden output at {where}")
