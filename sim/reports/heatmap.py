"""The HTML report's "Service level by interval" section: a heat map per policy and channel (``--interval``).

A manager looks for the hours that miss the target; a table of colours with the number in each
cell shows them at a glance, on a colour-blind-safe scale, and stays readable in print.
"""

from __future__ import annotations

from html import escape
from typing import Any


def _h(value: object) -> str:
    """User text as HTML text (a channel or policy name is the trainer's)."""
    return escape(str(value))


HEAT_CSS = (
    "<style>.heatwrap { overflow-x: auto; } table.heat td, table.heat th { padding: .2rem .25rem; font-size: .74rem;"
    " text-align: center; min-width: 1.7rem; border: 1px solid #fff; } table.heat th:first-child { text-align: left; }"
    " table.heat td.none { background: #eeeeee; color: #555; }</style>"
)


def _heat_colour(level: float) -> tuple[str, str]:
    """Background and text colour of a service level (0-1) on the cividis scale (colour-blind safe, dark = low)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    r, g, b, _a = colormaps["cividis"](min(max(level, 0.0), 1.0))
    weights = (0.2126, 0.7152, 0.0722)
    lum = sum(w * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4) for w, c in zip(weights, (r, g, b), strict=True))
    # the text colour with the higher WCAG contrast ratio against the cell
    return to_hex((r, g, b)), "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def _heat_table(rows: list[dict[str, Any]], caption: str) -> str:
    """Weekdays down, intervals of the day across; each cell its service level in % on its colour (a dash if none)."""
    from sim.results.intervals import WEEKDAY_NAMES, interval_label

    def level(row: dict[str, Any]) -> float | None:
        value = row.get("service_level")
        return value["mean"] if isinstance(value, dict) else value

    starts = sorted({row["start"] for row in rows})
    days = [d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") if any(r["weekday"] == d for r in rows)]
    by_cell = {(row["weekday"], row["start"]): row for row in rows}
    head = "".join(f"<th scope='col'>{_h(start if start.endswith(':00') else ':' + start[-2:])}</th>" for start in starts)
    lines = [f"<caption>{_h(caption)}</caption><tr><th scope='col'>weekday</th>{head}</tr>"]
    for day in days:
        cells = []
        for start in starts:
            row = by_cell.get((day, start))
            value = level(row) if row is not None else None
            if row is None or value is None:
                tip = f"{interval_label(row)}: no contacts" if row is not None else "not in the run"
                cells.append(f"<td class='none' title='{_h(tip)}'>–</td>")
                continue
            sl = row["service_level"]
            ci = f" (95 % CI {sl['ci_low'] * 100:.1f} to {sl['ci_high'] * 100:.1f} %)" if isinstance(sl, dict) else ""
            offered = f"{row['offered']['mean']:,.1f}" if isinstance(row["offered"], dict) else f"{row['offered']:,}"
            tip = f"{interval_label(row)}: service level {value * 100:.1f} %{ci}, {offered} contacts offered"
            bg, fg = _heat_colour(value)
            cells.append(f"<td style='background:{bg};color:{fg}' title='{_h(tip)}'>{value * 100:.0f}</td>")
        name = WEEKDAY_NAMES[("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(day)]
        lines.append(f"<tr><th scope='row'>{_h(name)}</th>{''.join(cells)}</tr>")
    return f"<div class='heatwrap'><table class='heat'>{''.join(lines)}</table></div>"


def _heat_legend() -> str:
    steps = [i / 10 for i in range(11)]
    cells = "".join(f"<td style='background:{bg};color:{fg}'>{v * 100:.0f}</td>" for v in steps for bg, fg in [_heat_colour(v)])
    return f"<table class='heat'><tr><th>service level, %</th>{cells}</tr></table>"


def interval_heatmaps(minutes: int, by_policy: dict[str, dict[str, list[dict[str, Any]]]]) -> list[str]:
    """The "Service level by interval" section: a heat map per policy and channel, and the worst intervals."""
    from sim.results.intervals import interval_label, worst

    body = [
        HEAT_CSS,
        f"<h2>Service level by interval ({minutes} minutes, by weekday)</h2>",
        "<p>Each cell is the service level (answered within the channel's target, in %) of the contacts offered in that"
        " interval, over every such weekday of the run"
        + (" and the mean over replications" if _replicated(by_policy) else "")
        + ". Colours follow the cividis scale (dark blue = low, yellow = high), readable without telling hues apart;"
        " hover a cell for its confidence interval and contacts. A dash: no contacts.</p>",
        _heat_legend(),
    ]
    for policy, channels in by_policy.items():
        for channel, rows in channels.items():
            who = f"{channel}, {policy}" if len(by_policy) > 1 else channel
            low = "; ".join(
                f"{interval_label(r)} at {(r['service_level']['mean'] if isinstance(r['service_level'], dict) else r['service_level']) * 100:.1f} %"
                for r in worst(rows, 3)
            )
            body += [f"<h3>{_h(who)}</h3>", _heat_table(rows, f"Service level of {who} by weekday and start of interval, %")]
            if low:
                body.append(f"<p>Lowest: {_h(low)}</p>")
    return body


def _replicated(by_policy: dict[str, dict[str, list[dict[str, Any]]]]) -> bool:
    return any(isinstance(r.get("service_level"), dict) for ch in by_policy.values() for rows in ch.values() for r in rows)
