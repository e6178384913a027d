"""The per-customer export (``cxsim run FILE --customers PATH.csv``): one CSV row per surveyed journey.

An observer of the record stream: each ``JourneyRemembered`` of a journey that started after
the warm-up becomes one row, written as it settles, so memory stays flat however many
customers the run brings. The rows are exactly the journeys ``experience.journeys_surveyed``
counts, so an analyst can recompute every experience KPI, or check the model's relationships
(CSAT against recommend, effort against loyalty), outside cxsim. The file is written
atomically: a temp file in the same folder, renamed when the run is over; an interrupted run
leaves no file (or the old one) under the final name. Columns and units: docs/results-format.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from sim.atomic import open_atomic
from sim.records import JourneyRemembered, Record
from sim.textsafe import csv_line

COLUMNS: tuple[str, ...] = (
    "customer",
    "segment",
    "journey",
    "started_min",
    "affected",
    "recovered",
    "reached_first",
    "contacts",
    "switches",
    "effort",
    "memory",
    "csat",
    "recommend",
    "ces",
    "stars",
    "returns",
    "repeat_probability",
)


def row(r: JourneyRemembered) -> str:
    """One journey as a CSV line: yes/no as 1/0, ``stars`` empty when the customer posted no review.

    Numbers are written in full (``repr``), so a value read back is the one the model used.
    """
    return csv_line(
        (
            r.customer, r.segment, r.journey, repr(r.started), int(r.affected), int(r.recovered), int(r.reached_first),
            r.contacts, r.switches, r.effort, repr(r.memory), r.csat, r.ltr, repr(r.ces), r.review_stars or "",
            int(r.returns), repr(r.repeat_probability),
        ),
        text=(1,),  # the segment's name is user text
    )  # fmt: skip


class CustomerExport:
    """Observer that writes one row per surveyed journey started after ``warmup_min`` to ``handle``."""

    def __init__(self, handle: TextIO, warmup_min: float) -> None:
        self.handle = handle
        self.warmup = warmup_min
        self.rows = 0
        handle.write(csv_line(COLUMNS))

    def __call__(self, record: Record) -> None:
        if type(record) is JourneyRemembered and record.started >= self.warmup:
            self.handle.write(row(record))
            self.rows += 1


@contextlib.contextmanager
def customer_export(path: str | Path, warmup_min: float) -> Iterator[CustomerExport]:
    """A ``CustomerExport`` onto ``path``: the file appears, complete, when the block ends without error."""
    with open_atomic(path) as handle:
        yield CustomerExport(handle, warmup_min)
