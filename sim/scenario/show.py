"""Values quoted in messages: a trainer's typo is shown as typed, a 10,000-character value is not.

Every message is one line on a terminal, so characters that are not printable (a line break,
U+0085, a carriage return, an escape) are shown escaped, the way Python writes them.
"""

from __future__ import annotations

from typing import Any

MAX_SHOWN = 60


def clip(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` with unprintable characters escaped; when long, its start and '...' (``limit`` characters in all)."""
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return text if text.isprintable() else "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def show(value: Any) -> str:
    """A value as a message quotes it: strings in quotes, booleans as TOML writes them, all clipped."""
    if isinstance(value, str):
        return f"'{clip(value)}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    return clip(str(value))
