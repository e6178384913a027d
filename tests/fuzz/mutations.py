"""Hypothesis strategies that damage a valid document the ways a hand edit or a broken disk would.

Two families, for scenarios (TOML) and session files (JSON) alike:

- tree mutations, on the parsed document at a random key path: delete a key or an item, replace
  a value with a wrong type, 0, a negative, +/-1e308, nan, inf, a huge or unicode string, a name
  that does not exist, a deeply nested list or table, an empty table or list; rename a key
  (which breaks every reference to it) or add a look-alike sibling ('Agents', 'agents ',
  Cyrillic 'а'); one to three mutations per case;
- text mutations, on the file's bytes: truncate, insert random bytes, a BOM at the start, CRLF
  line ends, a byte that is not UTF-8, a line duplicated or dropped, a run of brackets.

Every case is a ``Case``: the bytes to write and a short description for the failure message.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

Path = tuple[str | int, ...]


class Case:
    """One damaged file: its bytes and what was done to it, for the failure message."""

    __slots__ = ("data", "what")

    def __init__(self, data: bytes, what: str) -> None:
        self.data = data
        self.what = what

    def __repr__(self) -> str:  # hypothesis prints this for a failing example
        return f"Case({self.what!r}, {len(self.data)} bytes: {self.data[:300]!r}...)"


LONG = 200_000
INTERESTING: list[Any] = [
    0, -1, -0.0, 1, 0.5, 1e-9, 1e-300, 5e-324, 1e9, 1e9 + 1, 1e18, 1e308, -1e308,
    float("nan"), float("inf"), float("-inf"), 2**31, 2**53 + 1, 2**63 - 1, -(2**63),
    True, False, "", " ", "x" * 10_000, "y" * LONG, "ünïcødé ß", "日本語のタイトル", "🙂" * 50, "\u202eevil", "a\u0000b",
    "line\nbreak", "[bold]markup[/bold]", "[/b]", "<img src=x>", "%s {0} {title}", "=1+1", "../../etc/passwd",
    "no_such_thing", "end", "contact", "24:00", "25:61", "-1:00", "mon",
    dt.datetime(1979, 5, 27, 7, 32), dt.date(2024, 2, 29), dt.time(23, 59),
    [], {}, [[]], [{}], [0] * 24, [1e308] * 24, [float("nan")] * 7, ["x"], {"dist": "constant"}, {"dist": "nope", "value": 1},
]  # fmt: skip
LOOKALIKE_SUFFIXES = ["_", " ", "s", "2", "\u200b"]  # a trailing space or a zero-width space look like the key itself


def paths(tree: Any, prefix: Path = ()) -> list[Path]:
    """Every key path in a tree (tables and lists), depth first, the root excluded."""
    found: list[Path] = []
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for k, v in items:
        found.append((*prefix, k))
        found.extend(paths(v, (*prefix, k)))
    return found


def _parent(tree: Any, path: Path) -> Any:
    node = tree
    for step in path[:-1]:
        node = node[step]
    return node


def scalars(json: bool = False) -> st.SearchStrategy[Any]:
    """Leaf values: the interesting ones above most of the time, else whatever hypothesis draws.

    For JSON there are no dates but there is null (and nan and inf, which Python writes as NaN and Infinity).
    """
    drawn = st.one_of(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(), st.text(max_size=40), st.booleans())
    pool = [v for v in INTERESTING if not isinstance(v, dt.date | dt.time)] + [None] if json else INTERESTING
    return st.one_of(st.sampled_from(pool), drawn)


def edge_numbers(value: float) -> st.SearchStrategy[float]:
    """Numbers near the edges of what a key takes: 0, tiny, one, the value scaled up or down, the 1e9 bound."""
    scaled = [value * f for f in (-1, 1e-6, 0.001, 0.5, 2, 10, 1000, 1e6)]
    edges = [0, 0.0, -0.0, 1e-12, 1e-6, 0.001, 0.999999, 1, 1.000001, 2, 23, 24, 25, 59, 60, 64, 65, 1440, 3660, 3661, 1e5, 1e9, -1e9]
    kept = [v for v in scaled + edges if abs(v) <= 1e10]
    whole = [int(v) for v in kept] if isinstance(value, int) else []
    return st.sampled_from(kept + whole)


@dataclass(frozen=True)
class Deep:
    """A value nested ``depth`` levels deep, which the writers render as text (no recursion here).

    ``list`` is ``[[[...]]]``, ``inline`` is ``{ a = { a = ... } }`` and ``dotted`` is the key
    ``k.a.a.a... = 1``, a table as deep with no bracket at all (TOML only; JSON has lists and objects).
    """

    depth: int
    form: str

    def toml(self) -> str:
        if self.form == "list":
            return "[" * self.depth + "]" * self.depth
        return "{ a = " * self.depth + "{}" + " }" * self.depth

    def json(self) -> str:
        if self.form == "list":
            return "[" * self.depth + "]" * self.depth
        return '{"a": ' * self.depth + "{}" + "}" * self.depth


@st.composite
def tree_mutation(draw: st.DrawFn, tree: dict[str, Any], *, json_values: bool = False) -> tuple[dict[str, Any], str]:
    """One to three mutations of a copy of ``tree``; returns the tree and what was done."""
    tree = copy.deepcopy(tree)
    names = sorted({str(p[1]) for p in paths(tree) if len(p) == 2 and isinstance(tree.get(p[0]), dict)})
    done: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        where = paths(tree)
        if not where:
            break
        path = draw(st.sampled_from(where))
        parent = _parent(tree, path)
        last = path[-1]
        label = ".".join(str(p) for p in path)
        value = parent[last]
        kinds = ["delete", "replace", "replace", "replace", "reference", "deep", "empty", "rename", "lookalike"]
        if isinstance(value, int | float) and not isinstance(value, bool):
            kinds += ["number"] * 6  # in range or just past it: where valid files reach the engine
        elif isinstance(value, bool):
            kinds += ["flip"] * 3
        elif isinstance(value, str) and names:
            kinds += ["other_name"] * 3
        kind = draw(st.sampled_from(kinds))
        if kind == "number":
            parent[last] = draw(edge_numbers(value))
            label += f" = {parent[last]!r}"
        elif kind == "flip":
            parent[last] = not value
        elif kind == "other_name":
            parent[last] = draw(st.sampled_from(names))  # a name of another kind: a touchpoint where a response goes
            label += f" = {parent[last]!r}"
        elif kind == "delete":
            del parent[last]
        elif kind == "replace":
            parent[last] = draw(scalars(json=json_values))
        elif kind == "reference":
            parent[last] = draw(st.sampled_from(["no_such_thing", "phone2", "End", "CONTACT", "x" * 65, "0bad", "a b"]))
        elif kind == "deep":
            depth = draw(st.sampled_from([3, 17, 65, 400, 2000]))
            forms = ["list", "inline"] if json_values else ["list", "inline", "dotted"]
            parent[last] = Deep(depth, draw(st.sampled_from(forms)))
            label += f" = {parent[last]}"
        elif kind == "empty":
            parent[last] = draw(st.sampled_from([{}, [], ""]))
        elif isinstance(parent, dict):
            suffix = draw(st.sampled_from(LOOKALIKE_SUFFIXES)) if kind == "lookalike" else "_renamed"
            new_key = str(last).capitalize() if kind == "lookalike" and draw(st.booleans()) else str(last) + suffix
            if kind == "lookalike" and draw(st.booleans()):
                new_key = str(last).replace("a", "\u0430", 1)  # Cyrillic a
            value = parent[last] if kind == "rename" else copy.deepcopy(parent[last])
            if kind == "rename":
                del parent[last]
            parent[new_key] = value
            label += f" -> {new_key!r}"
        else:  # rename or look-alike inside a list: duplicate the item instead
            parent.insert(int(last), copy.deepcopy(parent[last]))
        done.append(f"{kind} {label}")
    return tree, "; ".join(done)


@st.composite
def text_mutation(draw: st.DrawFn, data: bytes) -> tuple[bytes, str]:
    """One damage to a file's bytes; returns the bytes and what was done."""
    kind = draw(st.sampled_from(["truncate", "insert", "bom", "crlf", "not_utf8", "duplicate_line", "drop_line", "brackets"]))
    at = draw(st.integers(0, len(data)))
    if kind == "truncate":
        return data[:at], f"truncated at byte {at}"
    if kind == "insert":
        blob = draw(st.binary(min_size=1, max_size=16))
        return data[:at] + blob + data[at:], f"inserted {blob!r} at byte {at}"
    if kind == "bom":
        return b"\xef\xbb\xbf" + data, "a UTF-8 BOM at the start"
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n"), "CRLF line ends"
    if kind == "not_utf8":
        byte = draw(st.sampled_from([b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80"]))
        return data[:at] + byte + data[at:], f"inserted {byte!r} (not UTF-8) at byte {at}"
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "duplicate_line":
        return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]]), f"line {i + 1} duplicated"
    if kind == "drop_line":
        return b"\n".join(lines[:i] + lines[i + 1 :]), f"line {i + 1} dropped"
    n = draw(st.sampled_from([17, 65, 500, 5000]))
    opener = draw(st.sampled_from([b"[", b"{"]))
    return data[:at] + opener * n + data[at:], f"{n} x {opener!r} at byte {at}"
