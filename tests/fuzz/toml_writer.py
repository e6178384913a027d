"""A small TOML writer for the fuzzer: any tree ``tomllib`` can return, written back as TOML 1.0.

Tables of tables become ``[a.b]`` sections, everything inside a list is written inline, and the
floats TOML has words for are written as ``nan``, ``inf`` and ``-inf``. Keys that are not bare
are quoted. ``tomllib.loads(dumps(tree)) == tree`` for every tree of str, int, float, bool,
datetime/date/time, list and dict (with nan compared as nan), which test_toml_writer.py holds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def dumps(tree: dict[str, Any]) -> str:
    """TOML text for a top-level table."""
    lines: list[str] = []
    _table(tree, (), lines)
    return "\n".join(lines) + "\n"


def string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def key(name: str) -> str:
    """A bare key where TOML allows one, else a quoted key."""
    return name if BARE_KEY.match(name) else string(name)


def value(v: Any) -> str:
    """One value, inline (lists and tables included)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = repr(v)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(v, str):
        return string(v)
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if hasattr(v, "toml"):  # a value that writes itself (the fuzzer's deep nesting)
        return str(v.toml())
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"TOML has no value of type {type(v).__name__}")


def _table(tree: dict[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    subtables = [(k, v) for k, v in tree.items() if isinstance(v, dict)]
    for k, v in tree.items():
        if getattr(v, "form", None) == "dotted":
            lines.append(key(k) + ".a" * v.depth + " = 1")
        elif not isinstance(v, dict):
            lines.append(f"{key(k)} = {value(v)}")
    for k, v in subtables:
        sub = (*path, k)
        lines.append("")
        lines.append("[" + ".".join(key(p) for p in sub) + "]")
        _table(v, sub, lines)
