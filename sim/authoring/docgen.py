"""Generate docs/scenario-format.md from the scenario models, so the reference never drifts.

Run ``python -m sim.authoring.docgen docs/scenario-format.md`` (``make schema``); a test checks the
committed file equals the output.
"""

from __future__ import annotations

import sys
import types
import typing
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.atomic import write_text_atomic
from sim.effects import EFFECTS
from sim.scenario import customer_model as p
from sim.scenario import distributions as d
from sim.scenario import schema as s
from sim.scenario import scorecard as sc
from sim.scenario.bounds import MAX_MAGNITUDE
from sim.scenario.loader import MAX_NESTING

SECTIONS: list[tuple[str, str, list[type[BaseModel]]]] = [
    ("Top level", "The keys at the top of the file.", [s.Scenario]),
    ("Customers", "`[segments.NAME]`, `[arrivals]` and `[[arrivals.campaigns]]`.", [s.Segment, s.Arrivals, s.Campaign]),
    (
        "Touchpoints",
        '`[touchpoints.NAME]`, with `kind = "self_service"` or `kind = "staffed"`.',
        [*s.TOUCHPOINT_SPECS, s.Shift, s.OpeningHours, s.Callback],
    ),
    (
        "Journey",
        "`[journey]` and `[journey.routes.TOUCHPOINT]`. A target is a touchpoint name, `end`, or `contact` "
        "(the segment's preferred staffed touchpoint).",
        [s.Journey, s.Route, s.SegmentRoute],
    ),
    ("Failures", '`[failures.NAME]`, with `kind = "scheduled"` or `kind = "random"`.', [s.ScheduledFailure, s.RandomFailure]),
    (
        "Responses",
        "`[responses.NAME]`, with an `effect` from this vocabulary (one module each in sim/effects/). Every response also takes "
        "`label`, `cost_fixed` and `cost_per_customer`.",
        list(EFFECTS.values()),
    ),
    ("Policies", "`[policies.NAME]`: every bundled scenario has `reactive` and `proactive`.", [s.Policy]),
    (
        "Decisions",
        '`[decisions.NAME]` with a `trigger` table (`on = "failure_started" | "time" | "kpi"`) '
        "and `[decisions.NAME.options.OPTION]` tables.",
        [s.Decision, s.FailureTrigger, s.TimeTrigger, s.KpiTrigger, s.Option],
    ),
    (
        "Lessons",
        "`[[lessons]]`: what the scenario teaches, as claims `cxsim preview`, `cxsim lint --play` and the tests check over"
        " paired replications; a side is a policy or a decision path (docs/authoring.md, 'Lessons').",
        [s.Lesson],
    ),
    (
        "Scorecard",
        "`[scorecard]` and `[[scorecard.measures]]`: how a classroom session (`cxsim host`, docs/classroom.md) ranks its teams.",
        [sc.Scorecard, sc.Measure],
    ),
    (
        "Customer model",
        "`[customer_model.moments]`, `[customer_model.recovery]`, `[customer_model.memory]`, `[customer_model.loyalty]`,"
        " `[customer_model.word_of_mouth]`: every key is optional; the defaults come from the research in"
        " [model.md](model.md), which explains each mechanism with its source and evidence grade.",
        [p.Moments, p.Recovery, p.Memory, p.Loyalty, p.WordOfMouth],
    ),
    (
        "Distributions",
        "Any key that takes a distribution takes an inline table with a `dist` key, "
        'e.g. `handle_min = { dist = "lognormal", mean = 6, sd = 3 }`. Values are in the unit of the key.',
        [d.Constant, d.Exponential, d.Normal, d.Lognormal, d.Gamma, d.Uniform, d.Triangular, d.Empirical],
    ),
]

_NAMES = {
    "Distribution": "distribution",
    "Touchpoint": "touchpoint table",
    "Failure": "failure table",
    "Response": "response table",
    "Trigger": "trigger table",
}


def type_text(tp: Any) -> str:
    """A trainer-readable name for a field type."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        inner = args[0]
        if typing.get_origin(inner) in (typing.Union, types.UnionType) and any(
            isinstance(m, type) and issubclass(m, d._Dist) for m in typing.get_args(inner)
        ):
            return "distribution"
        if typing.get_origin(inner) in (typing.Union, types.UnionType):
            return "table"
        return type_text(inner)
    if origin is typing.Literal:
        return " \\| ".join(f'`"{a}"`' if isinstance(a, str) else f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [type_text(a) for a in args if a is not type(None)]
        return " \\| ".join(dict.fromkeys(parts)) + (" (optional)" if type(None) in args else "")
    if origin is list:
        return f"list of {type_text(args[0])}"
    if origin is dict:
        key = "NAME" if args[0] is not str else "KEY"
        return f"table of {key} = {type_text(args[1])}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    return {str: "text", int: "integer", float: "number", bool: "true/false"}.get(tp, getattr(tp, "__name__", str(tp)))


def range_text(info: Any) -> str:
    """The range a number must lie in, from the field's constraints ('0 to 1', '> 0', 'at least 0.01'), or ''."""
    low = high = ""
    for m in info.metadata:
        if isinstance(m, annotated_types.Ge):
            low = f"{m.ge:g}"
        elif isinstance(m, annotated_types.Gt):
            low = f"> {m.gt:g}"
        elif isinstance(m, annotated_types.Le):
            high = f"{m.le:g}"
        elif isinstance(m, annotated_types.Lt):
            high = f"< {m.lt:g}"
    low_text = low if low.startswith(">") else f"≥ {low}" if low else ""
    high_text = high if high.startswith("<") else f"≤ {high}" if high else ""
    if low and high and low_text.startswith("≥") and high_text.startswith("≤"):
        return f"{low} to {high}"
    return " and ".join(t for t in (low_text, high_text) if t)


def _default(info: Any) -> str:
    if info.default is PydanticUndefined and info.default_factory is None:
        return "**required**"
    value = info.default_factory() if info.default_factory is not None else info.default
    if value is None:
        return "–"
    if isinstance(value, BaseModel):
        return "`" + ", ".join(f"{k} = {v!r}" for k, v in value.model_dump().items()) + "`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list) and len(value) > 6:
        return f"`[{value[0]!r}, ... ({len(value)} values)]`"
    return f"`{value!r}`".replace("'", '"')


def render() -> str:
    """The whole reference as Markdown."""
    out = [
        "# Scenario format reference",
        "",
        "<!-- Generated by `make schema` from the field descriptions in sim/scenario/ and the response effects"
        " registered in sim/effects/. Do not edit by hand. -->",
        "",
        f"Format version {s.SCHEMA_VERSION}. A scenario is a TOML file. Named things (segments, touchpoints, failures,"
        " responses, policies, decisions, options) are tables keyed by their name, so names are unique and error"
        " messages read `touchpoints.phone.agents`. Units are in key names: `_min` minutes, `_sec` seconds,"
        " `_hours` hours, `_days` days, `_per_hour` per hour; money is in the scenario `currency`; probabilities"
        " and shares are 0 to 1. Sim time starts on Monday 00:00 of day 1.",
        "",
        f"Every number lies between -{MAX_MAGNITUDE:,.0f} and {MAX_MAGNITUDE:,.0f} (the seed excepted), `nan` and `inf`"
        " are refused, arrays and inline tables nest at most"
        f" {MAX_NESTING} levels deep, a distribution's parameters must give finite values, and the busiest hour"
        f" (`customers_per_hour` times the largest hour and weekday multipliers) brings at most"
        f" {s.MAX_CUSTOMERS_PER_HOUR:,} customers. Tighter limits are in each table's range column.",
        "",
        "Check a file with `cxsim validate FILE`; every problem is reported as `FILE:LINE: key.path: message`."
        " Editors with a TOML language server (Taplo, Even Better TOML) validate and autocomplete as you type"
        " if the file starts with `#:schema ./scenario.schema.json`; the schema checks a tagged table (`kind`, `effect`,"
        " `dist`, `on`) by its tag, so a mistake inside one is reported at its key (docs/authoring.md, 'Checks in your editor').",
        "",
    ]
    for title, intro, models in SECTIONS:
        out += [f"## {title}", "", intro, ""]
        for model in models:
            doc = (model.__doc__ or "").strip().splitlines()[0]
            out += [f"### {model.__name__}", "", doc, "", "| key | type | range | default | meaning |", "|---|---|---|---|---|"]
            for key, info in model.model_fields.items():
                desc = (info.description or "").replace("|", "\\|")
                out.append(f"| `{key}` | {type_text(info.annotation)} | {range_text(info)} | {_default(info)} | {desc} |")
            out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    """Write the reference to the path given, or print it."""
    text = render()
    if len(argv) > 1:
        write_text_atomic(argv[1], text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
