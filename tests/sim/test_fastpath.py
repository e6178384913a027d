"""The engine's SimPy shortcuts, its event calendar and its journey driver, each against SimPy's own ``Environment``.

``Walk`` drives a generator on SimPy events without a ``simpy.Process``; it must resume it as a
Process would: values of succeeded events sent in, exceptions of failed events thrown in (and
the event defused), already-processed events continued at once. Each test runs the same
generator both ways and compares what it saw. ``resume_now`` and ``trigger_urgently`` reach into
SimPy's private event fields (which is why ``simpy`` is pinned below 5): these tests are what
tells a new SimPy release apart. The engine's ``Environment`` keeps far events out of SimPy's
heap; a hypothesis test holds the order in which events fire equal to SimPy's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.fastpath import Environment, resume_now, trigger_urgently
from sim.engine.walk import Pause, Walk

Journey = Callable[[simpy.Environment, list], Generator[simpy.Event, Any, None]]


def _as_process(journey: Journey) -> list:
    env = simpy.Environment()
    log: list = []
    env.process(journey(env, log))
    env.run()
    return log


def _as_walk(journey: Journey) -> list:
    env = simpy.Environment()
    log: list = []
    Walk(journey(env, log))
    env.run()
    return log


def _both(journey: Journey) -> list:
    """What the journey saw driven by Walk, after checking a Process saw exactly the same."""
    walked = _as_walk(journey)
    assert walked == _as_process(journey)
    return walked


# --- Walk: values ------------------------------------------------------------------------------------------


def test_walk_sends_each_event_value_in_at_its_time_as_a_process_does():
    def journey(env, log):
        log.append((env.now, "start"))
        value = yield env.timeout(2, value="a")
        log.append((env.now, value))
        signal = env.event()
        env.timeout(3).callbacks.append(lambda _e: signal.succeed(42))
        value = yield signal
        log.append((env.now, value))
        value = yield env.timeout(0.5)  # no value: None
        log.append((env.now, value))
        both = yield env.timeout(1, value="x") & env.timeout(4, value="y")
        log.append((env.now, list(both.values())))
        first = yield env.timeout(1, value="fast") | env.timeout(9, value="slow")
        log.append((env.now, list(first.values())))

    assert _both(journey) == [
        (0, "start"),
        (2, "a"),
        (5, 42),
        (5.5, None),
        (9.5, ["x", "y"]),
        (10.5, ["fast"]),
    ]


def test_walk_continues_at_once_after_an_already_processed_event():
    def journey(env, log):
        early = env.timeout(1, value="early")
        yield env.timeout(3)
        log.append((env.now, early.processed))
        value = yield early  # processed at 1: its value now, no waiting
        log.append((env.now, value))
        value = yield early
        log.append((env.now, value))
        pending = env.event().succeed("later")  # triggered but not yet processed: wait for it
        log.append((env.now, pending.processed))
        value = yield pending
        log.append((env.now, value, pending.processed))

    assert _both(journey) == [(3, True), (3, "early"), (3, "early"), (3, False), (3, "later", True)]


def test_journeys_waiting_on_one_event_resume_in_the_order_they_began_to_wait():
    def runner(drive: Callable[[simpy.Environment, Generator], Any]) -> list:
        env = simpy.Environment()
        log: list = []
        gate = env.event()

        def waiter(name):
            value = yield gate
            log.append((env.now, name, value))

        for name in ("first", "second", "third"):
            drive(env, waiter(name))
        env.timeout(2).callbacks.append(lambda _e: gate.succeed("open"))
        env.run()
        return log

    walked = runner(lambda env, gen: Walk(gen))
    assert walked == runner(lambda env, gen: env.process(gen))
    assert walked == [(2, "first", "open"), (2, "second", "open"), (2, "third", "open")]


def test_walk_starts_at_once_while_a_process_starts_on_the_next_step():
    env = simpy.Environment()
    log: list = []

    def journey(name):
        log.append(name)
        yield env.timeout(1)

    env.process(journey("process"))
    Walk(journey("walk"))
    assert log == ["walk"]  # inside the constructor
    env.step()  # the process's Initialize event
    assert log == ["walk", "process"]


def test_a_pause_fires_exactly_where_a_timeout_would_among_events_of_the_same_time():
    """Re-armed for each wait, a Pause takes the next event id as env.timeout does: same times, same order."""

    def runner(make_wait: str) -> list:
        env = simpy.Environment()
        log: list = []

        def journey(name, delays):
            pause = None
            for d in delays:
                if make_wait == "timeout":
                    wait = env.timeout(d)
                else:
                    wait = pause = Pause(env, d) if pause is None else pause.after(d)
                value = yield wait
                log.append((env.now, name, value))

        for name, delays in (("a", [1, 1, 0, 2]), ("b", [2, 0, 1]), ("c", [0.5, 1.5, 1])):
            Walk(journey(name, delays))
            env.timeout(2).callbacks.append(lambda _e, n=name: log.append((env.now, "tick", n)))
        env.run()
        return log

    assert runner("pause") == runner("timeout")


def test_a_pause_drives_a_process_too_and_refuses_a_negative_delay():
    env = simpy.Environment()
    log: list = []

    def journey():
        pause = Pause(env, 1)
        log.append((yield pause))
        log.append((yield pause.after(2)))
        log.append((yield pause.after(0)))
        log.append(env.now)

    env.process(journey())
    env.run()
    assert log == [None, None, None, 3]
    with pytest.raises(ValueError, match="Negative delay"):
        Pause(env, 1).after(-1)


# --- Walk: failed events --------------------------------------------------------------------------------


def _failing(env: simpy.Environment, at: float, exc: BaseException) -> simpy.Event:
    event = env.event()
    env.timeout(at).callbacks.append(lambda _e: event.fail(exc))
    return event


def test_a_failed_event_is_thrown_into_the_journey_which_can_catch_it_and_go_on():
    events: list[simpy.Event] = []

    def journey(env, log):
        event = _failing(env, 2, ValueError("boom"))
        events.append(event)
        try:
            yield event
            log.append((env.now, "not reached"))
        except ValueError as err:
            log.append((env.now, "caught", type(err).__name__, err.args))
        value = yield env.timeout(1, value="after")
        log.append((env.now, value))

    assert _both(journey) == [(2, "caught", "ValueError", ("boom",)), (3, "after")]
    walked, processed = events
    assert walked.defused and processed.defused  # so the environment did not crash on them


def test_an_already_processed_failed_event_is_thrown_in_at_once():
    def journey(env, log):
        event = env.event()
        event.fail(KeyError("gone"))
        event.defused = True  # someone handled it when it was processed
        yield env.timeout(5)
        try:
            yield event
        except KeyError as err:
            log.append((env.now, "caught", err.args))

    assert _both(journey) == [(5, "caught", ("gone",))]


@pytest.mark.parametrize("drive", ["walk", "process"])
def test_an_uncaught_exception_propagates_from_env_run(drive):
    env = simpy.Environment()
    log: list = []

    def journey():
        log.append("waiting")
        yield _failing(env, 2, ValueError("boom"))
        log.append("not reached")

    Walk(journey()) if drive == "walk" else env.process(journey())
    with pytest.raises(ValueError, match="boom"):
        env.run()
    assert (env.now, log) == (2, ["waiting"])


def test_an_uncaught_exception_leaves_from_the_step_of_the_failed_event_itself():
    # A Process fails its own event and crashes the environment one step later; Walk has no event
    # of its own, so the exception leaves the very step that processes the failed event.
    def steps_until_crash(drive: Callable[[simpy.Environment, Generator], Any]) -> int:
        env = simpy.Environment()

        def journey():
            yield _failing(env, 2, ValueError("boom"))

        drive(env, journey())
        steps = 0
        while True:
            steps += 1
            try:
                env.step()
            except ValueError:
                return steps

    # Process: Initialize, the timeout at 2, the failed event, the process's own end.
    assert steps_until_crash(lambda env, gen: env.process(gen)) == 4
    # Walk: no Initialize, the timeout at 2, the failed event.
    assert steps_until_crash(lambda env, gen: Walk(gen)) == 2


def test_the_exception_thrown_in_is_a_copy_chained_to_the_event_exception_as_simpy_does():
    original = ValueError("boom")
    seen: dict[str, BaseException] = {}

    def runner(name: str, drive: Callable[[simpy.Environment, Generator], Any]) -> None:
        env = simpy.Environment()

        def journey():
            try:
                yield _failing(env, 1, original)
            except ValueError as err:
                seen[name] = err

        drive(env, journey())
        env.run()

    runner("process", lambda env, gen: env.process(gen))
    assert seen["process"] is not original and seen["process"].__cause__ is original
    runner("walk", lambda env, gen: Walk(gen))
    assert seen["walk"] is not original and seen["walk"].__cause__ is original


# --- resume_now ----------------------------------------------------------------------------------------------


def test_resume_now_runs_the_callbacks_in_order_at_once_without_scheduling_anything():
    env = simpy.Environment(initial_time=3)
    log: list = []
    event = env.event()
    event.callbacks.append(lambda e: log.append(("first", env.now, e.value)))
    event.callbacks.append(lambda e: log.append(("second", env.now, e.value)))

    resume_now(event, "v")

    assert log == [("first", 3, "v"), ("second", 3, "v")]
    assert (event.triggered, event.processed, event.ok, event.value) == (True, True, True, "v")
    assert env.peek() == float("inf")  # nothing was scheduled: the event will not be processed again
    env.run()
    assert len(log) == 2


def test_a_walk_waiting_on_an_event_resumed_now_goes_on_inside_the_call():
    env = simpy.Environment()
    log: list = []
    gate = env.event()

    def journey():
        value = yield gate
        log.append(("got", env.now, value))
        value = yield env.timeout(1)
        log.append(("waited", env.now, value))

    Walk(journey())
    env.timeout(4).callbacks.append(lambda _e: resume_now(gate, "ticket"))
    env.step()
    assert log == [("got", 4, "ticket")]  # before any further step
    env.run()
    assert log == [("got", 4, "ticket"), ("waited", 5, None)]


# --- trigger_urgently -----------------------------------------------------------------------------------


def test_trigger_urgently_fires_before_a_normal_event_of_the_same_time_scheduled_earlier():
    env = simpy.Environment()
    log: list = []
    env.timeout(5, value="normal").callbacks.append(lambda e: log.append((env.now, e.value)))
    now_event = env.event().succeed("normal now")
    now_event.callbacks.append(lambda e: log.append((env.now, e.value)))
    urgent_later = env.event()
    urgent_later.callbacks.append(lambda e: log.append((env.now, "urgent", e.value)))
    urgent_now = env.event()
    urgent_now.callbacks.append(lambda e: log.append((env.now, "urgent", e.value)))

    trigger_urgently(env, urgent_later, 5)
    trigger_urgently(env, urgent_now)
    assert (urgent_later.triggered, urgent_later.processed) == (True, False)
    env.run()

    assert log == [(0, "urgent", None), (0, "normal now"), (5, "urgent", None), (5, "normal")]
    assert urgent_later.ok and urgent_now.ok


def test_urgent_events_of_one_time_fire_in_the_order_they_were_triggered():
    env = simpy.Environment()
    log: list = []
    for name in ("a", "b", "c"):
        event = env.event()
        event.callbacks.append(lambda _e, name=name: log.append((env.now, name)))
        trigger_urgently(env, event, 2)
    env.run()
    assert log == [(2, "a"), (2, "b"), (2, "c")]


def _world(env: simpy.Environment) -> tuple[list, simpy.Event]:
    """Processes that wait, fail, and an event with two callbacks at the minute ``run`` stops."""
    log: list = []

    def ticker() -> Generator[simpy.Event, Any, None]:
        for i in range(5):
            yield env.timeout(1.5)
            log.append(("tick", env.now, i))

    def failing() -> Generator[simpy.Event, Any, None]:
        event = env.event()
        env.schedule(event, delay=2.0)
        event._ok, event._value = False, ValueError("down")  # type: ignore[attr-defined]
        try:
            yield event
        except ValueError as exc:
            log.append(("caught", env.now, str(exc)))

    env.process(ticker())
    env.process(failing())
    halt = env.event()
    trigger_urgently(env, halt, 4.5)
    return log, halt


@pytest.mark.parametrize("stop_at", [None, 4.5])
def test_the_engines_run_loop_processes_events_exactly_as_simpys(stop_at):
    runs = []
    for cls in (simpy.Environment, Environment):
        env = cls()
        log, halt = _world(env)
        if stop_at is None:
            env.run()
        else:
            env.run(until=halt)
            log.append(("stopped", env.now))
            env.run(until=env.timeout(10))  # and it goes on from there
        runs.append((log, env.now))
    assert runs[0] == runs[1]
    assert ("stopped", 4.5) in runs[1][0] or stop_at is None


def test_the_engines_run_loop_raises_a_failed_event_nobody_defused_as_simpy_does():
    for cls in (simpy.Environment, Environment):
        env = cls()
        event = env.event()
        event.fail(KeyError("lost"))
        with pytest.raises(KeyError, match="lost"):
            env.run(until=env.timeout(3))


# --- the two-tier calendar: near and far events come out in SimPy's order ----------------------------------

_DELAYS = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 59.0, 60.0, 61.0, 1440.0, math.inf]),  # the same minute, the edge of an hour, a day, never
    st.integers(min_value=0, max_value=150).map(float),  # whole minutes: many events due together, near the edge
    st.floats(min_value=0.0, max_value=5000.0, allow_nan=False),
)


def _calendar_log(cls: type[simpy.Environment], plan: list[tuple[float, list[float], bool]], until: float | None) -> list:
    """Every event of ``plan`` as it fires: each top-level timeout schedules its children when it fires
    (some urgently), so events are added to both heaps while others are pending."""
    env = cls()
    log: list = []

    def fire(name: str, children: list[float], urgent: bool) -> Callable[[simpy.Event], None]:
        def callback(_event: simpy.Event) -> None:
            log.append((env.now, name, env.peek()))
            for j, delay in enumerate(children):
                child = env.event()
                child.callbacks.append(fire(f"{name}.{j}", [], False))
                if urgent:
                    trigger_urgently(env, child, delay)
                else:
                    child.succeed()  # NORMAL priority, now
                    env.timeout(delay).callbacks.append(fire(f"{name}.t{j}", [], False))

        return callback

    for i, (delay, children, urgent) in enumerate(plan):
        env.timeout(delay).callbacks.append(fire(str(i), children, urgent))
    if until is None:
        env.run()
    else:
        env.run(until=env.timeout(until))
        log.append(("stopped", env.now, env.peek()))
        env.run()
    return log


@settings(max_examples=300, deadline=None)
@given(
    plan=st.lists(st.tuples(_DELAYS, st.lists(_DELAYS, max_size=4), st.booleans()), max_size=25),
    until=st.one_of(st.none(), st.floats(min_value=0.1, max_value=3000.0)),
)
def test_the_two_tier_calendar_fires_every_event_at_simpys_time_and_in_simpys_order(plan, until):
    assert _calendar_log(Environment, plan, until) == _calendar_log(simpy.Environment, plan, until)


def test_events_a_day_away_wait_in_the_far_lists_and_come_back_in_order():
    env = Environment()
    log: list = []
    for delay in (2 * 1440.0, 30.0, 1440.0, 1440.0, 5.0):
        env.timeout(delay, value=delay).callbacks.append(lambda e: log.append((env.now, e.value)))
    assert sum(map(len, env._far.values())) == 3 and len(env._queue) == 2  # only what is due within the hour is in SimPy's heap
    assert env.peek() == 5.0
    env.run()
    assert log == [(5.0, 5.0), (30.0, 30.0), (1440.0, 1440.0), (1440.0, 1440.0), (2880.0, 2880.0)]
    assert env.peek() == simpy.core.Infinity
