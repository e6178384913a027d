"""A sweep's results as one document: every grid point's summary and its paired change from the point before.

Why here: ``cxsim sweep --json`` and ``sim.sweep(...).to_dict()`` must be the same document, so
both build it with ``sweep_document`` from the points' experiments (``sim.experiments.experiment``)
and the grid's neighbours (``sim.experiments.sweep``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim import __version__
from sim.experiments.experiment import EXPERIMENT_FORMAT, EXPERIMENT_FORMAT_VERSION, Experiment, replication_rows, summary_dict
from sim.experiments.sweep import Override, previous_points, step_differences, sweep_kpis
from sim.results.kpis import headline_kpis


def sweep_document(
    exps: Sequence[Experiment], points: Sequence[tuple[Override, ...]], *, reps: int, chosen: Sequence[str] | None = None,
    streams: Sequence[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A sweep's results as JSON-ready data (``cxsim.experiment/1``, ``kind: "sweep"``): one entry per grid point.

    ``exps`` are the points' experiments, in grid order, on the same seeds. Each point after the
    first of its row gets ``change_from_previous``: the paired differences from the point before
    it (``previous_points``) of the sweep's KPIs and every headline one. With ``streams`` each
    point's replications are that placeholder token (``write_json`` fills it from the journal);
    without, they are listed.
    """
    first = exps[0]
    keys = [k for k, _ in points[0]]
    shown = sweep_kpis(first.channels, keys, chosen)
    compared = list(dict.fromkeys([*(k.key for k in shown), *(k.key for k in headline_kpis(first.channels))]))
    previous = previous_points(points)
    out_points: list[dict[str, Any]] = []
    for n, (point, exp) in enumerate(zip(points, exps, strict=True)):
        token = streams[n] if streams is not None else None
        summary = summary_dict(exp)
        entry: dict[str, Any] = {
            "set": dict(point), "replications": token if token is not None else list(replication_rows(exp)), "summary": summary,
        }  # fmt: skip
        before = previous[n]
        if before is not None:
            steps = {p: step_differences(exps[before].iter_runs(p), exp.iter_runs(p), compared) for p in first.policies}
            entry["change_from_previous"] = {
                "set": dict(points[before]),
                "differences": {p: {m: iv.to_dict() for m, iv in steps[p].items()} for p in first.policies},
            }
        out_points.append(entry)
    return {
        "format": EXPERIMENT_FORMAT, "format_version": EXPERIMENT_FORMAT_VERSION, "kind": "sweep", "cxsim_version": __version__,
        "scenario": {"title": first.title, "file": first.file, "sha256": first.sha256}, "currency": first.currency,
        "policies": first.policies, "base_seed": first.base_seed, "reps": reps, "confidence": 0.95, "horizon_days": first.days,
        "keys": keys, "kpis": list(chosen) if chosen is not None else None, "points": out_points,
    }  # fmt: skip
