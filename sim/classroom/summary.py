"""The joint debrief's exports: one CSV row per team, and printable HTML summaries for the class and for each team.

Why HTML with print CSS rather than PDF: a browser prints it to paper or to PDF as it is (A4,
white, a page per team), the host needs no PDF library, and the file opens offline. The page is
self-contained (its style inline, its charts inline SVG, no script at all), so a downloaded file
looks the same a week later on another machine.

Every piece of user text (team names, the scenario's title and labels) is escaped with
``html.escape``; in the CSV every text cell goes through ``sim.textsafe.csv_text``, so a team
called ``=cmd|' /C calc'!A0`` is a text cell, never a formula. The names are the ones the
facilitator allows (``sim.classroom.debrief.shown_names``).
"""

from __future__ import annotations

import csv
import io
import time
from html import escape
from typing import Any

from sim.classroom.debrief import SCORE, chart_svg, timeline_svg
from sim.classroom.store import Store
from sim.scenario.scorecard import Scorecard
from sim.textsafe import csv_text

PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 190mm; background: #ffffff; color: #111111; font: 11pt/1.35 system-ui, "Noto Sans", sans-serif; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm; } h3 { font-size: 11.5pt; margin: 4mm 0 1mm; }
.sub { color: #444444; margin: 0 0 3mm; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; break-inside: avoid; }
th, td { text-align: left; padding: 1.2mm 1.6mm; border-bottom: 0.3mm solid #bbbbbb; vertical-align: top; }
th { font-weight: 600; color: #333333; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { font-weight: 600; } .missed { color: #8a3b00; }
svg { max-width: 100%; height: auto; break-inside: avoid; display: block; margin: 2mm 0; }
.story { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 9pt; white-space: pre-wrap; margin: 0; }
.team { break-before: page; page-break-before: always; }
.note { color: #444444; font-size: 9.5pt; }
@media print { a { color: inherit; text-decoration: none; } }
"""
SUMMARY_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none';"
               " frame-ancestors 'none'")  # fmt: skip


def debrief_csv(data: dict[str, Any]) -> str:
    """One row per team, in rank order: its decisions, its score and each measure, and the lessons' KPIs from its replay."""
    measures = data["scorecard"]["measures"]
    lesson_kpis = list(dict.fromkeys(lesson["kpi"] for lesson in data["lessons"]))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    head = ["rank", "team", "finished", "sim_minutes", "decisions", "choices", "score"]
    for m in measures:
        head += [csv_text(m["label"]), csv_text(m["label"] + " score"), csv_text(m["label"] + " target")]
    head += [csv_text(k) for k in lesson_kpis]
    writer.writerow(head)
    for t in data["teams"]:
        choices = "; ".join(f"{d['clock']} {d['decision']}={d['option']} ({d['style'] or 'no style'})" for d in t["decisions"])
        row: list[Any] = [t["rank"] or "", csv_text(t["name"]), t["finished"], f"{t['sim_minutes']:g}", len(t["decisions"]),
                          csv_text(choices), "" if t["score"] is None else f"{t['score']:.4f}"]  # fmt: skip
        for m in t["measures"]:
            row += [_num(m["value"]), _num(m["score"]), _num(m["target"])]
        for k in lesson_kpis:
            lesson = next(x for x in data["lessons"] if x["kpi"] == k)
            row.append(_num(next((e["value"] for e in lesson["teams"] if e["team_id"] == t["id"]), None)))
        writer.writerow(row)
    return buf.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def class_summary(store: Store, data: dict[str, Any], scorecard: Scorecard) -> str:
    """The class's printable summary: the charts, the leaderboard, the lessons, the same customer, then a page per team."""
    body = [_head(data, "Class summary"), _charts(store, data, scorecard), _leaderboard(data), _lessons(data), _customer(data)]
    body += [_team_section(data, t, page_break=True) for t in data["teams"]]
    return _page(data, "class summary", "".join(body))


def team_summary(store: Store, data: dict[str, Any], scorecard: Scorecard, team_id: int) -> str | None:
    """One team's printable summary (None for a team the session does not have)."""
    team = next((t for t in data["teams"] if t["id"] == team_id), None)
    if team is None:
        return None
    body = [_head(data, f"Summary of {team['name']}"), _team_section(data, team, page_break=False), _charts(store, data, scorecard),
            _lessons(data, only=team_id)]  # fmt: skip
    return _page(data, team["name"], "".join(body))


def _page(data: dict[str, Any], what: str, body: str) -> str:
    title = f"{data['session']['title']}: {what}"
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{PRINT_CSS}</style></head><body>{body}</body></html>\n")  # fmt: skip


def _head(data: dict[str, Any], heading: str) -> str:
    s = data["session"]
    when = time.strftime("%Y-%m-%d %H:%M")
    names = "the names the teams typed" if s["names"] == "show" else "Team 1..N in the order the teams joined (names hidden)"
    return (f"<h1>{escape(s['title'])}: {escape(heading)}</h1>"
            f'<p class="sub">Session {escape(s["code"])} · {escape(s["horizon"])} · seed {s["seed"]} · policy {escape(s["policy"])}'
            f" · {len(data['teams'])} teams · printed {escape(when)} · teams shown as {escape(names)}</p>")  # fmt: skip


def _charts(store: Store, data: dict[str, Any], scorecard: Scorecard) -> str:
    parts = ["<h2>Decisions and KPIs over sim time</h2>", timeline_svg(data), chart_svg(store, data, scorecard, SCORE)]
    parts += [chart_svg(store, data, scorecard, m.kpi) for m in scorecard.measures]
    return "".join(parts)


def _leaderboard(data: dict[str, Any]) -> str:
    measures = data["scorecard"]["measures"]
    head = "".join(f"<th>{escape(m['label'])} ({round(100 * m['weight'])} %)</th>" for m in measures)
    rows = []
    for t in data["teams"]:
        cells = "".join(f'<td class="num">{escape(m["value_text"])}</td>' for m in t["measures"])
        score = "n/a" if t["score"] is None else f"{t['score']:.3f}"
        rows.append(f'<tr><td class="num">{t["rank"] or "–"}</td><td>{escape(t["name"])}</td><td class="num">{score}</td>{cells}'
                    f'<td class="num">{len(t["decisions"])}</td></tr>')  # fmt: skip
    return (f"<h2>Scorecard: {escape(data['scorecard']['title'])}</h2><table><thead><tr><th>rank</th><th>team</th>"
            f"<th>score (0 to 1)</th>{head}<th>decisions</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")  # fmt: skip


def _lessons(data: dict[str, Any], only: int | None = None) -> str:
    if not data["lessons"]:
        return '<h2>The lessons across the teams</h2><p class="note">The replays are not in yet.</p>'
    rows = []
    for lesson in data["lessons"]:
        teams = [e for e in lesson["teams"] if only is None or e["team_id"] == only]
        where = "<br>".join(
            f"{escape(e['team'])}: {escape(e['value_text'])}"
            + (f" (closer to the {'path' if e['side'] == 'path' else 'baseline'}, {e['agreeing']} of {e['of']} answers)"
               if e["side"] != "neither" else " (on neither side)")
            for e in teams
        )  # fmt: skip
        rows.append(f"<tr><td>{escape(lesson['says'])}</td><td>{escape(lesson['summary'])}</td><td>{where}</td></tr>")
    return ("<h2>The lessons across the teams</h2><table><thead><tr><th>the lesson says</th><th>across the teams</th>"
            f"<th>each team's value</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")  # fmt: skip


def _customer(data: dict[str, Any]) -> str:
    about = data["customer"]["about"]
    cells = "".join(f"<th>{escape(t['name'])}</th>" for t in data["teams"])
    stories = "".join(f'<td><pre class="story">{escape(chr(10).join(t["story"]) or "no story")}</pre></td>' for t in data["teams"])
    return (f"<h2>The same customer under each team's choices</h2><p class=\"note\">{escape(about)}</p>"
            f"<table><thead><tr>{cells}</tr></thead><tbody><tr>{stories}</tr></tbody></table>")  # fmt: skip


def _team_section(data: dict[str, Any], t: dict[str, Any], *, page_break: bool) -> str:
    rows = []
    for m in t["measures"]:
        verdict = "n/a" if m["met"] is None else "target met" if m["met"] else "below target"
        score = "n/a" if m["score"] is None else f"{m['score']:.2f}"
        cls = "met" if m["met"] else "missed"
        rows.append(f"<tr><td>{escape(m['label'])}</td><td class=\"num\">{escape(m['value_text'])}</td>"
                    f"<td class=\"num\">{escape(m['target_text'])}</td><td class=\"num\">{score}</td><td class=\"{cls}\">{verdict}</td></tr>")  # fmt: skip
    decisions = "".join(
        f"<tr><td>{escape(d['clock'])}</td><td>{escape(d['decision'].replace('_', ' '))}</td><td>{escape(d['label'])}</td>"
        f"<td>{escape(d['style'] or '–')}</td></tr>"
        for d in t["decisions"]
    ) or '<tr><td colspan="4">no decision</td></tr>'
    score = "n/a" if t["score"] is None else f"{t['score']:.3f}"
    rank = f"rank {t['rank']}" if t["rank"] else "no rank yet"
    state = "finished" if t["finished"] else f"stopped at {t['clock']}"
    story = escape("\n".join(t["story"]) or "no story")
    return (f'<section class="{"team" if page_break else "team-own"}"><h2>{escape(t["name"])}: score {score} ({rank}, {state})</h2>'
            "<h3>Scorecard</h3><table><thead><tr><th>measure</th><th>value</th><th>target</th><th>scores</th><th></th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<h3>Decisions</h3><table><thead><tr><th>sim time</th><th>decision</th><th>answer</th><th>style</th></tr></thead>"
            f"<tbody>{decisions}</tbody></table>"
            f'<h3>The same customer under these choices</h3><pre class="story">{story}</pre></section>')  # fmt: skip
