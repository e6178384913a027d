"""Read a scenario file into a validated ``Scenario``, or explain every problem in it.

TOML file -> ``tomllib`` -> dict -> ``Scenario.model_validate`` -> ``check_scenario``. Each
failure along the way becomes a ``Problem`` with the file, line and key path and a message in a
trainer's words ("unknown key 'agnets'; did you mean 'agents'?"), never a traceback.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import shlex
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import Problem, ScenarioError
from sim.scenario.checks import KPIS_HINT, check_scenario, did_you_mean
from sim.scenario.schema import Scenario
from sim.scenario.show import clip, show
from sim.scenario.syntax_hints import explain
from sim.scenario.toml_lines import KeyLines

TAG_FIELDS = ("dist", "kind", "effect", "on")
MAX_NESTING = 16  # the format's deepest value is a table of tables of a distribution: a handful of levels


def too_deep_at(text: str, limit: int = MAX_NESTING) -> int | None:
    """The line where brackets and braces nest deeper than ``limit``, outside strings and comments; None if never.

    Checked before parsing: ``tomllib`` recurses once per level and a file of a few thousand
    ``[`` would end in a RecursionError instead of a message.
    """
    depth, line, i, n = 0, 1, 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
            end = i + len(quote)
            closed = False
            while end < n:
                if text.startswith(quote, end):
                    closed = True
                    break
                if text[end] == "\n":
                    if len(quote) == 1:
                        break  # an unterminated string: the parser says so
                    line += 1
                elif text[end] == "\\" and c == '"':
                    end += 1  # an escaped character (an escaped line end is counted below)
                    line += end < n and text[end] == "\n"
                end += 1
            i = end + len(quote) if closed else end
            continue
        elif c in "[{":
            depth += 1
            if depth > limit:
                return line
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


@dataclass(frozen=True)
class LoadedScenario:
    """A valid scenario with where it came from and the warnings it raised."""

    scenario: Scenario
    path: str
    sha256: str
    warnings: list[Problem] = field(default_factory=list)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file; raise ``ScenarioError`` listing every problem."""
    return read_scenario(path).scenario


def read_scenario(path: str | Path) -> LoadedScenario:
    """Load and validate a scenario file, keeping its hash and warnings."""
    return parse_scenario(read_file(path), str(path))


def read_file(path: str | Path, kind: str = "scenario") -> bytes:
    """The bytes of a TOML input file; a missing, unreadable or folder path is a ``ScenarioError`` naming it."""
    name = str(path)
    p = Path(path)
    try:  # exists() and is_dir() raise, too, on a name the system refuses (too long, say)
        if not p.exists():
            raise ScenarioError([Problem(name, None, "", "file not found")])
        if p.is_dir():
            raise ScenarioError([Problem(name, None, "", f"is a directory; give a .toml {kind} file")])
        return p.read_bytes()
    except OSError as err:
        raise ScenarioError([Problem(name, None, "", f"cannot read file ({err.strerror or err})")]) from err


def parse_scenario(data: bytes, name: str = "<scenario>") -> LoadedScenario:
    """Validate scenario TOML given as bytes; ``name`` is used in messages."""
    if not data.strip():
        raise ScenarioError([Problem(name, None, "", "file is empty; a scenario needs at least schema_version and title")])
    raw, text = parse_toml(data, name)
    return validate_data(raw, name, text, hashlib.sha256(data).hexdigest())


def parse_toml(data: bytes, name: str, kind: str = "scenario") -> tuple[dict[str, Any], str]:
    """TOML bytes read into data, with the text (for line numbers); every way it cannot be read is one located Problem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(
            [Problem(name, None, "", f"not a text file (it is not valid UTF-8); give a .toml {kind} file")]
        ) from err
    if "\x00" in text:
        raise ScenarioError([Problem(name, None, "", f"not a text file (it contains binary data); give a .toml {kind} file")])
    deep = too_deep_at(text)
    if deep is not None:
        message = f"arrays or inline tables nested deeper than {MAX_NESTING} levels; no scenario key needs that"
        raise ScenarioError([Problem(name, deep, "", message)])
    text = text.removeprefix("\ufeff")  # a byte-order mark, as Windows editors write: not part of the TOML
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([_syntax_problem(name, err, text)]) from err
    nested = deepest_path(raw)
    if len(nested) > MAX_NESTING:  # dotted keys (a.b.c... = 1) nest without brackets
        where = nested[: MAX_NESTING + 1]
        message = f"keys nested deeper than {MAX_NESTING} levels; no scenario key needs that"
        raise ScenarioError([Problem(name, KeyLines(text).line_of(where), shown_path(where[:3]) + "...", message)])
    return raw, text


def deepest_path(data: Any) -> tuple[str | int, ...]:
    """The key path to the most deeply nested value of parsed TOML, found without recursion."""
    deepest: tuple[str | int, ...] = ()
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > len(deepest):
            deepest = path
        if len(path) > MAX_NESTING:
            return path  # deep enough to refuse: no need to walk the rest
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend((child, (*path, key)) for key, child in items)
    return deepest


def validate_data(raw: dict[str, Any], name: str, text: str = "", sha256: str = "") -> LoadedScenario:
    """Validate scenario data already read from TOML (``text`` is the source, for line numbers)."""
    lines = KeyLines(text)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as err:
        problems = [_problem(name, lines, raw, e, text) for e in err.errors(include_url=False)]
        raise ScenarioError(_merge_typos(_dedupe(problems))) from err
    findings = check_scenario(scenario)
    kpis_hint = KPIS_HINT.replace("FILE", shlex.quote(name))  # a command to paste: the name quoted as a shell needs it
    errors = [_located(name, lines, f.path, f.message.replace(KPIS_HINT, kpis_hint)) for f in findings if not f.warning]
    if errors:
        raise ScenarioError(errors)
    warnings = [_located(name, lines, f.path, "warning: " + f.message) for f in findings if f.warning]
    return LoadedScenario(scenario, name, sha256, warnings)


def _merge_typos(problems: list[Problem]) -> list[Problem]:
    """A misspelt required key is one mistake, not two: keep the 'did you mean' line, drop 'missing'."""
    missing = {p.path for p in problems if p.message == "required key is missing"}
    merged: set[str] = set()
    out = []
    for p in problems:
        if "did you mean '" in p.message and p.message.startswith("unknown key"):
            suggestion = p.message.rsplit("did you mean '", 1)[1].split("'", 1)[0]
            parent = p.path.rsplit(".", 1)[0] if "." in p.path else ""
            full = f"{parent}.{suggestion}" if parent else suggestion
            if full in missing:
                merged.add(full)
                p = Problem(p.file, p.line, p.path, f"{p.message} ('{suggestion}' is required)")
        out.append(p)
    return [p for p in out if not (p.message == "required key is missing" and p.path in merged)]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def _syntax_problem(name: str, err: tomllib.TOMLDecodeError, text: str) -> Problem:
    # tomllib messages end with "(at line L, column C)"; keep the words, move the line up front.
    msg = str(err)
    line = getattr(err, "lineno", None)
    column = getattr(err, "colno", None)
    if line is None and "(at line " in msg:
        try:
            where = msg.rsplit("(at line ", 1)[1]
            line = int(where.split(",")[0])
            column = int(where.split("column ")[1].rstrip(")"))
        except (ValueError, IndexError):
            pass
    words = msg.split(" (at line ")[0]
    return Problem(name, line, "", f"TOML syntax error: {explain(text, line, column, words)}")


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def ordinal(n: int) -> str:
    """'first' ... 'tenth', then '11th', '21st', '22nd', '23rd' ..."""
    if 1 <= n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def shown_path(path: tuple[str | int, ...]) -> str:
    """A key path for a trainer: list positions counted from one, in words ('responses (the third item)')."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            item = f"the {ordinal(step + 1)} item"
            if parts:
                parts[-1] += f" ({item})"
            else:
                parts.append(item)
        else:
            parts.append(clip(str(step), 80))  # names are at most 64
    return ".".join(parts)


def _located(name: str, lines: KeyLines, path: tuple[str | int, ...], message: str) -> Problem:
    return Problem(name, lines.line_of(path), shown_path(path), message)


def _clean_loc(loc: tuple[Any, ...], raw: Any) -> tuple[str | int, ...]:
    """Drop pydantic's union-tag and validator steps by walking the input alongside the loc."""
    out: list[str | int] = []
    node = raw
    for step in loc:
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            out.append(step)
            node = node[step]
        elif (isinstance(step, str) and (isinstance(node, dict) and _is_tag_step(step, node))) or (
            isinstance(step, str) and step.startswith(("function-", "[key]"))
        ):
            continue
        else:
            out.append(step)
            node = None
    return tuple(out)


def _is_tag_step(step: str, node: dict[str, Any]) -> bool:
    return any(node.get(tag) == step for tag in TAG_FIELDS)


def _problem(name: str, lines: KeyLines, raw: Any, e: Any, text: str = "") -> Problem:
    path = _clean_loc(tuple(e["loc"]), raw)
    kind = e["type"]
    got = e.get("input")
    ctx = e.get("ctx") or {}
    if kind == "extra_forbidden":
        key = clip(str(path[-1])) if path else "?"
        allowed = allowed_keys(path[:-1], raw)
        message = f"unknown key '{key}'{did_you_mean(key, allowed)}"
    elif kind == "missing":
        message = "required key is missing"
    elif kind == "union_tag_invalid":
        tag = ctx.get("discriminator", "").strip("'")
        expected = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",")]
        found = clip(str(ctx.get("tag")))
        message = f"unknown {tag} '{found}'{did_you_mean(found, expected)}"
        path = (*path, tag)
    elif kind == "union_tag_not_found":
        tag = str(ctx.get("discriminator", "")).strip("'")
        message = f"needs a '{tag}' key saying which kind it is"
    elif kind == "string_type" and isinstance(got, datetime.time):  # time = 12:00:00, a TOML time of day
        message = f'a time of day is text, in hours and minutes, so it needs quotes: "{got.strftime("%H:%M")}"'
    elif kind in ("too_long", "too_short") and isinstance(got, list):
        message = _length_message(path, raw, len(got), ctx, lines.line_of(path), text)
    elif kind == "literal_error":
        expected = [t.strip().strip("'") for t in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        found = clip(str(got))
        message = f"'{found}' is not allowed{did_you_mean(found, expected)}"
    else:
        msg = str(e["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        msg = msg.replace("Input should be", "must be").replace("Dictionary", "a table").replace("dictionary", "table")
        msg = msg[:1].lower() + msg[1:]
        if not isinstance(got, dict | list) and kind not in ("value_error", "assertion_error"):
            msg += f" (got {show(got)})"
        message = msg
    return _located(name, lines, path, message)


_DIGIT_COMMA_DIGIT = re.compile(r"\d,\d")


def _length_message(
    path: tuple[str | int, ...], raw: Any, actual: int, ctx: dict[str, Any], line: int | None, text: str
) -> str:  # fmt: skip
    """A list of the wrong length: how many items it needs, and a decimal comma if that explains it ('1,0')."""
    low, high = length_bounds(path, raw)
    low = ctx.get("min_length", low) if low is None else low
    high = ctx.get("max_length", high) if high is None else high
    if low is not None and low == high:
        need = low
        words = f"exactly {low}"
    elif high is not None and actual > high:
        need = high
        words = f"at most {high}"
    else:
        need = low or 0
        words = f"at least {need}"
    message = f"needs {words} item{'' if need == 1 else 's'}, not {actual}"
    lines = text.splitlines()
    source = lines[line - 1].split("#", 1)[0] if line is not None and 0 < line <= len(lines) else ""
    pairs = len(_DIGIT_COMMA_DIGIT.findall(source))  # '1,0': two numbers where one was meant, if it was a decimal comma
    merged = actual - pairs
    if pairs and (low is None or merged >= low) and (high is None or merged <= high):
        message += " (a decimal comma? in a list, 1,0 is two numbers: write 1.0)"
    return message


def length_bounds(path: tuple[str | int, ...], raw: Any) -> tuple[int | None, int | None]:
    """The (min_length, max_length) the schema sets for the list at ``path`` (None where it sets none)."""
    if not path or not isinstance(path[-1], str):
        return None, None
    tp: Any = Scenario
    node = raw
    for step in path[:-1]:
        tp = _resolve(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(str(step))
            if info is None:
                return None, None
            tp = info.annotation
        elif typing.get_origin(tp) in (dict, list):
            tp = typing.get_args(tp)[-1]
        else:
            return None, None
        node = node.get(step) if isinstance(node, dict) else None
    tp = _resolve(tp, node)
    if not (isinstance(tp, type) and issubclass(tp, BaseModel)) or path[-1] not in tp.model_fields:
        return None, None
    low = high = None
    for rule in tp.model_fields[str(path[-1])].metadata:
        low = getattr(rule, "min_length", low)
        high = getattr(rule, "max_length", high)
    return low, high


def allowed_keys(path: tuple[str | int, ...], raw: Any) -> list[str]:
    """Keys the schema accepts in the table at ``path`` (empty if it is not a fixed table)."""
    tp: Any = Scenario
    node = raw
    for step in path:
        tp = _resolve(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(str(step))
            if info is None:
                return []
            tp = info.annotation
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        else:
            return []
        node = (
            node.get(step)
            if isinstance(node, dict)
            else (node[step] if isinstance(node, list) and isinstance(step, int) and step < len(node) else None)
        )
    tp = _resolve(tp, node)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _resolve(tp: Any, node: Any) -> Any:
    """Unwrap Annotated/Optional and pick the member of a tagged union that ``node`` names."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [m for m in typing.get_args(tp) if m is not type(None)]
            chosen = members[0] if len(members) == 1 else None
            for m in members:
                if isinstance(m, type) and issubclass(m, BaseModel) and isinstance(node, dict):
                    for tag in TAG_FIELDS:
                        info = m.model_fields.get(tag)
                        if info is not None and node.get(tag) in typing.get_args(info.annotation):
                            chosen = m
            if chosen is None:
                return tp
            tp = chosen
        else:
            return tp
