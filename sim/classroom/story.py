"""One customer's first journey, kept from a replay, for the joint debrief: "the same runner under each
team's choices".

The sentences are ``sim.story``'s, the same the game tells live and in its debrief. Each line starts
with the sim clock, so two teams' stories of the same customer can be read side by side and the
first line that differs is where a decision changed that person's week. The lines are plain text
and are escaped by whoever puts them in HTML.
"""

from __future__ import annotations

from sim.records import CustomerArrived, Record


class CustomerRecords:
    """An observer that keeps every record of one customer (their first journey, and when they came back)."""

    def __init__(self, customer: int) -> None:
        self.customer = customer
        self.records: list[Record] = []
        self.came_back: float | None = None

    def __call__(self, record: Record) -> None:
        if getattr(record, "customer", None) != self.customer:
            return
        if isinstance(record, CustomerArrived) and record.journey > 1:
            if self.came_back is None:
                self.came_back = record.time
            return
        if self.came_back is None:
            self.records.append(record)
