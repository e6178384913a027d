"""The one tidy long table every export writes: CSV, a pandas DataFrame, Parquet.

Why: a single run, replications, a comparison and a sweep used to write three CSV shapes,
none with units. Now each writes the same columns, one number a row, so one script reads all
of them, and ``sim.api``'s ``.to_pandas()`` is the same rows as ``--csv``:

- ``set``: the sweep point (``touchpoints.phone.agents=12``; empty outside a sweep);
- ``policy``; ``versus``: what a ``difference`` is taken from (the baseline policy of a
  comparison, the point before of a sweep; else empty);
- ``statistic``: ``value`` (one run, or one replication), ``mean`` (over the replications, with
  its 95 % CI) or ``difference`` (paired on the same seeds, with its 95 % CI);
- ``replication`` (1, 2, ...) and ``seed`` of a ``value`` row;
- ``metric``: the dotted key (``money.profit``, ``channels.phone.service_level``,
  ``daily.revenue.3``, ``intervals.phone.mon.09:00.service_level``), as in the JSON;
- ``value``, ``ci_low``, ``ci_high``, ``half_width``, ``n``;
- ``unit``: ``EUR`` (the scenario's currency), ``fraction`` (0-1), ``min``, ``contacts``...
  (``sim.results.flat.metric_unit``).

A missing cell is empty in the CSV, null in Parquet and NA in pandas. Rows are produced lazily,
so an experiment's are streamed from its journal, never all in memory (except in a DataFrame).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.results.flat import flat_results, metric_unit
from sim.results.units import is_count

if TYPE_CHECKING:
    from pathlib import Path

    import pandas

COLUMNS = (
    "set", "policy", "versus", "statistic", "replication", "seed", "metric",
    "value", "ci_low", "ci_high", "half_width", "n", "unit",
)  # fmt: skip
TEXT = ("set", "policy", "versus", "statistic", "metric", "unit")
INTEGER = ("replication", "seed", "n")
NUMBER = ("value", "ci_low", "ci_high", "half_width")
Row = dict[str, Any]


class MissingExtra(SimError, ImportError):
    """An optional package an export needs (pandas, pyarrow) is not installed."""


def require(module: str, extra: str, what: str) -> Any:
    """Import an optional package, or raise ``MissingExtra`` naming the extra that installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        raise MissingExtra(
            f"{what} needs {package}, which is not installed: pip install 'cxsim[{extra}]' (or pip install {package})"
        ) from None


def set_label(point: Mapping[str, Any]) -> str:
    """'key=value, key=value': a sweep point as the ``set`` column writes it."""
    return ", ".join(f"{k}={v}" for k, v in point.items())


def _row(**cells: Any) -> Row:
    return {c: cells.get(c) for c in COLUMNS}


def _interval(iv: Mapping[str, Any]) -> dict[str, Any]:
    return {"value": iv["mean"], "ci_low": iv["ci_low"], "ci_high": iv["ci_high"], "half_width": iv["half_width"], "n": iv["n"]}


def run_rows(results: Mapping[str, Any]) -> Iterator[Row]:
    """The rows of one run's results (``cxsim.run/1``): one ``value`` row per number (a value that cannot be computed is left out)."""
    currency = results["currency"]
    for metric, value in flat_results(dict(results)).items():
        yield _row(
            policy=results["policy"], statistic="value", seed=results["seed"], metric=metric, value=value,
            unit=metric_unit(metric, currency),
        )  # fmt: skip


def replication_value_rows(replications: Iterable[Mapping[str, Any]], currency: str, point: str | None = None) -> Iterator[Row]:
    """One ``value`` row per replication x metric (``replications`` as the experiment JSON lists them)."""
    for rep in replications:
        for metric, value in rep["metrics"].items():
            yield _row(
                set=point, policy=rep["policy"], statistic="value", replication=rep["replication"], seed=rep["seed"],
                metric=metric, value=value, unit=metric_unit(metric, currency),
            )  # fmt: skip


def summary_rows(summary: Mapping[str, Mapping[str, Mapping[str, Any]]], currency: str, point: str | None = None) -> Iterator[Row]:
    """One ``mean`` row per policy x metric of an experiment's ``summary``."""
    for policy, metrics in summary.items():
        for metric, iv in metrics.items():
            yield _row(set=point, policy=policy, statistic="mean", metric=metric, unit=metric_unit(metric, currency), **_interval(iv))


def experiment_rows(data: Mapping[str, Any], replications: Callable[[], Iterable[Mapping[str, Any]]]) -> Iterator[Row]:
    """The rows of ``run --reps`` or ``compare`` (``cxsim.experiment/1``): replications, means, then paired differences.

    ``replications`` gives the replications (streamed from the journal, or the JSON's list).
    """
    currency = data["currency"]
    yield from replication_value_rows(replications(), currency)
    yield from summary_rows(data["summary"], currency)
    for c in data.get("comparisons", []):
        yield _row(
            policy=c["policy"], versus=c["baseline"], statistic="difference", metric=c["metric"],
            unit=metric_unit(c["metric"], currency), **_interval(c["difference"]),
        )  # fmt: skip


def sweep_rows(data: Mapping[str, Any], replications: Sequence[Callable[[], Iterable[Mapping[str, Any]]]]) -> Iterator[Row]:
    """The rows of a sweep, point by point: its replications, its means, its paired change from the point before."""
    currency = data["currency"]
    for entry, reps in zip(data["points"], replications, strict=True):
        point = set_label(entry["set"])
        yield from replication_value_rows(reps(), currency, point)
        yield from summary_rows(entry["summary"], currency, point)
        step = entry.get("change_from_previous")
        if step is not None:
            before = set_label(step["set"])
            for policy, metrics in step["differences"].items():
                for metric, iv in metrics.items():
                    yield _row(
                        set=point, policy=policy, versus=before, statistic="difference", metric=metric,
                        unit=metric_unit(metric, currency), **_interval(iv),
                    )  # fmt: skip


def listed(data: Mapping[str, Any]) -> Callable[[], Iterable[Mapping[str, Any]]]:
    """The replications an experiment's JSON lists, as ``experiment_rows`` takes them."""
    return lambda: data["replications"]


def document_rows(data: Mapping[str, Any]) -> Iterator[Row]:
    """The rows of any results document cxsim writes (a run, replications, a comparison, a sweep), replications listed."""
    if data.get("format") == "cxsim.run/1":
        return run_rows(data)
    if data.get("kind") == "sweep":
        return sweep_rows(data, [listed(p) for p in data["points"]])
    return experiment_rows(data, listed(data))


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The rows as CSV text, header first; the text cells a spreadsheet would run as formulas start with ``'``."""
    from sim.textsafe import csv_line

    text = [COLUMNS.index(c) for c in TEXT]
    yield csv_line(COLUMNS)
    for row in rows:
        yield csv_line([_cell(row, c) for c in COLUMNS], text=text)


def _cell(row: Row, column: str) -> Any:
    """A row's cell as the CSV writes it: empty for None; a whole count of one run as a whole number."""
    value = row[column]
    if value is None:
        return ""
    if column == "value" and row["statistic"] == "value" and is_count(row["metric"], row["unit"]) and float(value).is_integer():
        return int(value)
    return value


def to_pandas(rows: Iterable[Row]) -> pandas.DataFrame:
    """The rows as a pandas DataFrame (needs the ``pandas`` extra): text as strings, counts as Int64, numbers as floats."""
    pd = require("pandas", "pandas", "to_pandas()")
    columns: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for row in rows:
        for c in COLUMNS:
            columns[c].append(row[c])
    frame = pd.DataFrame(columns, columns=list(COLUMNS))
    dtypes = {**dict.fromkeys(TEXT, "string"), **dict.fromkeys(INTEGER, "Int64"), **dict.fromkeys(NUMBER, "float64")}
    return frame.astype(dtypes)


def write_parquet(rows: Iterable[Row], path: str | Path, *, batch: int = 50_000) -> None:
    """Write the rows to a Parquet file, atomically, ``batch`` rows at a time (needs the ``parquet`` extra: pyarrow)."""
    pa = require("pyarrow", "parquet", "Parquet output")
    pq = require("pyarrow.parquet", "parquet", "Parquet output")
    from sim.atomic import replacing

    kinds = {**dict.fromkeys(TEXT, pa.string()), **dict.fromkeys(INTEGER, pa.int64()), **dict.fromkeys(NUMBER, pa.float64())}
    schema = pa.schema([(c, kinds[c]) for c in COLUMNS])
    with replacing(path) as tmp, pq.ParquetWriter(str(tmp), schema) as writer:
        chunk: list[Row] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                chunk = []
        writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
