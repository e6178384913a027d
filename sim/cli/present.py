"""What the commands print on stdout: rich tables with units, verdicts, the journey diagram.

Nothing here runs a simulation: each function renders data the commands have computed. Every
string from a scenario, a results file or the command line (titles, names, the currency, grid
values, lessons, verdicts) goes through ``literal``: rich shows it as written, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

from sim.cli.console import literal, out
from sim.clock import format_time
from sim.results.kpis import CHANNEL_DETAIL, CONVERSION, kpi_for
from sim.results.precision import format_difference_range, format_summary

if TYPE_CHECKING:
    from rich.tree import Tree

    from sim.experiments.experiment import Experiment
    from sim.scenario.schema import Scenario


def fmt(value: object, unit: str = "") -> str:
    """A value for a table cell: thousands separators, a unit, percentages, a dash for none."""
    if value is None:
        return "–"
    if unit == "nps" and isinstance(value, float):
        return f"{value:+.0f}"
    if unit == "fraction" and isinstance(value, float):
        return f"{100 * value:.1f} %"
    text = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
    return f"{text} {unit}".strip() if unit and unit not in ("fraction",) else text


def print_results(results: dict[str, Any]) -> None:
    """Render results as rich tables with units."""
    cur = literal(results["currency"])
    out.print(
        f"[bold]{literal(results['scenario']['title'])}[/]  policy [cyan]{literal(results['policy'])}[/]  "
        f"seed {literal(results['seed'])}  "
        f"{results['horizon_days']:g} days (warm-up {results['warmup_days']:g})",
        highlight=False,
    )
    summary = Table(title="Customers and money", show_header=False, title_justify="left")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    c = results["customers"]
    j = results["journey"]
    m = results["money"]
    # Old results files have no customer_model block: their rows show as they always did.
    feedback = results.get("customer_model", {}).get("feedback", True)
    summary.add_row("journeys started (customers arrived)", fmt(c["arrived"]))
    if feedback:  # with feedback off nobody comes back or is referred: no rows for what cannot happen
        summary.add_row("  returning customers", fmt(c["returning"]))
        summary.add_row("  new customers from referrals", fmt(c["referred"]))
    summary.add_row("journeys completed", fmt(c["journeys_completed"]))
    summary.add_row("orders", fmt(j["orders"]))
    summary.add_row(CONVERSION.label, fmt(j["conversion_rate"], CONVERSION.unit))
    summary.add_row("orders lost to failures", fmt(j["lost_orders"]))
    if j["recovered_orders"]:
        summary.add_row("  completed by an agent during the contact", fmt(j["recovered_orders"]))
    summary.add_row("customers hit by a failure", fmt(results["recovery"]["customers_affected"]))
    summary.add_row("  reached first (proactive)", fmt(results["recovery"]["proactive"]))
    summary.add_row("  recovered on contact (reactive)", fmt(results["recovery"]["on_contact"]))
    for key, label in (
        ("revenue", "revenue"),
        ("gross_margin", "gross margin"),
        ("agent_cost", "agent cost"),
        ("compensation", "compensation"),
        ("response_cost", "response cost"),
        ("recovery_cost", "recovery cost"),
        ("profit", "profit"),
    ):
        summary.add_row(label, fmt(m[key], cur))
    out.print(summary)
    if results["channels"]:
        t = Table(title="Staffed channels", title_justify="left")
        t.add_column("metric")
        for name in results["channels"]:
            t.add_column(literal(name), justify="right")
        for key, label, unit in (k.row() for k in CHANNEL_DETAIL):
            t.add_row(label, *(fmt(ch[key], unit) for ch in results["channels"].values()))
        if any(ch.get("closed") for ch in results["channels"].values()):  # only where opening hours turned someone away
            t.add_row("tried while closed", *(fmt(ch.get("closed", 0)) for ch in results["channels"].values()))
        out.print(t)
    if results["touchpoints"]:
        t = Table(title="Self-service touchpoints", title_justify="left")
        for col in ("touchpoint", "visits", "reach", "failed", "failure hits", "mean time (min)"):
            t.add_column(col, justify="left" if col == "touchpoint" else "right")
        for name, tp in results["touchpoints"].items():
            t.add_row(
                literal(name),
                fmt(tp["visits"]),
                fmt(tp["reach"], "fraction"),
                fmt(tp["failure_rate"], "fraction"),
                fmt(tp["incident_hits"]),
                fmt(tp["duration_mean_min"]),
            )
        out.print(t)
    if results["failures"]:
        t = Table(title="Failures", title_justify="left")
        for col in ("failure", "occurrences", "downtime (min)", "customers hit"):
            t.add_column(col, justify="left" if col == "failure" else "right")
        for name, f in results["failures"].items():
            t.add_row(literal(name), fmt(f["occurrences"]), fmt(f["downtime_min"]), fmt(f["customers_affected"]))
        out.print(t)
    exp = results["experience"]
    if exp["journeys_surveyed"]:
        t = Table(title="Experience and loyalty (surveyed a day after each journey)", title_justify="left")
        t.add_column("metric")
        for col in ("all customers", "hit by a failure", "not hit", "contacted service"):
            t.add_column(col, justify="right")
        groups = (exp, exp["affected"], exp["unaffected"], exp["contacted"])
        for key, label, unit in (
            ("journeys_surveyed", "journeys surveyed", ""),
            ("csat_mean", "CSAT (1-5)", ""),
            ("csat_top2", "CSAT top-2 box", "fraction"),
            ("nps", "NPS (-100..100)", "nps"),
            ("ces_mean", "CES (1-7, 7 = easy)", ""),
            ("repeat_purchase_rate", "will buy again", "fraction"),
            ("lifetime_value_mean", "customer lifetime value", cur),
            ("reviews_posted", "reviews posted", ""),
            ("review_stars_mean", "mean review stars (1-5)", ""),
            *((("referrals", "friends won over (arrive later)", ""),) if feedback else ()),
        ):
            t.add_row(label, *(fmt(g[key], unit) for g in groups))
        out.print(t)
        if feedback:
            out.print(
                f"arrivals: {c['new']:,} new, {c['referred']:,} by referral, {c['returning']:,} returning; "
                f"{exp['prospects_deterred']:,} prospects kept away by negative word of mouth",
                highlight=False,
            )
        else:
            out.print(
                "feedback is off ([customer_model] feedback = false): what customers remember does not change who arrives",
                highlight=False,
            )
    for d in results["decisions"]:
        when = format_time(d["time_min"])
        out.print(
            f"decision [bold]{literal(d['decision'])}[/] at {when}: chose {literal(d['option'])} (by {literal(d['by'])})",
            highlight=False,
        )


def print_experiment(exp: Experiment, data: dict[str, Any], compare: bool) -> None:
    from sim.experiments.experiment import headline

    out.print(
        f"[bold]{literal(exp.title)}[/]  {len(exp.seeds)} replications of {exp.days:g} days, base seed {exp.base_seed}  "
        f"(mean and 95 % confidence interval)",
        highlight=False,
    )
    t = Table(title_justify="left")
    t.add_column("KPI")
    for p in exp.policies:
        t.add_column(literal(p), justify="right")
    summary = data["summary"]
    currency = literal(exp.currency)
    for metric, label, unit in headline(exp.channels):
        if not any(metric in summary[p] for p in exp.policies):
            continue
        cells = []
        for p in exp.policies:
            cells.append(format_summary(summary[p].get(metric), unit, currency))
        t.add_row(literal(label), *cells)
    out.print(t)
    if compare:
        print_verdicts(data["comparisons"])


# The colour of each verdict word on a terminal: Okabe-Ito sky blue and orange (safe for colour-blind
# readers, legible on dark and light backgrounds); the word itself is always printed.
VERDICT_STYLE = {"better": "bold #56B4E9", "worse": "bold #E69F00", "higher": "bold", "lower": "bold"}


def print_verdicts(comparisons: list[dict[str, Any]]) -> None:
    """Every verdict of a comparison (the same list as the JSON and the HTML report), its word in colour."""
    from sim.experiments.verdicts import NO_DIFFERENCE

    out.print("[bold]Verdicts[/] (paired differences on the same seeds):", highlight=False)
    for c in comparisons:
        text = c["verdict"]
        word = c.get("effect") or (NO_DIFFERENCE if text.startswith(NO_DIFFERENCE) else "")
        if word and text.startswith(word):
            style = VERDICT_STYLE.get(word, "dim")
            out.print(f"  [{style}]{literal(word)}[/]{literal(text[len(word) :])}", highlight=False)
        else:
            out.print(f"  {literal(text)}", highlight=False)


class SweepTable:
    """A sweep's tables: its KPIs per grid point and policy (mean ± 95 % CI), and the paired change from the point before.

    The KPIs are the ``--kpi`` ones, else the defaults of ``sim.experiments.sweep.sweep_kpis``,
    which always include the channel being swept.
    """

    def __init__(
        self, scenario: Scenario, reps: int, points: list[tuple[tuple[str, Any], ...]], chosen: list[str] | None = None
    ) -> None:
        from sim.experiments.sweep import sweep_kpis

        self.currency = literal(scenario.currency)
        keys = [k for k, _ in points[0]] if points else []
        self.kpis = sweep_kpis(list(scenario.staffed()), keys, chosen)
        head = literal(", ".join(keys)) if keys else "grid point"
        t = Table(title=f"{literal(scenario.title)}: {reps} replications per point (mean ± 95 % CI)", title_justify="left")
        t.add_column(head)
        t.add_column("policy")
        steps = Table(
            title="Change from the point before (paired on the same seeds; ± 95 % CI; pp = percentage points)",
            title_justify="left",
        )
        steps.add_column(head)
        steps.add_column("policy")
        for k in self.kpis:
            t.add_column(literal(k.label), justify="right")
            steps.add_column(literal(k.label), justify="right")
        self.table = t
        self.steps = steps

    def add(self, point: tuple[tuple[str, Any], ...], policies: list[str], summaries: dict[str, Any]) -> None:
        """The rows of one grid point, from its experiment's ``summary``."""
        for policy in policies:
            summary = summaries[policy]
            cells = [format_summary(summary.get(k.key), k.unit, self.currency) for k in self.kpis]
            self.table.add_row(literal(", ".join(str(v) for _, v in point)), literal(policy), *cells)

    def add_step(
        self, before: tuple[tuple[str, Any], ...], point: tuple[tuple[str, Any], ...], policies: list[str],
        differences: dict[str, dict[str, Any]],
    ) -> None:  # fmt: skip
        """The rows of the paired change from ``before`` to ``point`` (the JSON's ``change_from_previous``)."""
        from sim.results.precision import format_difference

        step = f"{', '.join(str(v) for _, v in before)} → {', '.join(str(v) for _, v in point)}"
        for policy in policies:
            diffs = differences[policy]
            cells = [
                "–" if k.key not in diffs else format_difference(diffs[k.key]["mean"], diffs[k.key]["half_width"], k.unit, self.currency)
                for k in self.kpis
            ]  # fmt: skip
            self.steps.add_row(literal(step), literal(policy), *cells)

    def tables(self) -> list[Table]:
        """The table of KPIs, then the table of changes if the grid has a step."""
        return [self.table, self.steps] if self.steps.row_count else [self.table]


def journey_tree(s: Scenario, run: dict[str, Any] | None = None, counted: str = "") -> Tree:
    """The journey as a tree: stages, their touchpoints with routes (each segment's own too), the
    failures at each, and the decisions with the answer each policy gives.

    With ``run`` (a run's results) each touchpoint says how many customers came through it and
    each failure how many customers it hit, so an author sees at once a step nobody reaches or
    a failure that hits nobody; ``counted`` says which run the counts are from.
    """
    from rich.tree import Tree

    from sim.scenario.schema import STAGE_ORDER

    head = "[bold]journey[/]  (entry: " + _targets(s.journey.entry)
    if s.journey.repeat_entry is not None:
        head += "; returning customers: " + _targets(s.journey.repeat_entry)
    tree = Tree(head + ")" + (f"  [dim]counts: {literal(counted)}[/]" if run is not None and counted else ""))
    for stage in STAGE_ORDER:
        names = [n for n, tp in s.touchpoints.items() if tp.stage == stage]
        if not names:
            continue
        branch = tree.add(f"[bold cyan]{literal(stage.replace('_', ' '))}[/]")
        for n in names:
            tp = s.touchpoints[n]
            kind = "staffed" if tp.kind == "staffed" else "self-service"
            route = s.journey.routes.get(n)
            leaf = branch.add(f"[bold]{literal(n)}[/] [dim]({kind}, {literal(tp.channel)})[/]{_step_count(run, n)}")
            if route is not None:
                leaf.add("next: " + _targets(route.next))
                if any(k != "end" for k in route.on_failure):
                    leaf.add("on failure: " + _targets(route.on_failure))
                for segment, own in route.segments.items():
                    for label, targets in (("next", own.next), ("on failure", own.on_failure)):
                        if targets is not None:
                            leaf.add(f"segment {literal(segment)}, {label}: " + _targets(targets))
        for f_name, f in s.failures.items():
            if f.touchpoint in names:
                branch.add(
                    f"[red]failure {literal(f_name)}[/] at {literal(f.touchpoint)} "
                    f"({literal(f.kind)}, {literal(f.effect)}, severity {f.severity:g}){_hit_count(run, f_name)}"
                )
    if s.decisions:
        branch = tree.add("[bold cyan]decisions[/]")
        for d_name, d in s.decisions.items():
            options = ", ".join(f"{literal(o)} ({spec.style})" for o, spec in d.options.items())
            leaf = branch.add(f"[bold]{literal(d_name)}[/] {_trigger(d.trigger)}: {options}")
            default = d.default_option or next(iter(d.options))
            picks = ", ".join(f"{literal(p)} {literal(spec.decisions.get(d_name, default))}" for p, spec in s.policies.items())
            leaf.add(f"policies answer: {picks}")
    return tree


def _targets(table: dict[str, float]) -> str:
    return ", ".join(f"{literal(k)} {100 * v:.0f}%" for k, v in table.items())


def _step_count(run: dict[str, Any] | None, name: str) -> str:
    """'  · 2,301 visits (reach 60.1 % of journeys)' from a run's results; '' without one."""
    if run is None:
        return ""
    channel = run["channels"].get(name)
    tp = run["touchpoints"].get(name)
    if channel is not None:
        n, what, reach = channel["offered"], "contact", channel["reach"]
    elif tp is not None:
        n, what, reach = tp["visits"], "visit", tp["reach"]
    else:
        return "  · 0 visits"
    return f"  · {fmt(n)} {what}{'' if n == 1 else 's'}, {fmt(reach, 'fraction')} of journeys"


def _hit_count(run: dict[str, Any] | None, name: str) -> str:
    """'  · hit 37 customers in 1 occurrence' from a run's results; '' without one."""
    if run is None:
        return ""
    f = run["failures"][name]
    n = f["occurrences"]
    if not n:
        return "  · did not occur in this run"
    return f"  · hit {fmt(f['customers_affected'])} customers in {fmt(n)} occurrence{'' if n == 1 else 's'}"


def _trigger(trigger: Any) -> str:
    """A decision's trigger in words: 'when checkout_down starts', 'on day 2 at 12:20'."""
    if trigger.on == "failure_started":
        return f"when {literal(trigger.failure)} starts"
    if trigger.on == "time":
        return f"on day {trigger.day} at {trigger.time}"
    side = f"above {trigger.above:g}" if trigger.above is not None else f"below {trigger.below:g}"
    return f"when {literal(trigger.touchpoint)} {trigger.metric} goes {side}"


def preview_values(r: dict[str, Any], currency: str) -> dict[str, str]:
    """One column of preview's table: a run's headline KPIs, formatted (as rich markup: names are ``literal``)."""
    e, m = r["experience"], r["money"]
    return {
        "orders": fmt(r["journey"]["orders"]),
        "CSAT (1-5)": fmt(e["csat_mean"]),
        "NPS": fmt(e["nps"], "nps"),
        "affected customers' NPS": fmt(e["affected"]["nps"], "nps"),
        "repeat purchase rate": fmt(e["repeat_purchase_rate"], "fraction"),
        **{f"{literal(ch)} contacts": fmt(c["offered"]) for ch, c in r["channels"].items()},
        f"profit ({literal(currency)})": fmt(m["profit"]),
    }


def lesson_lines(results: list[Any], currency: str = "", notes: list[str] | None = None, *, hint: bool = True) -> list[str]:
    """Each lesson with whether it holds and its paired difference (rich markup), then a hint if
    any is not shown for want of replications; ``notes`` adds a word per lesson after its verdict.

    A lesson whose difference is zero in every replication (``unchanged``) says why in its
    verdict, and the hint leaves it out: more replications cannot help it. Without ``hint`` (a
    sequential check still adding replications) there is no hint.
    """
    lines = []
    more = 0
    for i, res in enumerate(results):
        d = res.difference
        mark = "[green]holds[/]" if res.holds else f"[yellow]{literal(res.verdict)}[/]"
        if notes and notes[i]:
            mark += f" [dim]({literal(notes[i])})[/]"
        more += not res.holds and not res.unchanged
        lesson = res.lesson
        side, base = res.names
        window = f" over days {lesson.days[0]}-{lesson.days[1]}" if lesson.days else ""
        margin = f", same means within ± {lesson.margin:g}" if lesson.margin is not None else ""
        unit = kpi_for(lesson.kpi, ()).unit
        value = (
            format_difference_range(d.mean, d.low, d.high, unit, currency, res.confidence) + margin + ")"
            if d.n
            else "no value in any replication"
        )
        lines.append(
            f"  {mark}: {literal(lesson.says)}\n      {literal(lesson.kpi)}{window}: {literal(side)} - {literal(base)} = {literal(value)}"
        )
    if more and hint:
        lines.append(f"{more} lesson(s) not shown: try more replications (--reps), or revisit the scenario.")
    return lines


def print_lessons(results: list[Any], currency: str = "") -> None:
    """Each lesson with whether it holds and its paired difference; a hint if any is not shown."""
    for line in lesson_lines(results, currency):
        out.print(line, highlight=False)


# --- interval KPIs (--interval): the worst intervals of the week -----------------------------------


def print_worst_intervals(minutes: int, by_policy: dict[str, dict[str, list[dict[str, Any]]]], n: int = 5) -> None:
    """Per policy and channel, the ``n`` intervals of the week with the lowest service level, one line each.

    "phone  Monday 09:00-10:00 at 24.8 %: 140 offered, 37 abandoned, 11 agents on duty, 97.4 % occupancy".
    Rows are one run's numbers or replications' ``{mean, half_width, ...}``: the service level is
    then shown as mean ± 95 % CI, the other figures as means. Lines, not a table: they stay
    readable at any terminal width.
    """
    from sim.results.intervals import interval_label, worst

    for policy, channels in by_policy.items():
        picked = [(channel, row) for channel, rows in channels.items() for row in worst(rows, n)]
        who = f", {literal(policy)}" if len(by_policy) > 1 else ""
        if not picked:
            out.print(f"no {minutes}-minute interval{who} had contacts with a service level to show", highlight=False)
            continue
        replicated = isinstance(picked[0][1]["service_level"], dict)
        how = "mean ± 95 % CI over replications" if replicated else "one run"
        out.print(
            f"[bold]Worst {minutes}-minute intervals by service level[/]{who} ({n} per channel, {how}):",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
        width = max(len(channel) for channel, _row in picked)
        for channel, row in picked:
            away = "".join(
                f", {_interval_cell(row[key], '')} {what}"
                for key, what in (
                    ("blocked", "blocked (channel down)"),
                    ("balked", "balked (queue full)"),
                    ("closed", "tried while closed"),
                )
                if _mean(row.get(key))
            )
            out.print(
                f"  {literal(channel.ljust(width))}  {interval_label(row)} at "
                f"{_interval_cell(row['service_level'], 'fraction', spread=True)}: "
                f"{_interval_cell(row['offered'], '')} offered, {_interval_cell(row['abandoned'], '')} abandoned, "
                f"{_interval_cell(row['agents_on_duty'], '')} agents on duty, {_interval_cell(row['occupancy'], 'fraction')} occupancy"
                f"{away}",
                highlight=False, soft_wrap=True,
            )  # fmt: skip


def _mean(value: Any) -> float | None:
    """A run's number, or the mean of replications' interval."""
    return float(value["mean"]) if isinstance(value, dict) else value


def _interval_cell(value: Any, unit: str, *, spread: bool = False) -> str:
    """One interval figure: a run's number, or replications' mean (± 95 % CI if ``spread``); a dash for none."""
    if isinstance(value, dict):
        if spread:
            return format_summary(value, unit)
        value = value["mean"]
    if value is None:
        return "–"
    if unit == "fraction":
        return fmt(value, unit)
    return f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{value:,.0f}"
