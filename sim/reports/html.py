"""A self-contained HTML report of results: tables, verdicts and charts (PNG embedded), no server.

``cxsim report RESULTS.json`` reads what ``cxsim run``, ``compare`` or ``sweep`` wrote and builds a
page a manager can forward: headline numbers with their confidence intervals, the verdicts in
plain words, and charts of KPIs per policy, of loyalty and money over time, and of sweep curves
with confidence bands. Colours are the Okabe-Ito palette, safe for colour-blind readers.

Every string from the results file (the scenario's title and file, policy names, labels,
verdicts, sweep keys and values) is text: escaped in the page (``_h``), and drawn in the charts
with matplotlib's math notation off, so a ``$`` or ``<`` shows as written and cannot break the page.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import UTC, datetime
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from sim.errors import SimError
from sim.experiments.experiment import HEADLINE, headline
from sim.experiments.sweep import swept_channels
from sim.experiments.verdicts import NO_DIFFERENCE
from sim.reports.heatmap import interval_heatmaps
from sim.results.kpis import kpi_for
from sim.results.precision import format_difference, format_summary

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #1b1b1b; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #0072B2; }
.meta { color: #555; font-size: .9rem; } table { border-collapse: collapse; margin: .8rem 0; font-size: .92rem; }
th, td { padding: .35rem .7rem; border-bottom: 1px solid #ddd; text-align: right; } th:first-child, td:first-child { text-align: left; }
th { background: #f3f6fa; } .verdict { margin: .25rem 0; }
.effect { display: inline-block; min-width: 5.5em; font-weight: 600; padding: 0 .3em; margin-right: .4em; border-radius: 3px; }
.better { background: #0072B2; color: #fff; } .better::before { content: "▲ "; }
.worse { background: #D55E00; color: #fff; } .worse::before { content: "▼ "; }
.higher, .lower { border: 1px solid #555; } .higher::before { content: "↑ "; } .lower::before { content: "↓ "; }
.none { color: #555; border: 1px dashed #999; } .none::before { content: "○ "; } img { max-width: 100%; } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
footer { margin-top: 3rem; color: #777; font-size: .8rem; }
"""


class ReportError(SimError):
    """The results file is not something cxsim wrote."""


def _h(value: object) -> str:
    """User text (or any value from the results file) as HTML text: ``<``, ``>``, ``&`` and quotes escaped."""
    return html.escape(str(value))


def _legend(label: object) -> str:
    """A legend entry shown as written: matplotlib leaves out labels that start with '_'; a zero-width space keeps them."""
    text = str(label)
    return "\u200b" + text if text.startswith("_") else text


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _page(title: object, subtitle: str, body: list[str]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_h(title)}</title>"
        f"<style>{CSS}</style></head><body><h1>{_h(title)}</h1><p class='meta'>{_h(subtitle)}</p>"
        + "\n".join(body)
        + f"<footer>Made by cxsim on {stamp}. Numbers are means over replications with 95 % confidence intervals"
        " (Student t); comparisons are paired on the same seeds.</footer></body></html>\n"
    )


def _style(ax: Any, title: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)


def _scale(unit: str) -> tuple[float, str]:
    return (100.0, "%") if unit == "fraction" else (1.0, unit)


def _kpi_means(data: dict[str, Any], kpis: list[tuple[str, str, str]]) -> str:
    policies, summary, currency = data["policies"], data["summary"], data.get("currency", "")
    shown = [k for k in kpis if any(summary[p].get(k[0], {}).get("mean") for p in policies)][:8]
    cols = 4
    rows = (len(shown) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(12, 2.9 * rows), squeeze=False)
    for ax, (metric, label, unit) in zip(axes.flat, shown, strict=False):
        factor, ylab = _scale(unit)
        for i, p in enumerate(policies):  # a point and its error bar, not a bar from zero: the axis fits the values
            iv = summary[p].get(metric)
            if iv is None:
                continue
            mean = iv["mean"] * factor
            ax.errorbar(
                [i], [mean], yerr=[[mean - iv["ci_low"] * factor], [iv["ci_high"] * factor - mean]],
                fmt=("o", "s", "^", "D")[i % 4], color=PALETTE[i % 8], capsize=5, markersize=7,
            )  # fmt: skip
        ax.set_xticks(range(len(policies)), [str(p) for p in policies])
        ax.set_xlim(-0.5, len(policies) - 0.5)
        _style(ax, label, currency if unit == "currency" else ylab)
        ax.tick_params(axis="x", labelrotation=15)
    for ax in list(axes.flat)[len(shown) :]:
        ax.axis("off")
    fig.tight_layout()
    return _png(fig)


def _over_time(data: dict[str, Any]) -> str:
    policies, summary = data["policies"], data["summary"]
    fields = (
        ("revenue", "Revenue per day", data.get("currency", "")),
        ("profit", "Profit per day (margin less costs)", data.get("currency", "")),
        ("nps", "NPS of the day's surveys", "points"),
        ("repeat_purchase_rate", "Share who will buy again", "%"),
    )
    fig, axes = plt.subplots(2, 2, figsize=(12, 6.5), squeeze=False)
    for ax, (field, title, ylab) in zip(axes.flat, fields, strict=True):
        factor = 100.0 if field == "repeat_purchase_rate" else 1.0
        for i, p in enumerate(policies):
            days = sorted(int(k.split(".")[-1]) for k in summary[p] if k.startswith(f"daily.{field}."))
            if not days:
                continue
            iv = [summary[p][f"daily.{field}.{d}"] for d in days]
            mean = [v["mean"] * factor for v in iv]
            ax.plot(days, mean, color=PALETTE[i], label=_legend(p), marker=("o", "s", "^", "D")[i % 4], markersize=3)
            ax.fill_between(
                days, [v["ci_low"] * factor for v in iv], [v["ci_high"] * factor for v in iv], color=PALETTE[i], alpha=0.18
            )
        _style(ax, title, ylab)
        ax.set_xlabel("day")
    axes[0][0].legend(frameon=False)
    fig.tight_layout()
    return _png(fig)


def _queues_over_time(data: dict[str, Any]) -> str | None:
    policies, summary = data["policies"], data["summary"]
    channels = sorted(
        {
            k.split(".")[1].rsplit("_wait_mean_min", 1)[0]
            for p in policies
            for k in summary[p]
            if k.endswith(".1") and "_wait_mean_min." in k
        }
    )
    if not channels:
        return None
    fields = (("wait_mean_min", "Mean wait per day", "min", 1.0), ("abandon_rate", "Abandonment per day", "%", 100.0))
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.4), squeeze=False)
    for ax, (field, title, ylab, factor) in zip(axes.flat, fields, strict=True):
        n = 0
        for p in policies:
            for ch in channels:
                key = f"daily.{ch}_{field}."
                days = sorted(int(k.rsplit(".", 1)[1]) for k in summary[p] if k.startswith(key))
                if not days:
                    continue
                iv = [summary[p][f"{key}{d}"] for d in days]
                label = ch if len(policies) == 1 else f"{p}: {ch}"
                ax.plot(
                    days,
                    [v["mean"] * factor for v in iv],
                    color=PALETTE[n % 8],
                    marker=("o", "s", "^", "D")[n % 4],
                    markersize=3,
                    label=_legend(label),
                )
                ax.fill_between(
                    days,
                    [max(0.0, v["ci_low"] * factor) for v in iv],  # waits and rates cannot leave their range
                    [min(100.0 if field == "abandon_rate" else float("inf"), v["ci_high"] * factor) for v in iv],
                    color=PALETTE[n % 8],
                    alpha=0.15,
                )
                n += 1
        _style(ax, title, ylab)
        ax.set_xlabel("day")
    axes[0][0].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return _png(fig)


def _summary_table(data: dict[str, Any], kpis: list[tuple[str, str, str]]) -> str:
    policies, summary, currency = data["policies"], data["summary"], data.get("currency", "")
    head = "".join(f"<th>{_h(p)}</th>" for p in policies)
    rows = []
    for metric, label, unit in kpis:
        if not any(metric in summary[p] for p in policies):
            continue
        cells = [f"<td>{_h(format_summary(summary[p].get(metric), unit, currency))}</td>" for p in policies]
        rows.append(f"<tr><td>{_h(label)}</td>{''.join(cells)}</tr>")
    first = "KPI (mean ± 95 % CI)" if data.get("intervals", True) else "KPI"
    return f"<table><tr><th>{first}</th>{head}</tr>{''.join(rows)}</table>"


def _effect(c: dict[str, Any]) -> str:
    """A comparison's verdict word (files from before verdicts had one: from the sentence)."""
    found = c.get("effect")
    if isinstance(found, str):
        return found
    return NO_DIFFERENCE if str(c["verdict"]).startswith(NO_DIFFERENCE) else ""


def _verdict_line(c: dict[str, Any]) -> str:
    """One verdict: its word in a badge (colour, a shape and the word itself), then the sentence."""
    word, text = _effect(c), str(c["verdict"])
    if not word:
        return f"<p class='verdict'>{_h(text)}</p>"
    rest = text[len(word) :].lstrip(": ") if text.startswith(word) and word != NO_DIFFERENCE else text
    cls = "none" if word == NO_DIFFERENCE else word
    badge = "no difference" if word == NO_DIFFERENCE else word
    return f"<p class='verdict'><span class='effect {_h(cls)}'>{_h(badge)}</span>{_h(rest)}</p>"


# How each verdict word is drawn in the difference chart: Okabe-Ito colour and a marker shape.
EFFECT_MARKS = {
    "better": ("#0072B2", "^"), "worse": ("#D55E00", "v"), "higher": ("#000000", "o"), "lower": ("#000000", "o"),
    NO_DIFFERENCE: ("#999999", "o"),
}  # fmt: skip


def _difference_chart(data: dict[str, Any], kpis: list[tuple[str, str, str]]) -> str:
    """Each paired difference from the baseline with its 95 % error bar, around a line at 0: one panel per KPI.

    Bars of the two absolute values from zero make 299,621 and 303,319 EUR look the same; the
    difference (+3,698 EUR, with its interval) is what a decision turns on.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for c in data["comparisons"]:
        found.setdefault(c["metric"], []).append(c)
    shown = [k for k in kpis if k[0] in found]
    others = [p for p in data["policies"][1:]]
    cols = 4
    rows = (len(shown) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(12, (0.9 + 0.35 * len(others)) * rows + 0.6), squeeze=False)
    for ax, (metric, label, unit) in zip(axes.flat, shown, strict=False):
        factor, ylab = _scale(unit)
        by_policy = {c["policy"]: c for c in found[metric]}
        for y, policy in enumerate(others):
            c = by_policy.get(policy)
            if c is None:
                continue
            diff = c["difference"]
            colour, marker = EFFECT_MARKS.get(_effect(c), ("#000000", "o"))
            mean = diff["mean"] * factor
            ax.errorbar(
                [mean], [y], xerr=[[mean - diff["ci_low"] * factor], [diff["ci_high"] * factor - mean]],
                fmt=marker, color=colour, ecolor=colour, capsize=4, markersize=7,
            )  # fmt: skip
        ax.axvline(0.0, color="#555555", linewidth=1)
        ax.set_yticks(range(len(others)), [_legend(p) for p in others])
        ax.set_ylim(-0.6, len(others) - 0.4)
        ax.set_title(label, fontsize=10, loc="left")
        ax.set_xlabel({"fraction": "percentage points", "currency": data.get("currency", "")}.get(unit, ylab))
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(shown) :]:
        ax.axis("off")
    fig.tight_layout()
    return _png(fig)


def _experiment_report(data: dict[str, Any]) -> str:
    channels = sorted({m.split(".")[1] for p in data["policies"] for m in data["summary"][p] if m.startswith("channels.")})
    kpis = headline(channels)
    title = data["scenario"]["title"]
    sub = (
        f"{data['reps']} replications of {data['horizon_days']:g} days per policy, base seed {data['base_seed']}; "
        f"policies: {', '.join(data['policies'])}; scenario file {data['scenario']['file']}"
    )
    body = ["<h2>Headline numbers</h2>", _summary_table(data, kpis)]
    if data.get("comparisons"):
        body.append(f"<h2>Verdicts: compared with {_h(data['policies'][0])}</h2>")
        body += [_verdict_line(c) for c in data["comparisons"]]
        body += [
            f"<h2>Differences from {_h(data['policies'][0])} (paired, 95 % CI)</h2>",
            _difference_chart(data, kpis),
        ]
    else:
        body += ["<h2>KPIs per policy</h2>", _kpi_means(data, list(HEADLINE))]
    if any(k.startswith("daily.") for p in data["policies"] for k in data["summary"][p]):
        body += ["<h2>Loyalty and money over time</h2>", _over_time(data)]
        queues = _queues_over_time(data)
        if queues:
            body += ["<h2>Queues and waits over time</h2>", queues]
    if "intervals" in data:
        section = data["intervals"]
        body += interval_heatmaps(section["minutes"], {p: v["channels"] for p, v in section["policies"].items()})
    return _page(title, sub, body)


def _varies(data: dict[str, Any], metric: str) -> bool:
    """True if a metric is present and not the same constant at every sweep point (flat lines say nothing)."""
    values = {
        round(pt["summary"][p][metric]["mean"], 12)
        for pt in data["points"]
        for p in data["policies"]
        if metric in pt["summary"][p]
    }
    return len(values) > 1


def _sweep_report(data: dict[str, Any]) -> str:
    key = data["keys"][0]
    xs = [pt["set"][key] for pt in data["points"]]
    channels = sorted(
        {
            m.split(".")[1]
            for pt in data["points"]
            for p in data["policies"]
            for m in pt["summary"][p]
            if m.startswith("channels.")
        }
    )
    kpis = _sweep_kpis(data, channels)
    sub = f"sweep over {', '.join(data['keys'])}; {data['reps']} replications per point and policy; base seed {data['base_seed']}"
    body = ["<h2>KPIs across the sweep (mean and 95 % band)</h2>"]
    if kpis:
        body.append(_sweep_chart(data, kpis, key, xs))
    else:  # e.g. a sweep over a text key: nothing to draw, and the tables below show the numbers
        body.append("<p>No headline KPI changes across the sweep: every point gives the same numbers.</p>")
    steps = _steps_table(data, kpis or headline(channels))
    if steps:
        body += ["<h2>Change from the point before (paired on the same seeds, ± 95 % CI)</h2>", steps]
    for pt in data["points"]:
        label = ", ".join(f"{k} = {v}" for k, v in pt["set"].items())
        body += [f"<h2>{_h(label)}</h2>", _summary_table({**data, "summary": pt["summary"]}, kpis or headline(channels))]
    return _page(data["scenario"]["title"], sub, body)


def _sweep_kpis(data: dict[str, Any], channels: list[str]) -> list[tuple[str, str, str]]:
    """The KPIs of a sweep's report: the ``--kpi`` ones if chosen; else the swept channel's, then the others that vary (12 at most)."""
    chosen = data.get("kpis")
    if chosen:
        return [kpi_for(k, channels).row() for k in chosen]
    swept = swept_channels(data["keys"], channels)
    varying = [k for k in headline(channels) if _varies(data, k[0])]
    first = [k for k in varying if any(k[0].startswith(f"channels.{ch}.") for ch in swept)]
    return (first + [k for k in varying if k not in first])[:12]


def _steps_table(data: dict[str, Any], kpis: list[tuple[str, str, str]]) -> str | None:
    """The paired change from each point to the one before it (``change_from_previous``), or None if there is none."""
    currency = data.get("currency", "")
    rows = []
    for pt in data["points"]:
        change = pt.get("change_from_previous")
        if not change:
            continue
        step = f"{', '.join(str(v) for v in change['set'].values())} → {', '.join(str(v) for v in pt['set'].values())}"
        for policy in data["policies"]:
            diffs = change["differences"].get(policy, {})
            cells = "".join(
                f"<td>{_h(format_difference(diffs[m]['mean'], diffs[m]['half_width'], unit, currency) if m in diffs else '–')}</td>"
                for m, _label, unit in kpis
            )
            rows.append(f"<tr><td>{_h(step)}</td><td>{_h(policy)}</td>{cells}</tr>")
    if not rows:
        return None
    head = "".join(f"<th>{_h(label)}</th>" for _m, label, _u in kpis)
    return f"<table><tr><th>{_h(', '.join(data['keys']))}</th><th>policy</th>{head}</tr>{''.join(rows)}</table>"


def _sweep_chart(data: dict[str, Any], kpis: list[tuple[str, str, str]], key: object, xs: list[Any]) -> str:
    """One panel per KPI that varies: its mean and 95 % band against the first key, a line per policy."""
    numeric = all(isinstance(x, int | float) for x in xs)
    cols = 4
    rows = (len(kpis) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(12, 2.9 * rows), squeeze=False)
    positions = xs if numeric else list(range(len(xs)))
    for ax, (metric, label, unit) in zip(axes.flat, kpis, strict=False):
        factor, ylab = _scale(unit)
        for i, p in enumerate(data["policies"]):
            iv = [pt["summary"][p].get(metric) for pt in data["points"]]
            mean = [v["mean"] * factor if v else float("nan") for v in iv]
            ax.plot(positions, mean, color=PALETTE[i], marker=("o", "s", "^", "D")[i % 4], label=_legend(p))
            ax.fill_between(
                positions, [v["ci_low"] * factor if v else float("nan") for v in iv],
                [v["ci_high"] * factor if v else float("nan") for v in iv], color=PALETTE[i], alpha=0.18,
            )  # fmt: skip
        _style(ax, label, data.get("currency", "") if unit == "currency" else ylab)
        ax.set_xlabel(str(key) if len(str(key)) <= 24 else ".".join(str(key).split(".")[-3:]))
        if not numeric:
            ax.set_xticks(positions, [str(x) for x in xs])
    for ax in list(axes.flat)[len(kpis) :]:
        ax.axis("off")
    axes[0][0].legend(frameon=False)
    fig.tight_layout()
    return _png(fig)


def _run_report(data: dict[str, Any]) -> str:
    as_experiment = {
        "policies": [data["policy"]],
        "currency": data["currency"],
        "summary": {
            data["policy"]: {
                **{f"daily.{f}.{row['day']}": {"mean": v, "ci_low": v, "ci_high": v, "half_width": None}
                   for row in data["daily"] for f, v in row.items() if f != "day" and v is not None},
            }
        },
    }  # fmt: skip
    from sim.experiments.experiment import flatten

    flat = flatten(data)
    as_experiment["summary"][data["policy"]].update(
        {k: {"mean": v, "ci_low": v, "ci_high": v, "half_width": None} for k, v in flat.items()}  # one run: no interval
    )
    as_experiment["intervals"] = False
    kpis = headline(list(data["channels"]))
    sub = f"one run of {data['horizon_days']:g} days, policy {data['policy']}, seed {data['seed']} (a single run has no confidence interval; use --reps)"
    body = [
        "<h2>Headline numbers</h2>",
        _summary_table(as_experiment, kpis),
        "<h2>Loyalty and money over time</h2>",
        _over_time(as_experiment),
    ]
    if "intervals" in data:
        body += interval_heatmaps(data["intervals"]["minutes"], {data["policy"]: data["intervals"]["channels"]})
    return _page(data["scenario"]["title"], sub, body)


def _check_version(data: dict[str, Any]) -> None:
    """Refuse an experiment file of a later ``format_version`` than this cxsim reads; a file without one is version 1."""
    from sim.experiments.experiment import EXPERIMENT_FORMAT_VERSION

    version = data.get("format_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ReportError(f"format_version is {version!r}, not a version number; write the file again with cxsim compare/sweep --json")
    if version > EXPERIMENT_FORMAT_VERSION:
        raise ReportError(
            f"written by a newer cxsim (format_version {version}; this one reads up to {EXPERIMENT_FORMAT_VERSION}): "
            "upgrade cxsim to report on it"
        )


def render(data: dict[str, Any]) -> str:
    """The HTML page for results written by cxsim run, compare or sweep."""
    fmt = data.get("format") if isinstance(data, dict) else None
    try:
        with plt.rc_context({"text.parse_math": False, "text.usetex": False}):  # chart text is text, never math or TeX
            if fmt == "cxsim.run/1":
                return _run_report(data)
            if fmt == "cxsim.experiment/1":
                _check_version(data)
                return _sweep_report(data) if data.get("kind") == "sweep" else _experiment_report(data)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        # A results file cxsim wrote always has every key; one that lacks some was cut or edited.
        what = f"key {exc.args[0]!r} is missing" if isinstance(exc, KeyError) and exc.args else "a value has the wrong shape"
        raise ReportError(
            f"an incomplete or edited {fmt} file ({what}); write it again with cxsim run/compare/sweep --json"
        ) from exc
    raise ReportError(f"not a cxsim results file (its format is {fmt!r}); write one with cxsim run/compare/sweep --json")
