"""Find the line of a key path in TOML source, so errors point at file *and* line.

``tomllib`` returns plain data without positions, so this reads the source once more and
records the line where each table header and each key appears. A path that is not in the file
(a missing key, an element of an inline array) resolves to its nearest enclosing key.
"""

from __future__ import annotations

import re

_PART = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*')
_KEY_LINE = re.compile(
    r'^\s*((?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+))*)\s*='
)
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")

Path = tuple[str | int, ...]


def split_dotted(text: str) -> tuple[str, ...]:
    """Split a dotted TOML key ('a."b.c".d') into its parts."""
    parts: list[str] = []
    for raw in _split_outside_quotes(text):
        m = _PART.fullmatch(raw)
        if not m:
            return tuple(parts)
        token = m.group(1)
        parts.append(token[1:-1] if token[0] in "\"'" else token)
    return tuple(parts)


def _split_outside_quotes(text: str) -> list[str]:
    out, buf, quote = [], [], ""
    for ch in text:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            buf.append(ch)
        elif ch == ".":
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return out


def _scan(source: str) -> list[tuple[int, Path, Path]]:
    """Every table header and key of ``source``: (line, path of the table or key, enclosing table)."""
    out: list[tuple[int, Path, Path]] = []
    table: Path = ()
    array_counts: dict[Path, int] = {}
    in_multiline = ""
    for lineno, line in enumerate(source.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = ""
            continue
        header = _HEADER.match(line)
        if header:
            path: Path = split_dotted(header.group(2))
            if header.group(1) == "[[":
                index = array_counts.get(path, 0)
                array_counts[path] = index + 1
                out.append((lineno, path, path[:-1]))
                path = (*path, index)
            table = path
            out.append((lineno, table, table[:-1]))
            continue
        key = _KEY_LINE.match(line)
        if key:
            out.append((lineno, table + split_dotted(key.group(1)), table))
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return out


def key_at(source: str, line: int) -> tuple[Path, int | None] | None:
    """The key or table written on ``line`` and the first line that wrote the same path (for "set twice")."""
    first: dict[Path, int] = {}
    for lineno, path, table in _scan(source):
        if lineno == line:
            return path, first.get(path)
        for i in range(len(table) + 1, len(path) + 1):
            first.setdefault(path[:i], lineno)
    return None


class KeyLines:
    """Map from key paths to 1-based line numbers in one TOML document."""

    def __init__(self, source: str) -> None:
        self._lines: dict[Path, int] = {}
        for lineno, full, table in _scan(source):
            for i in range(len(table) + 1, len(full) + 1):
                self._lines.setdefault(full[:i], lineno)

    def line_of(self, path: Path) -> int | None:
        """Line of the deepest key on ``path`` that appears in the file (None for an empty path)."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None
