"""User text in CSV files: a cell a spreadsheet would read as a formula is kept as text.

A scenario's title, its currency, a trainee's name or a ``--set`` value is user text; written
as is into a CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
Excel, LibreOffice and Google Sheets run it as a formula (``=HYPERLINK(...)``, ``@cmd``) when
a trainer opens the file. The usual remedy, a leading single quote, makes the spreadsheet show
the text as written (the quote itself is not displayed).

Only text is guarded: numbers stay numbers (``-3.5`` is a number, not a formula), so callers
name their text columns, or pass text through ``csv_text`` themselves.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet reads as a formula (or as the start of one) begins."""


def csv_text(value: str) -> str:
    """One cell of user text, as a spreadsheet shows it: a leading ``'`` if it would start a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_text_fields(row: Mapping[str, Any], text: Iterable[str]) -> dict[str, Any]:
    """``row`` with its ``text`` columns guarded by ``csv_text`` (strings only); every other column as given."""
    names = set(text)
    return {k: csv_text(v) if k in names and isinstance(v, str) else v for k, v in row.items()}


def csv_line(cells: Iterable[object], text: Iterable[int] = ()) -> str:
    """One CSV line (``\\n`` ended, quoted where the CSV format needs it), the cells at positions ``text`` guarded.

    Cells are written with ``str``, so pass numbers already formatted (``repr(value)``) or as numbers.
    """
    positions = set(text)
    values = [csv_text(c) if i in positions and isinstance(c, str) else c for i, c in enumerate(cells)]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()
