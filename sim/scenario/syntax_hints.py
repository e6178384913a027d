"""TOML syntax errors in a trainer's words: what went wrong on the line, and how to write it.

``tomllib`` reports *where* it stopped ("invalid value (at line 4, column 9)") but not *why* in
terms a trainer knows. The mistakes people actually make when they write a scenario by hand
are few: text without quotes (a time of day and a word in a list too), True for true, a
decimal comma, a trailing comma in an inline table or after a value, a key set twice, a table
declared twice, ``:`` instead of ``=``. Each gets a message that names the key and shows the
fix; anything else keeps the parser's own words.
"""

from __future__ import annotations

import re

from sim.scenario.toml_lines import Path, key_at, split_dotted

_DECIMAL_COMMA = re.compile(r"=\s*([-+]?\d+),(\d+)")
_INNER_DECIMAL_COMMA = re.compile(r"([A-Za-z_][\w-]*)\s*=\s*([-+]?\d+),(\d+)")  # inside { ... }
_CLOCK = re.compile(r"([A-Za-z_][\w-]*)\s*=\s*(\d{1,2}):(\d{2})(:\d{2}(?:\.\d+)?)?\s*(?=[,}\]]|$)")  # time = 12:00, or in { }
_WORD = re.compile(r"[A-Za-z_][\w-]*")
_TABLE_TWICE = re.compile(r"Cannot declare \((.*)\) twice")


def explain(source: str, line: int | None, column: int | None, parser_words: str) -> str:
    """The message for a syntax error ``parser_words`` that ``tomllib`` raised at ``line``/``column``."""
    lines = source.splitlines()
    text = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
    before = text[: (column or 1) - 1]
    key = _key_of(text)
    if parser_words == "Cannot overwrite a value" and line is not None:
        found = key_at(source, line)
        if found is not None:
            path, first = found
            where = f" (first set at line {first})" if first is not None and first != line else ""
            return f"'{_dotted(path)}' is set twice{where}; keep one of them"
    table = _TABLE_TWICE.match(parser_words)
    if table is not None and line is not None:
        found = key_at(source, line)
        name = _dotted(found[0]) if found is not None else table.group(1)
        first = found[1] if found is not None else None
        where = f" (first at line {first})" if first is not None and first != line else ""
        return f"table [{name}] is declared twice{where}; put all its keys under one header"
    code = _code(text)  # the line without its comment, strings blanked: nothing in them is taken for TOML
    at = (column or 1) - 1
    clock = _clock_at(code, at)
    if clock is not None:  # 12:00 is not a TOML value (12:00:00 is a time of day, which validation asks to quote)
        name, hours, minutes = clock.group(1, 2, 3)
        return f"a time of day is text, so it needs quotes: {name} = \"{int(hours):02d}:{minutes}\""
    if parser_words == "Invalid value" and key:
        value = text.split("=", 1)[1].strip() if "=" in text else ""
        word = value.split()[0].rstrip(",;") if value else ""
        if word.lower() in ("true", "false") and word not in ("true", "false"):
            return f"'{key}' is {word}: true and false are written in lower case, without quotes: {key} = {word.lower()}"
        if value[:1].isalpha() and value.split()[0] not in ("true", "false", "inf", "nan"):
            shown = value.split("#", 1)[0].strip()
            return f"the value of '{key}' is text, so it needs quotes: {key} = \"{shown}\""
        if value[:1].isalpha():
            return f"'{key}' has an invalid value; true and false are written in lower case, without quotes"
    if parser_words.startswith("Expected newline or end of document"):
        comma = _DECIMAL_COMMA.search(code)
        if comma is not None:
            whole, part = comma.groups()
            return f"'{key}' uses a decimal comma; write decimals with a point ({whole}.{part}, not {whole},{part})"
        stripped = code.rstrip()
        if stripped.endswith(";"):
            return "remove the ';' at the end of the line: TOML lines need no terminator"
        if code[at : at + 1] == "," and at == len(stripped) - 1:
            return "remove the ',' at the end of the line: commas only separate the items of a [ ... ] list or a { ... } table"
        if code[at : at + 1] == "," and key:
            return f"several values are written as a list, in brackets: {key} = [ ... ]"
        return f"{_lower(parser_words)}; put one key = value per line"
    inside = _WORD.match(text[(column or 1) - 1 :]) if parser_words == "Invalid value" else None
    if inside is not None:  # a word inside [ ... ] or { ... }
        bare = inside.group(0)
        if bare.lower() in ("true", "false", "inf", "nan"):
            return f"{bare}: true, false, inf and nan are written in lower case, without quotes: {bare.lower()}"
        return f"{bare} is text, so it needs quotes: \"{bare}\""
    if parser_words == "Invalid initial character for a key part" and before.rstrip().endswith(","):
        return "a comma before '}': the last entry of an inline table { ... } takes no comma"
    inner = _INNER_DECIMAL_COMMA.search(code)
    if parser_words == "Expected '=' after a key in a key/value pair" and inner is not None:
        name, whole, part = inner.groups()
        return f"'{name}' uses a decimal comma; write decimals with a point ({whole}.{part}, not {whole},{part})"
    if parser_words == "Expected '=' after a key in a key/value pair" and ":" in text:
        return f"write '{key or 'key'} = value' with '=', not ':'"
    return _lower(parser_words)


def _code(text: str) -> str:
    """``text`` up to its comment, with what is inside quotes replaced by spaces (columns stay where they were)."""
    out: list[str] = []
    quote = ""
    escaped = False
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
                out.append(ch)
                continue
            out.append(" ")
        elif ch in "\"'":
            quote = ch
            out.append(ch)
        elif ch == "#":
            break
        else:
            out.append(ch)
    return "".join(out)


def _clock_at(code: str, at: int) -> re.Match[str] | None:
    """The unquoted clock time the parser stopped at (``at``, 0-based), or the last one before it.

    A time with seconds (08:00:00) is a valid TOML value, so only one the parser stopped at counts.
    """
    found = [m for m in _CLOCK.finditer(code) if m.start(2) <= at]
    for m in reversed(found):
        if m.start(2) <= at <= m.end(3) + (len(m.group(4)) if m.group(4) else 0) or m.group(4) is None:
            return m
    return None


def _key_of(text: str) -> str:
    """The key written at the start of a ``key = value`` (or ``key: value``) line, if any."""
    head = re.split(r"[=:]", text, maxsplit=1)[0].strip()
    return ".".join(split_dotted(head)) if head and not head.startswith("[") else ""


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def _lower(words: str) -> str:
    return words[:1].lower() + words[1:]
