"""Coach marks: a short tour of the interface on the real screen, for a trainee's first session.

Why the app holds it, not a screen of its own: a tour talks about the screen the trainee is
looking at, so that screen must stay on top with its widgets built and drawn as usual (the app
builds only the top screen's widgets, and rebuilds them at every resize). The app asks the
``Tour`` each frame which mark shows on the top screen, lets it take its keys and clicks first,
holds time while a mark is shown (the trainee reads; nothing moves under the text), and draws
the mark last (game/render/coach.py).

A ``Mark`` names the screen it belongs to, a title, one or two sentences and how to find the
rectangle it highlights on that screen: read every frame from the screen's public attributes,
so it is the real widget's rectangle at any window and text size. Enter, Space, Right, Down
or a click go on; Left and Up go back; Esc skips the tour (the ``COACH`` keymap of game/input.py, where
every binding of the game is listed). Every other key reaches the screen,
so a trainee can try a speed key or C while the mark that explains it is shown.

The play screen's marks come first (the map and its moods, failures, following a customer,
the KPI panel, the speeds); the last mark waits for the first decision card. The tour starts
by itself on a new session of the tutorial scenario, and again with F1 (``Kind.TOUR``) on the play screen or
in the pause menu, whose "Show the tour" button does the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

import pygame
import pygame_gui

from game.input import COACH, TOUR, Kind, key_intent
from game.live_view import LiveView
from game.render.coach import MarkLayout, draw_mark
from game.render.journey import JourneyMap
from game.scene import Scene
from game.session import Session
from game.ui import Painter
from sim.scenario.schema import Scenario, ScheduledFailure

TOUR_SCENARIOS = frozenset({"tutorial"})  # scenario files (stem) whose new sessions start with the tour
WAIT_FOR_CUSTOMER_MIN = 120.0  # a tour that starts by itself lets time run this long for a first customer
MAX_MARKS = 7  # the tour stays short: a test holds it to fewer than this many marks


@dataclass(frozen=True)
class Mark:
    """One coach mark: where it shows, what it says, and what it highlights there."""

    key: str
    screen: str  # the name of the screen it belongs to
    title: str
    text: Callable[[Scene], str]
    target: Callable[[Scene, Painter], pygame.Rect | None]  # None: not ready on this screen yet


# --- what the marks read of the screens (their public attributes; screens are known by name) --------


class PlayScreen(Protocol):
    """What the tour reads of the play screen (game/scenes/play.py)."""

    session: Session
    view: LiveView
    scenario: Scenario
    map: JourneyMap
    kpi_rect: pygame.Rect
    done: bool
    buttons: list[tuple[pygame_gui.elements.UIButton, Callable[[], None]]]

    def travel(self) -> float: ...

    def follow_next(self) -> None: ...


class CardScreen(Protocol):
    """What the tour reads of a decision card (game/scenes/decision.py)."""

    buttons: list[tuple[pygame_gui.elements.UIButton, Callable[[], None]]]

    @property
    def answered(self) -> bool: ...


def _play(scene: Scene) -> PlayScreen | None:
    return cast(PlayScreen, scene) if scene.name == "play" else None


def _card(scene: Scene) -> CardScreen | None:
    return cast(CardScreen, scene) if scene.name == "decision" else None


def _union(rects: Sequence[pygame.Rect | pygame.FRect]) -> pygame.Rect:
    """The smallest rectangle around ``rects`` (a row of buttons as one target)."""
    whole = [pygame.Rect(r) for r in rects]
    return whole[0].unionall(whole[1:])


# --- the marks' targets and texts ------------------------------------------------------------------


def map_target(scene: Scene, p: Painter) -> pygame.Rect | None:
    play = _play(scene)
    return pygame.Rect(play.map.rect) if play is not None else None


def nobody_yet(scene: Scene) -> bool:
    """The map of a session just started, before its first customer (a tour that started by itself waits)."""
    play = _play(scene)
    return play is not None and not play.view.markers and play.session.sim.now < WAIT_FOR_CUSTOMER_MIN


def failing_touchpoint(play: PlayScreen) -> str | None:
    """The touchpoint of the scenario's first failure (scheduled ones first: they are the story)."""
    failures = list(play.scenario.failures.values())
    failures.sort(key=lambda f: not isinstance(f, ScheduledFailure))
    for failure in failures:
        if failure.touchpoint in play.map.spots:
            return failure.touchpoint
    return None


def touchpoint_box(play: PlayScreen, p: Painter, name: str) -> pygame.Rect:
    """The box the map draws for touchpoint ``name`` (laid out by game/render/journey.py)."""
    place = play.map.places.get(name)
    if place is not None:
        return pygame.Rect(place.box)
    return pygame.Rect(play.map.rect)


def failure_target(scene: Scene, p: Painter) -> pygame.Rect | None:
    play = _play(scene)
    if play is None:
        return None
    name = failing_touchpoint(play)
    return touchpoint_box(play, p, name) if name is not None else pygame.Rect(play.map.rect)


def failure_text(scene: Scene) -> str:
    text = (
        "When a touchpoint fails its box gets a red edge and a warning sign, and the customers it hits "
        "turn orange or red. Most of them never call you, so watch the map, not only the phone."
    )
    play = _play(scene)
    if play is not None:
        for failure in play.scenario.failures.values():
            if isinstance(failure, ScheduledFailure):
                label = failure.label or failure.touchpoint
                return f"{text}\nIn this scenario: {label}, day {failure.day} at {failure.time}."
    return text


def follow_target(scene: Scene, p: Painter) -> pygame.Rect | None:
    """The followed customer's marker (the tour follows one if nobody is), else the map."""
    play = _play(scene)
    if play is None:
        return None
    view = play.view
    if view.followed is not None:
        for cid, x, y in play.map.positions(p, view.markers, play.session.sim.now, play.travel()):
            if cid == view.followed:
                ring = pygame.Rect(0, 0, p.px(44), p.px(44))
                ring.center = (x, y)
                return ring
    return pygame.Rect(play.map.rect)


def kpi_target(scene: Scene, p: Painter) -> pygame.Rect | None:
    play = _play(scene)
    return pygame.Rect(play.kpi_rect) if play is not None else None


def speed_target(scene: Scene, p: Painter) -> pygame.Rect | None:
    """The five speed buttons, as one rectangle."""
    play = _play(scene)
    if play is None or not play.buttons:
        return None
    return _union([button.get_abs_rect() for button, _ in play.buttons[:5]])


def card_target(scene: Scene, p: Painter) -> pygame.Rect | None:
    """The decision card's options, while it has them."""
    card = _card(scene)
    if card is None or card.answered or not card.buttons:
        return None
    return _union([button.get_abs_rect() for button, _ in card.buttons])


def _said(text: str) -> Callable[[Scene], str]:
    return lambda _scene: text


MARKS: tuple[Mark, ...] = (
    Mark("map", "play", "The journey map", _said(
        "Each marker is one customer walking the journey, left to right. Its shape and colour say how they feel: "
        "blue star delighted, green circle content, grey square neutral, orange triangle annoyed, red cross angry."
    ), map_target),
    Mark("failure", "play", "Failures", failure_text, failure_target),
    Mark("follow", "play", "Follow a customer", _said(
        "Click a customer, or press C, to follow one: the panel on the right tells their story as it happens. "
        "C moves on to the next customer; X stops following."
    ), follow_target),
    Mark("kpis", "play", "How it is going", _said(
        "Satisfaction (CSAT) and NPS now, repeat purchase, orders and money, with their trend; then each service "
        "channel's wait, and how many customers failures hit and how many you reached first."
    ), kpi_target),
    Mark("speeds", "play", "Time", _said(
        "Time stands still while this tour talks. Keys 1-5 set the speed (1 pauses, then 1x, 4x, 16x, 64x), Space pauses "
        "and resumes, End fast-forwards. Try 5 now, then Enter: the tour goes on at the first decision."
    ), speed_target),
    Mark("card", "decision", "A decision", _said(
        "Time stops for a decision, unless its card shows a countdown. Each option says what it costs; press 1-4 or click one. "
        "The debrief then replays the same customers with the other options, so you see what your choice changed."
    ), card_target),
)  # fmt: skip


# --- the tour ----------------------------------------------------------------------------------------


def wants_tour(scene: Scene) -> bool:
    """Whether ``scene`` is the play screen of a new session of a tour scenario (the tour starts by itself)."""
    play = _play(scene)
    return play is not None and Path(play.session.loaded.path).stem in TOUR_SCENARIOS and play.session.sim.now == 0.0


def is_replay(event: pygame.event.Event) -> bool:
    """F1 (``Kind.TOUR``, bound in game/input.py): show the tour (again)."""
    if event.type != pygame.KEYDOWN:
        return False
    intent = key_intent(event, (TOUR,))
    return intent is not None and intent.kind is Kind.TOUR


class Tour:
    """Which mark is current, what it takes from the input, and drawing it on the top screen."""

    def __init__(self, marks: tuple[Mark, ...] = MARKS, *, wait_for_customer: bool = False) -> None:
        """``wait_for_customer``: the first mark waits until the map has a customer to point at (a new session)."""
        self.marks = marks
        self.wait_for_customer = wait_for_customer
        self.index = 0
        self.done = False
        self.shown: int | None = None  # the mark whose ``enter`` ran
        self.layout: MarkLayout | None = None  # where the last drawn mark went (clicks, tests)
        self.followed_by_tour = False
        self.seen: list[str] = []  # keys of the marks shown, in order (what a trainee went through)

    @property
    def mark(self) -> Mark | None:
        return None if self.done else self.marks[self.index]

    def showing(self, scene: Scene, p: Painter) -> tuple[Mark, pygame.Rect] | None:
        """The mark shown on ``scene`` this frame and its target, or None (time runs, input goes to the screen)."""
        mark = self.mark
        if mark is None or mark.screen != scene.name:
            return None
        if self.wait_for_customer and self.index == 0 and self.shown is None and nobody_yet(scene):
            return None
        target = mark.target(scene, p)
        return None if target is None else (mark, target)

    def update(self, scene: Scene, p: Painter) -> None:
        """Before the frame's input: end the tour if its next mark can no longer come; enter a mark newly shown."""
        mark = self.mark
        if mark is None:
            return
        if scene.name not in ("play", "decision", "pause") or (mark.screen == "decision" and _ended(scene)):
            self.finish(scene)
            return
        card = _card(scene)
        if card is not None and mark.screen == "decision" and card.answered:
            self.finish(scene)  # answered before reading the mark: nothing left to point at
            return
        if self.showing(scene, p) is not None and self.shown != self.index:
            self.shown = self.index
            self.seen.append(mark.key)
            self.enter(mark, scene)

    def enter(self, mark: Mark, scene: Scene) -> None:
        play = _play(scene)
        if mark.key == "follow" and play is not None and play.view.followed is None and play.view.markers:
            play.follow_next()  # show, don't tell: the panel turns into the customer's story
            self.followed_by_tour = True

    def leave(self, scene: Scene) -> None:
        play = _play(scene)
        if self.followed_by_tour and play is not None:
            play.view.follow(None)
        self.followed_by_tour = False

    def go(self, step: int, scene: Scene) -> None:
        """Move to the next (+1) or previous (-1) mark; back only within the same screen."""
        if self.mark is None:
            return
        target = self.index + step
        if target < 0 or (step < 0 and self.marks[target].screen != scene.name):
            return
        self.leave(scene)
        if target >= len(self.marks):
            self.finish(scene)
            return
        self.index = target

    def finish(self, scene: Scene) -> None:
        self.leave(scene)
        self.done = True

    def take(self, event: pygame.event.Event, scene: Scene, p: Painter) -> bool:
        """Act on ``event`` if it is the tour's (a mark is shown and it is one of its keys or a click); True if taken."""
        if self.showing(scene, p) is None:
            return False
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            controls = self.layout.controls if self.layout is not None else {}
            hit = next((name for name, rect in controls.items() if rect.collidepoint(event.pos)), "next")
            if hit == "skip":
                self.finish(scene)
            else:
                self.go(-1 if hit == "back" else 1, scene)
            return True
        if event.type in (pygame.MOUSEBUTTONUP, pygame.MOUSEBUTTONDOWN):
            return True  # no click reaches the widgets under the shade
        if event.type != pygame.KEYDOWN:
            return False
        intent = key_intent(event, (COACH,))
        if intent is None:
            return False
        if intent.kind is Kind.BACK:
            self.finish(scene)
        else:
            self.go(-1 if intent.kind is Kind.FOCUS_PREV else 1, scene)
        return True

    def draw(self, surface: pygame.Surface, p: Painter, scene: Scene) -> None:
        """Draw the mark shown on ``scene``, if any (last, over everything)."""
        shown = self.showing(scene, p)
        if shown is None:
            self.layout = None
            return
        mark, target = shown
        prev = self.index > 0 and self.marks[self.index - 1].screen == scene.name
        self.layout = draw_mark(surface, p, target, mark.title, mark.text(scene), self.index + 1, len(self.marks),
                                can_go_back=prev)  # fmt: skip


def _ended(scene: Scene) -> bool:
    play = _play(scene)
    return play is not None and (play.done or play.session.finished)
