"""``cxsim preview --watch``: a save shows the errors or the new numbers; the lessons stop as soon as they are settled.

The watch tests run the real command in a subprocess on a copy of the tutorial and edit the copy
as an author would. Their timeouts are generous (a loaded machine): they are not timing tests;
``bench/preview.py`` measures the speed.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT, SCENARIOS

from sim.authoring.lessons import LessonResult, Side, judge, sides
from sim.authoring.sequential import Plan, Refinement, settled
from sim.rng import RandomStreams
from sim.scenario.loader import parse_scenario
from sim.scenario.schema import Lesson

TUTORIAL = SCENARIOS / "tutorial.toml"
TUTORIAL_SCENARIO = parse_scenario(TUTORIAL.read_bytes(), "tutorial.toml").scenario
WAIT_S = 120.0  # per expected output: a shared, loaded machine may be slow, never this slow


class Watch:
    """``cxsim preview --watch FILE`` in a subprocess, its stdout read line by line on a thread."""

    def __init__(self, file: Path, *args: str, columns: int = 200) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": str(columns)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sim", "preview", "--watch", str(file), *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, pattern: str) -> list[str]:
        """The lines up to and including the first that matches ``pattern`` (a regex)."""
        got: list[str] = []
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, f"the watch ended early: {self.proc.stderr.read() if self.proc.stderr else ''}"
                continue
            got.append(line)
            self.seen.append(line)
            if re.search(pattern, line):
                return got
        raise AssertionError(f"no line matching {pattern!r} within {WAIT_S} s; got:\n" + "\n".join(self.seen[-40:]))

    def stop(self) -> tuple[int, str]:
        """Ctrl-C: the exit code and whatever it printed on stderr."""
        self.proc.send_signal(signal.SIGINT)
        try:
            _, stderr = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return self.proc.returncode, stderr


def visits(lines: list[str], touchpoint: str) -> int:
    """The visits the tree shows for a touchpoint."""
    line = next(x for x in lines if re.search(rf"\b{touchpoint} \(self-service", x))
    match = re.search(r"· ([\d,]+) visits", line)
    assert match, line
    return int(match.group(1).replace(",", ""))


@pytest.fixture
def watched(tmp_path: Path):
    copy = tmp_path / "tutorial.toml"
    copy.write_text(TUTORIAL.read_text())
    w = Watch(copy, "--days", "5", "--workers", "1", "--cap", "5")
    yield copy, w
    if w.proc.poll() is None:
        w.proc.kill()
        w.proc.wait()


def test_a_save_shows_what_lint_would_say_each_on_one_line(tmp_path):
    """The file-only lint checks come with the quick look (a 3-minute outage where 180 was meant), and
    a logged message is one line however narrow the terminal would be."""
    copy = tmp_path / "tutorial.toml"
    copy.write_text(TUTORIAL.read_text().replace("duration_min = 120", "duration_min = 3"))
    w = Watch(copy, "--days", "5", "--workers", "1", "--cap", "5", columns=60)
    try:
        first = w.until(r"quick look: one run per column")  # the warnings come first
        (warning,) = [line for line in first if "duration_min is in minutes" in line]
        assert warning.startswith(f"{copy}:54: failures.checkout_down.duration_min: warning: the outage lasts 3 minutes"), warning
        copy.write_text(TUTORIAL.read_text())
        w.until(r"^=== check 2:")
        again = w.until(r"quick look: one run per column")
        assert not any("warning:" in line for line in again), again
    finally:
        w.stop()


def test_a_save_shows_the_error_then_the_tree_and_kpis_again_then_the_new_number(watched):
    file, w = watched
    first = w.until(r"profit \(EUR\)")
    assert any(line.startswith("=== check 1:") and "valid, first result in" in line for line in first)
    assert any("failure checkout_down at checkout" in line for line in first)
    assert any("hit " in line and "customers in 1 occurrence" in line for line in first), "hits per failure"
    before = visits(first, "website")

    text = file.read_text()
    file.write_text(text.replace("\nhorizon_days = 40", "\nhorizon_dayz = 40"))
    broken = w.until(r"unknown key 'horizon_dayz'")
    assert any(line.startswith("=== check 2:") and "1 error(s)" in line for line in broken)
    assert f"{file}:11: horizon_dayz: unknown key 'horizon_dayz'; did you mean 'horizon_days'?" in " ".join(broken[-2:])

    file.write_text(text)
    fixed = w.until(r"profit \(EUR\)")
    assert any(line.startswith("=== check 3:") and "valid" in line for line in fixed)
    assert visits(fixed, "website") == before, "the same file gives the same numbers"

    file.write_text(text.replace("customers_per_hour = 4", "customers_per_hour = 8"))
    changed = w.until(r"profit \(EUR\)")
    assert any(line.startswith("=== check 4:") for line in changed)
    assert visits(changed, "website") > 1.5 * before, "twice the arrivals show as about twice the visits"

    file.unlink()
    gone = w.until(r"cannot be read")
    assert gone[-1] == f"{file}: cannot be read (deleted or moved?); still watching for it"
    file.write_text(text)
    w.until(r"profit \(EUR\)")  # back, and checked again

    code, stderr = w.stop()
    assert code == 0 and stderr.strip() == "", (code, stderr)


def test_the_lessons_are_refined_after_the_quick_look_and_say_when_they_stopped(watched):
    _, w = watched
    lines = w.until(r"^lessons: (stopped early|cap of)")
    assert "=== check 1:" in "\n".join(lines) and any("lessons after 5 reps" in line for line in lines)
    status = lines[-1]
    assert re.match(r"lessons: (stopped early at \d+ reps: every lesson settled|cap of 5 reps reached) \(\d+\.\d s\)$", status)
    rest = w.until(r"^  (holds|not shown|not measured|contradicted)")
    assert "sequential check: looks at 5 replications, each with a 95 % interval" in "\n".join(lines + rest)
    code, _ = w.stop()
    assert code == 0


# --- the sequential stopping rule ------------------------------------------------------------------


def test_the_plan_looks_at_fixed_counts_with_wider_intervals():
    plan = Plan()
    assert plan.looks == (5, 10, 15, 20)
    assert plan.confidence == pytest.approx(0.9875)
    assert plan.next_look(0) == 5 and plan.next_look(5) == 10 and plan.next_look(20) is None
    assert Plan(cap=7).looks == (5, 7)
    assert Plan(cap=5).looks == (5,) and Plan(cap=5).confidence == pytest.approx(0.95)
    with pytest.raises(ValueError):
        Plan(cap=3, first=5)


def _lesson(direction: str = "higher", margin: float | None = None) -> Lesson:
    return Lesson(says="x", kpi="money.profit", direction=direction, margin=margin, policy="a", baseline="b")


def _judged(differences: list[float], lesson: Lesson, confidence: float = 0.95) -> LessonResult:
    mine, base = Side("a"), Side("b")
    runs = {mine: [{"money.profit": d} for d in differences], base: [{"money.profit": 0.0} for _ in differences]}
    return judge(TUTORIAL_SCENARIO, lesson, (mine, base), runs, confidence)


def test_a_lesson_is_settled_when_its_interval_clears_zero_or_the_margin():
    assert settled(_judged([5, 6, 7, 5, 6], _lesson()))  # holds
    assert settled(_judged([-5, -6, -7, -5, -6], _lesson()))  # contradicted
    assert _judged([-5, -6, -7, -5, -6], _lesson()).verdict == "contradicted"
    assert not settled(_judged([5, -6, 7, -5, 1], _lesson()))  # spans zero: more replications may tell
    assert settled(_judged([0.1, -0.1, 0.05, 0.0, -0.05], _lesson("same", margin=1.0)))  # within the margin
    assert settled(_judged([5, 6, 7, 5, 6], _lesson("same", margin=1.0)))  # wholly outside it
    assert not settled(_judged([1.5, -1.8, 1.9, 0.0, -1.7], _lesson("same", margin=1.0)))  # reaches past it


def test_repeated_looks_keep_the_chance_of_a_wrong_verdict_at_five_percent():
    """With no true difference, a lesson settled as holding or contradicted is wrong. Looking at
    5, 10, 15 and 20 replications with 95 % intervals each time is wrong about twice as often as
    5 %; the plan's wider looks keep it under 5 %."""
    rng = RandomStreams(14)["test.null-differences"]
    plan = Plan()
    wrong = {"naive": 0, "plan": 0}
    trials = 600
    for _ in range(trials):
        diffs = rng.normal(0.0, 1.0, plan.cap).tolist()
        for rule, confidence in (("naive", 0.95), ("plan", plan.confidence)):
            for n in plan.looks:
                r = _judged(diffs[:n], _lesson(), confidence)
                if r.holds or r.contradicted:
                    wrong[rule] += 1
                    break
    assert wrong["naive"] / trials > 0.08, wrong
    assert wrong["plan"] / trials < 0.05, wrong


def test_a_refinement_runs_only_what_the_unsettled_lessons_need_and_stops_early():
    data = TUTORIAL.read_bytes()
    s = parse_scenario(data, "tutorial.toml").scenario
    r = Refinement(s, data, "tutorial.toml", days=1.0)
    jobs = r.next_jobs()
    needed = {side for lesson in s.lessons for side in sides(s, lesson)}
    assert len(jobs) == 5 * len(needed) and {j.seed for j in jobs} == set(r.seeds[:5])
    # a made-up world where every lesson's side is clearly higher or lower than its baseline
    proactive = dict(sides(s, s.lessons[0])[0].choices)

    def run(job) -> dict[str, float]:
        told = dict(job.choices) == proactive
        followed = dict(job.choices).get("next_time") == "follow_up"
        return {
            "experience.affected.repeat_probability_mean": 0.3 + 0.1 * (told or followed) + job.seed % 7 / 1000,
            "experience.affected.nps": 10.0 + 30 * told + job.seed % 5,
            "failures.checkout_down.customers_affected": 9.0 - 5 * told - job.seed % 3,
            "recovery.customers_affected": 12.0,
        }

    r.add(jobs, [run(j) for j in jobs])
    assert r.finished and r.stopped_early and r.done == 5
    assert all(v is not None and v.settled and v.reps == 5 and v.result.holds for v in r.verdicts)
    assert r.next_jobs() == []


def test_a_refinement_keeps_running_the_sides_of_an_unsettled_lesson_up_to_the_cap():
    data = TUTORIAL.read_bytes()
    s = parse_scenario(data, "tutorial.toml").scenario
    r = Refinement(s, data, "tutorial.toml", days=1.0, plan=Plan(cap=10))
    noisy = RandomStreams(3)["test.noise"]
    while not r.finished:
        jobs = r.next_jobs()
        r.add(jobs, [{"experience.affected.nps": float(noisy.normal(0, 10)), "recovery.customers_affected": 5.0} for _ in jobs])
    assert r.done == 10 and not r.stopped_early
    nps = next(v for v in r.verdicts if v is not None and v.result.lesson.kpi == "experience.affected.nps")
    assert nps.reps == 10 and not nps.settled and nps.result.verdict.startswith("not shown (the interval spans 0")


# --- a zero difference explains itself ----------------------------------------------------------------


def _zero(kpi: str, runs_a: list[dict[str, float]], runs_b: list[dict[str, float]]) -> LessonResult:
    lesson = Lesson(says="x", kpi=kpi, direction="lower", policy="proactive", baseline="reactive")
    mine, base = Side("proactive"), Side("reactive")
    return judge(TUTORIAL_SCENARIO, lesson, (mine, base), {mine: runs_a, base: runs_b})


def test_a_failure_that_hits_nobody_says_so_instead_of_asking_for_more_replications():
    runs = [{"failures.checkout_down.customers_affected": 0.0, "money.profit": float(i)} for i in range(5)]
    other = [{**r, "money.profit": r["money.profit"] + 1} for r in runs]
    r = _zero("failures.checkout_down.customers_affected", runs, other)
    assert r.unchanged and not r.holds
    assert (
        r.verdict == "not shown (no difference in any replication: no customer was affected by checkout_down in any replication)"
    )
    missing = _zero(
        "experience.affected.nps", [{"recovery.customers_affected": 0.0}] * 3, [{"recovery.customers_affected": 0.0}] * 3
    )
    assert missing.verdict == "not measured (no customer was hit by a failure in any replication)"


def test_two_sides_that_did_the_same_thing_say_so():
    runs = [{"failures.checkout_down.customers_affected": 4.0, "money.profit": float(i)} for i in range(5)]
    r = _zero("failures.checkout_down.customers_affected", runs, [dict(x) for x in runs])
    assert r.verdict == (
        "not shown (no difference in any replication: the policies did the same thing: every result is identical in every replication)"
    )


def test_plain_preview_explains_a_zero_difference_and_does_not_ask_for_more_replications(cxsim, tmp_path):
    text = TUTORIAL.read_text()
    text += """
[[lessons]]
says = "Within the first day nobody meets the broken checkout (it breaks on day 2)."
kpi = "failures.checkout_down.customers_affected"
direction = "lower"
answers = "proactive"
baseline_answers = "reactive"
"""
    file = tmp_path / "zero.toml"
    file.write_text(text)
    result = cxsim("preview", str(file), "--days", "1", "--reps", "3", "--workers", "1", "--no-progress")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "no customer was affected by checkout_down in any replication" in flat
    assert "failure checkout_down at checkout (scheduled, error, severity 0.5) ·" in flat
    assert "did not occur in this run" in flat and "(1 days, seed 1)" in flat
    assert "website (self-service, website) ·" in flat and "visits" in flat
    assert "decisions" in flat and "policies answer: reactive wait, proactive tell" in flat
    assert flat.count("not measured (no customer was hit by a failure in any replication)") == 3, flat
    assert "no value in any replication" in flat
    assert "lesson(s) not shown" not in flat, "more replications cannot help: preview does not suggest them"


def test_the_tree_shows_each_segments_own_route():
    from rich.console import Console

    from sim.cli.present import journey_tree

    text = TUTORIAL.read_text().replace(
        "next = { checkout = 0.6, end = 0.4 }",
        "next = { checkout = 0.6, end = 0.4 }\nsegments = { shopper = { next = { checkout = 0.3, end = 0.7 } } }",
    )
    s = parse_scenario(text.encode(), "segment.toml").scenario
    console = Console(width=200, record=True, emoji=False)
    console.print(journey_tree(s))
    shown = console.export_text()
    assert "next: checkout 60%, end 40%" in shown and "segment shopper, next: checkout 30%, end 70%" in shown
    assert "counts" not in shown, "no run given: no counts"


def test_watching_a_file_that_is_not_there_is_one_line_and_exit_2(cxsim, tmp_path):
    result = cxsim("preview", "--watch", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.toml'}: cannot read the file (not found, or a folder)"
