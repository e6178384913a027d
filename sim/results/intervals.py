"""Service level by interval: each staffed channel's contacts, by weekday and time of day.

Why: a whole-run service level averages the quiet night with the Monday-morning peak, so "80 %
over the run" can hide a Monday 09:00 at 25 %. Staffing is decided per interval, so the numbers
have to be per interval too.

``IntervalStats`` is an observer of the record stream (``IntervalStats.watch(sim, 60)`` before
the run starts). It is computed only when asked, because an observer makes the engine build
every record it otherwise skips: about +11 % on hike-launch and +35 % on contact-centre
(docs/experiments.md). It buckets every contact by the interval it was *offered* in
(when it joined the channel, ``since``) and keys the bucket by weekday and time of day (sim time
0 is Monday 00:00, see ``sim.clock``), so all the Mondays 09:00 of a run share one cell. Memory is
channels x 7 weekdays x intervals per day, never the number of customers.

Every count uses the whole-run definitions of ``sim.results.metrics`` (after the warm-up, by the
time the contact was offered), so the cells add up to the whole-run figures exactly: the
service level of a cell is answered within the channel's target / (answered + abandoned +
call-backs accepted + balked + blocked) of the contacts offered in it, as the run's is.
Occupancy and agents on duty are time averages over the cell's minutes (busy slots / staffed
slots, agents), integrated from the warm-up like the run's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sim.clock import MINUTES_PER_DAY, WEEKDAYS
from sim.records import (
    CallbackAccepted,
    ContactAbandoned,
    ContactBalked,
    ContactQueued,
    ContactServed,
    Record,
    ServiceStarted,
    StaffingChanged,
)
from sim.results.kpis import INTERVAL
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.engine.simulation import Simulation

INTERVAL_CHOICES = (15, 30, 60)  # minutes; each divides a day
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The numbers of each row that replications summarise (mean and 95 % CI), with their units.
ROW_METRICS: tuple[tuple[str, str], ...] = tuple((k.key, k.unit) for k in INTERVAL)


def clock_label(minute_of_day: int) -> str:
    """'HH:MM' of a minute after midnight (1440 is '24:00')."""
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


class _ChannelCells:
    """One channel's counters per cell, and the levels (busy slots, staffed slots, agents) being integrated."""

    __slots__ = (
        "abandoned", "agent_area", "agents", "answered", "balked", "blocked", "busy", "busy_area", "callbacks",
        "closed", "concurrency", "exposure", "in_target", "last", "offered", "slot_area", "target_min",
    )  # fmt: skip

    def __init__(self, cells: int, start: float, target_min: float, concurrency: int) -> None:
        self.target_min = target_min
        self.concurrency = concurrency
        self.offered = [0] * cells
        self.answered = [0] * cells
        self.in_target = [0] * cells
        self.abandoned = [0] * cells
        self.callbacks = [0] * cells
        self.balked = [0] * cells
        self.blocked = [0] * cells
        self.closed = [0] * cells  # tried outside opening hours: not offered
        self.busy_area = [0.0] * cells
        self.slot_area = [0.0] * cells
        self.agent_area = [0.0] * cells
        self.exposure = [0.0] * cells  # minutes of this cell inside [warm-up, now]
        self.busy = 0
        self.agents = 0
        self.last = start


class IntervalStats:
    """Observer: per staffed channel and per interval of the week, the contacts offered and how they went."""

    def __init__(self, scenario: Scenario, warmup_min: float, minutes: int = 60) -> None:
        if minutes not in INTERVAL_CHOICES:
            raise ValueError(f"interval must be one of {', '.join(map(str, INTERVAL_CHOICES))} minutes (got {minutes})")
        self.minutes = minutes
        self.warmup = warmup_min
        self.per_day = MINUTES_PER_DAY // minutes
        self.cells = 7 * self.per_day
        self.channels = {
            name: _ChannelCells(self.cells, warmup_min, spec.service_level_sec / 60.0, spec.concurrency)
            for name, spec in scenario.staffed().items()
        }
        self._handlers: dict[type, Callable[[Any], None]] = {
            ContactQueued: self._queued,
            ContactBalked: self._balked,
            ServiceStarted: self._started,
            ContactServed: self._served,
            ContactAbandoned: self._abandoned,
            CallbackAccepted: self._callback,
            StaffingChanged: self._staffing,
        }

    @classmethod
    def watch(cls, sim: Simulation, minutes: int) -> IntervalStats:
        """Start observing a run (normally before it starts): its agents and busy slots now are the levels' start."""
        stats = cls(sim.scenario, sim.warmup, minutes)
        for name, channel in sim.channels.items():
            c = stats.channels[name]
            c.agents, c.busy, c.last = channel.agents, channel.busy, max(sim.now, sim.warmup)
        sim.subscribe(stats)
        return stats

    def __call__(self, record: Record) -> None:
        handler = self._handlers.get(type(record))
        if handler is not None:
            handler(record)

    def cell(self, t: float) -> int:
        """The cell of sim minute t: weekday x interval of the day, 0 = Monday 00:00."""
        return int(t // self.minutes) % self.cells

    # --- records (the same conditions as sim.results.metrics, by offer time) -----------------------

    def _queued(self, r: ContactQueued) -> None:
        if r.time >= self.warmup:
            self.channels[r.touchpoint].offered[self.cell(r.time)] += 1

    def _balked(self, r: ContactBalked) -> None:
        if r.time < self.warmup:
            return
        c, k = self.channels[r.touchpoint], self.cell(r.time)
        if r.reason == "closed":
            c.closed[k] += 1
            return
        c.offered[k] += 1
        if r.reason == "incident":
            c.blocked[k] += 1
        else:
            c.balked[k] += 1

    def _started(self, r: ServiceStarted) -> None:
        c = self.channels[r.touchpoint]
        self._advance(c, r.time)
        c.busy += 1
        if r.since < self.warmup:
            return
        k = self.cell(r.since)
        if not r.queued:
            c.offered[k] += 1
        if not r.callback:
            c.answered[k] += 1
            if r.wait_min <= c.target_min:
                c.in_target[k] += 1

    def _served(self, r: ContactServed) -> None:
        c = self.channels[r.touchpoint]
        self._advance(c, r.time)
        c.busy -= 1

    def _abandoned(self, r: ContactAbandoned) -> None:
        if r.since >= self.warmup:
            self.channels[r.touchpoint].abandoned[self.cell(r.since)] += 1

    def _callback(self, r: CallbackAccepted) -> None:
        if r.since >= self.warmup:
            self.channels[r.touchpoint].callbacks[self.cell(r.since)] += 1

    def _staffing(self, r: StaffingChanged) -> None:
        c = self.channels[r.touchpoint]
        self._advance(c, r.time)
        c.agents = r.agents

    def _advance(self, c: _ChannelCells, t: float) -> None:
        """Integrate the channel's levels from its last change to t, split at every cell boundary."""
        last = c.last
        if t <= last:
            return
        size = self.minutes
        busy, agents = c.busy, c.agents
        slots = agents * c.concurrency
        while last < t:
            k = int(last // size)
            end = min((k + 1) * size, t)
            dt = end - last
            i = k % self.cells
            c.exposure[i] += dt
            if busy:
                c.busy_area[i] += busy * dt
            if agents:
                c.agent_area[i] += agents * dt
                c.slot_area[i] += slots * dt
            last = end
        c.last = t

    # --- results ---------------------------------------------------------------------------------

    def rows(self, name: str, now: float) -> list[dict[str, Any]]:
        """One row per interval of the week that the run covered after its warm-up, Monday 00:00 first."""
        c = self.channels[name]
        self._advance(c, max(now, self.warmup))
        out = []
        for i in range(self.cells):
            if not c.exposure[i] and not c.offered[i] and not c.closed[i]:
                continue
            start = (i % self.per_day) * self.minutes
            outcomes = c.answered[i] + c.abandoned[i] + c.callbacks[i] + c.balked[i] + c.blocked[i]
            out.append(
                {
                    "weekday": WEEKDAYS[i // self.per_day],
                    "start": clock_label(start),
                    "end": clock_label(start + self.minutes),
                    "offered": c.offered[i],
                    "answered": c.answered[i],
                    "answered_in_target": c.in_target[i],
                    "abandoned": c.abandoned[i],
                    "callbacks": c.callbacks[i],
                    "balked": c.balked[i],
                    "blocked": c.blocked[i],
                    "closed": c.closed[i],
                    "service_level": _ratio(c.in_target[i], outcomes),
                    "occupancy": _ratio(c.busy_area[i], c.slot_area[i]),
                    "agents_on_duty": _ratio(c.agent_area[i], c.exposure[i]),
                }
            )
        return out

    def to_dict(self, now: float) -> dict[str, Any]:
        """The ``intervals`` section of a run's results (``cxsim.run/1``)."""
        return {"minutes": self.minutes, "channels": {name: self.rows(name, now) for name in self.channels}}


def flat_metrics(section: dict[str, Any]) -> dict[str, float]:
    """A run's interval rows as ``intervals.<channel>.<weekday>.<HH:MM>.<metric>`` numbers (None left out).

    Replications summarise these like every other KPI (mean and 95 % CI per cell).
    """
    out: dict[str, float] = {}
    for channel, rows in section["channels"].items():
        for row in rows:
            prefix = f"intervals.{channel}.{row['weekday']}.{row['start']}."
            for metric, _unit in ROW_METRICS:
                value = row[metric]
                if value is not None:
                    out[prefix + metric] = float(value)
    return out


def summary_rows(summary: dict[str, dict[str, Any]], minutes: int) -> dict[str, list[dict[str, Any]]]:
    """Per channel, one row per cell: weekday, start, end and each metric's mean and 95 % CI (None if no replication has it).

    ``summary`` maps the flat ``intervals.`` keys of one policy to their ``Interval.to_dict()``.
    """
    cells: dict[str, dict[tuple[int, str], dict[str, Any]]] = {}
    for key, iv in summary.items():
        _, channel, weekday, start, metric = key.split(".", 4)
        cell = cells.setdefault(channel, {}).setdefault((WEEKDAYS.index(weekday), start), {})
        cell[metric] = iv
    out: dict[str, list[dict[str, Any]]] = {}
    for channel, by_cell in cells.items():
        rows = []
        for (day, start), values in sorted(by_cell.items()):
            h, m = map(int, start.split(":"))
            rows.append(
                {
                    "weekday": WEEKDAYS[day],
                    "start": start,
                    "end": clock_label(h * 60 + m + minutes),
                    **{metric: values.get(metric) for metric, _unit in ROW_METRICS},
                }
            )
        out[channel] = rows
    return out


def worst(rows: Iterable[dict[str, Any]], n: int = 5) -> list[dict[str, Any]]:
    """The n rows with the lowest service level (of rows that have one), worst first, earliest first on ties.

    A row's service level is a number (one run) or an interval dict with a ``mean`` (replications).
    """

    def level(row: dict[str, Any]) -> float | None:
        value = row.get("service_level")
        return value["mean"] if isinstance(value, dict) else value

    ranked = [(lv, k, row) for k, row in enumerate(rows) if (lv := level(row)) is not None]
    return [row for _lv, _k, row in sorted(ranked, key=lambda x: (x[0], x[1]))[:n]]


def interval_label(row: dict[str, Any]) -> str:
    """'Monday 09:00-10:00'."""
    return f"{WEEKDAY_NAMES[WEEKDAYS.index(row['weekday'])]} {row['start']}-{row['end']}"


CSV_UNITS = {"contacts": "contacts", "fraction": "fraction", "agents": "agents"}


def csv_header(replicated: bool) -> list[str]:
    """The columns of the interval CSV: units in the names (``service_level_fraction`` is 0-1)."""
    keys = [f"{metric}_{CSV_UNITS[unit]}" for metric, unit in ROW_METRICS]
    head = ["policy", "replications" if replicated else "seed", "channel", "weekday", "start_hhmm", "end_hhmm"]
    if not replicated:
        return head + keys
    return head + [f"{k}_{part}" for k in keys for part in ("mean", "ci_low", "ci_high")] + ["n_service_level"]


def csv_rows_run(policy: str, seed: int, section: dict[str, Any]) -> Iterator[list[Any]]:
    """One CSV row per channel x weekday x interval of one run."""
    for channel, rows in section["channels"].items():
        for row in rows:
            yield [
                policy, seed, channel, row["weekday"], row["start"], row["end"],
                *("" if row[m] is None else row[m] for m, _u in ROW_METRICS),
            ]  # fmt: skip


def csv_rows_replicated(policy: str, reps: int, by_channel: dict[str, list[dict[str, Any]]]) -> Iterator[list[Any]]:
    """One CSV row per channel x weekday x interval of a policy's replications: each metric's mean and 95 % CI."""
    for channel, rows in by_channel.items():
        for row in rows:
            cells: list[Any] = [policy, reps, channel, row["weekday"], row["start"], row["end"]]
            for metric, _unit in ROW_METRICS:
                iv = row[metric]
                cells += ["", "", ""] if iv is None else [iv["mean"], iv["ci_low"], iv["ci_high"]]
            sl = row["service_level"]
            cells.append(0 if sl is None else sl["n"])
            yield cells


def run_csv(results: dict[str, Any]) -> str:
    """The interval CSV of one run's results (``cxsim.run/1`` with an ``intervals`` section)."""
    from sim.textsafe import csv_line

    lines = [csv_line(csv_header(False))]
    rows = csv_rows_run(results["policy"], results["seed"], results["intervals"])
    lines += [csv_line(row, text=(0, 2)) for row in rows]  # the policy and channel are scenario text
    return "".join(lines)


def experiment_csv_lines(data: dict[str, Any]) -> Iterator[str]:
    """The interval CSV of an experiment (``cxsim.experiment/1`` with an ``intervals`` section), policy by policy."""
    from sim.textsafe import csv_line

    yield csv_line(csv_header(True))
    for policy, section in data["intervals"]["policies"].items():
        for row in csv_rows_replicated(policy, data["reps"], section["channels"]):
            yield csv_line(row, text=(0, 2))
