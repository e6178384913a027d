"""The game window: a stack of screens, one main loop, and what works on every screen.

Screens (``Scene``) are pushed and popped by name (the registry is game/navigation.py):
title -> picker -> briefing -> play (with decision cards and the pause menu on top) ->
debrief -> results. Each frame the app turns events into intents (game/input.py) for the top
screen, updates it, lets every visible screen ``sync`` and draws them. The app itself handles
what must work on any screen: closing the window (the session autosaves), resizing and F11
fullscreen (the UI is rebuilt at the new scale), minimising, Ctrl+plus/minus for text size,
and screenshots for demos and docs. ``App`` is the ``Host`` screens talk to (game/scene.py).

With an LRS configured, each session the app plays reports to it (game/launch.py gives the
session its reporter): the app tells the LMS when the trainee leaves a session unfinished
(``suspended``; a finished one said ``terminated`` as it finished), and at the end of the program gives
the last statements a few seconds to leave, saying in one line what still waits in the outbox.

The app also holds the coach marks' ``Tour`` (game/coach.py) beside the stack, because a tour
points at the top screen's own widgets: it takes its keys and clicks first, time holds while a
mark is shown, and the mark is drawn last, over everything.

Why ``SDL_FRAMEBUFFER_ACCELERATION=0``: on Linux, SDL2 pushes the window's pixels through an
OpenGL texture whenever a GL driver answers, and a software one (Mesa's llvmpipe, on a machine
without a GPU, in a VM, or in Xvfb) then costs 7-8 ms a frame at 1280x720; X11's shared-memory
path costs about 0.2 ms there (``make bench``, docs/game.md). Windows already uses its blit path,
and drivers without one (macOS, Wayland) keep the texture. Set the variable to 1 to compare.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

from . import coach, ui
from .coach import Tour
from .input import Intent, Kind, screen_intent, window_intent
from .navigation import SCENES
from .options import GameOptions
from .scene import Scene
from .ui import Painter

if TYPE_CHECKING:
    from sim.lms.reporter import Reporter

    from .session import Session

log = logging.getLogger("cxsim.game")

MIN_SIZE = (800, 500)
TEXT_SCALES = (0.8, 2.0)  # Ctrl - and Ctrl + stay within these (every screen fits at both ends)
HELD_BY_HOST = ("play", "decision")  # the screens whose time a classroom host's "pause all" (or its lobby) holds
REPORTING_GRACE_S = 3.0  # at the end of the program, how long the last LMS statements may take to leave


class App:
    """The window, the screen stack and the main loop."""

    def __init__(self, options: GameOptions, scenes: Mapping[str, type[Scene]] = SCENES) -> None:
        self.options = options
        self.scenes = scenes
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")  # see the module's docstring
        pygame.display.init()
        pygame.font.init()  # no pygame.init(): the game needs no sound device
        pygame.display.set_caption("cxsim: customer service or customer experience?")
        pygame.key.set_repeat(400, 60)
        self.fullscreen = False
        self.windowed_size = options.size
        self.screen = pygame.display.set_mode(options.size, pygame.RESIZABLE)
        self.painter = Painter()
        self.painter.resize(self.screen.get_size())
        self.manager = self._new_manager()
        self.stack: list[Scene] = []
        self.clock = pygame.time.Clock()
        self.running = True
        self.minimised = False
        self.frame = 0
        self.exit_code = 0
        self.reporters: list[Reporter] = []  # of every session played, to let their last statements leave at the end
        self._session: Session | None = None
        self.shots_taken: set[str] = set()
        self.shot_files: list[Path] = []
        self.tour: Tour | None = None  # the coach marks, while a tour runs
        self.toured = False  # a tour started by itself once (a tutorial session); F1 shows it again
        self.flip_s = 0.0  # how long the last frame's display flip took (the bench reads it)

    # --- session --------------------------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        """The session being played (autosaved on quit), if any."""
        return self._session

    @session.setter
    def session(self, session: Session | None) -> None:
        self._session = session
        if session is not None and session.reporter is not None and session.reporter not in self.reporters:
            self.reporters.append(session.reporter)

    def report_leaving(self) -> None:
        """The trainee leaves the session: ``suspended`` for the LMS if it is unfinished (its autosave can be resumed).

        A finished one said ``completed`` and ``terminated`` as its results were saved (``Session.finish``).
        ``terminated`` is kept for that end: it has one id per session, so a session resumed after one
        would have its real end refused by the LRS.
        """
        session = self._session
        if session is None or session.reporter is None:
            return
        reporter, session.reporter = session.reporter, None  # a session is left once
        if session.results is None:
            reporter.suspended(session.sim.now)

    def close_reporting(self, grace_s: float = REPORTING_GRACE_S) -> str | None:
        """Give the sessions' last statements ``grace_s`` seconds to leave; the line to print if some still wait."""
        if not self.reporters:
            return None
        deadline = time.monotonic() + grace_s
        for reporter in self.reporters:
            reporter.close(max(0.0, deadline - time.monotonic()))
        return waiting_line(self.reporters)

    # --- stack ----------------------------------------------------------------------------------

    @property
    def top(self) -> Scene:
        return self.stack[-1]

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    def make(self, name: str, **kwargs: Any) -> Scene:
        """Build the screen registered as ``name``."""
        factory = self.scenes.get(name)
        if factory is None:
            raise KeyError(f"no screen named '{name}' (screens: {', '.join(self.scenes)})")
        return factory(self, **kwargs)

    def _shoot_before_leaving(self) -> None:
        """A screen about to be covered or replaced still has its last frame on the display: keep it."""
        if self.stack and self.options.screenshots is not None:
            top = self.top
            if top.name not in self.shots_taken and top.frames_shown > 0:
                self.shots_taken.add(top.name)
                self.screenshot(top.name)

    def push(self, name: str, **kwargs: Any) -> Scene:
        """Open the screen ``name`` on top; the keyword arguments go to its constructor."""
        return self._push(self.make(name, **kwargs))

    def _push(self, scene: Scene) -> Scene:
        self._shoot_before_leaving()
        self.stack.append(scene)
        self.rebuild()
        scene.on_enter()
        if self.tour is None and not self.toured and not self.options.autoplay and coach.wants_tour(scene):
            self.start_tour(wait_for_customer=True)  # a tutorial's new session: the tour starts by itself, once
        return scene

    def pop(self) -> Scene:
        scene = self.stack.pop()
        scene.on_exit()
        self.rebuild()
        if self.stack:
            self.top.on_enter()
        return scene

    def replace(self, name: str, **kwargs: Any) -> Scene:
        """Close every screen and open ``name``."""
        scene = self.make(name, **kwargs)
        self._shoot_before_leaving()
        while self.stack:
            self.stack.pop().on_exit()
        return self._push(scene)

    def quit(self, code: int = 0) -> None:
        """Leave the game; an unfinished session is autosaved first (and the LMS told the trainee left it)."""
        if self.session is not None and not self.session.finished:
            try:
                path = self.session.autosave()
                log.info("session autosaved to %s", path)
            except OSError as exc:
                log.error("could not autosave: %s", exc)
        self.report_leaving()
        self.exit_code = code
        self.running = False

    def start_tour(self, *, wait_for_customer: bool = False) -> None:
        """Show the coach marks from the first one (F1 on the play screen; the pause menu may call it too).

        ``wait_for_customer``: the first mark waits for a customer on the map (a session just started).
        """
        while self.stack and self.top.name == "pause":
            self.pop()
        self.toured = True
        self.tour = Tour(wait_for_customer=wait_for_customer)

    def quit_session(self) -> None:
        """Autosave the running session and let go of it (back to the title)."""
        if self.session is not None and not self.session.finished:
            self.session.autosave()
        self.report_leaving()
        self.session = None

    # --- window ---------------------------------------------------------------------------------

    def _new_manager(self) -> pygame_gui.UIManager:
        size = self.screen.get_size()
        font_size = self.painter.font_px(15)
        manager = pygame_gui.UIManager(size, ui.load_theme(font_size))
        manager.preload_fonts(
            [{"name": "noto_sans", "point_size": font_size, "style": style, "antialiased": "1"} for style in ("bold", "italic")]
        )
        return manager

    def rebuild(self) -> None:
        """Recreate the widgets of the top screen at the current size and text scale."""
        self.manager = self._new_manager()
        if self.stack:
            scene = self.top
            scene.buttons = []
            scene.build(self.manager, self.screen.get_size())
            scene.focus = min(scene.focus, max(0, len(scene.buttons) - 1))

    def resize(self, size: tuple[int, int]) -> None:
        w, h = max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1])
        if (w, h) != self.screen.get_size():
            self.screen = pygame.display.set_mode((w, h), pygame.RESIZABLE)
        self.painter.resize((w, h))
        self.rebuild()

    def toggle_fullscreen(self) -> None:
        self.fullscreen = not self.fullscreen
        if self.fullscreen:
            self.windowed_size = self.screen.get_size()
            self.screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            self.screen = pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)
        self.painter.resize(self.screen.get_size())
        self.rebuild()

    def change_text_scale(self, factor: float) -> None:
        low, high = TEXT_SCALES
        self.painter.set_text_scale(max(low, min(high, self.painter.text_scale * factor)))
        self.rebuild()

    # --- loop -----------------------------------------------------------------------------------

    def on_window(self, intent: Intent) -> bool:
        """Act on a window intent; True if it is used up (the screens do not see the event)."""
        kind = intent.kind
        if kind is Kind.QUIT:
            self.quit(0)
        elif kind is Kind.RESIZE:
            if self.fullscreen:
                return False
            self.resize(intent.size)
        elif kind is Kind.MINIMISE:
            self.minimised = True
        elif kind is Kind.RESTORE:
            self.minimised = False
            return False
        elif kind is Kind.FULLSCREEN:
            self.toggle_fullscreen()
        elif kind is Kind.TEXT_BIGGER:
            self.change_text_scale(1.1)
        elif kind is Kind.TEXT_SMALLER:
            self.change_text_scale(1 / 1.1)
        elif kind is Kind.SCREENSHOT:
            self.screenshot(f"{self.top.name}-{self.frame}")
        else:
            return False
        return True

    def steer_tour(self) -> None:
        """Move the tour on with the screens; let it go when it is done."""
        if not self.stack:
            return
        scene = self.top
        if self.tour is not None:
            self.tour.update(scene, self.painter)
            if self.tour.done:
                self.tour = None

    def step(self, dt: float) -> None:
        """One frame: events, update, sync, draw."""
        self.steer_tour()
        for event in pygame.event.get():
            intent = window_intent(event)
            if intent is not None and self.on_window(intent):
                continue
            if not self.stack:
                break
            scene = self.top
            if self.tour is not None and self.tour.take(event, scene, self.painter):
                self.steer_tour()
                continue
            if self.tour is None and scene.name in ("play", "pause") and coach.is_replay(event):
                self.start_tour()
                self.steer_tour()
                continue
            consumed = self.manager.process_events(event)
            intent = screen_intent(event, scene.keymaps(), consumed=consumed)
            if intent is not None:
                if intent.kind is Kind.BUTTON:
                    scene.button_pressed(intent.element)
                    continue
                scene.handle(intent)
            if not self.running:
                return
        if not self.running or not self.stack:
            return
        scene = self.top
        if self.options.autoplay:
            scene.autoplay()
            if not self.running or not self.stack:
                return
            scene = self.top
        link = self.options.classroom  # a classroom session (--join): report to the host; its pause holds time
        if link is not None and self.session is not None:
            link.observe(self.session.sim, self.session.finished, run=self.session.record.started_at)
        held = link is not None and link.holds_time and scene.name in HELD_BY_HOST
        if not held and (self.tour is None or self.tour.showing(scene, self.painter) is None):  # time holds under a mark
            scene.update(dt)
        if not self.running or not self.stack:
            return
        self.steer_tour()
        self.manager.update(dt)
        if not self.minimised:
            visible = self.visible()
            for shown in visible:
                shown.sync()
            self.draw(visible)
        self.frame += 1

    def visible(self) -> list[Scene]:
        """The screens drawn this frame, bottom first: the top one, and under an overlay the screen below it."""
        scene = self.top
        if scene.overlay:
            below = next((s for s in reversed(self.stack[:-1]) if not s.overlay), None)
            if below is not None:
                return [below, scene]
        return [scene]

    def draw(self, visible: list[Scene]) -> None:
        self.painter.drawn = []
        self.screen.fill(ui.BG)
        scene = visible[-1]
        if scene.overlay:
            if len(visible) > 1:
                visible[0].draw(self.screen)
            shade = pygame.Surface(self.screen.get_size(), pygame.SRCALPHA)
            shade.fill((0, 0, 0, 150))
            self.screen.blit(shade, (0, 0))
        scene.draw(self.screen)
        self.manager.draw_ui(self.screen)
        scene.draw_focus(self.screen)
        if self.tour is not None:
            self.tour.draw(self.screen, self.painter, scene)
        if self.options.classroom is not None and (line := self.options.classroom.banner):
            self.draw_banner(line)
        started = time.perf_counter()
        pygame.display.flip()
        self.flip_s = time.perf_counter() - started
        scene.frames_shown += 1
        shots = self.options.screenshots is not None
        if shots and scene.name not in self.shots_taken and scene.frames_shown >= scene.screenshot_after:
            self.shots_taken.add(scene.name)
            self.screenshot(scene.name)

    def draw_banner(self, line: str) -> None:
        """The classroom session's line (waiting for the start, paused by the facilitator, host unreachable), over every screen."""
        p = self.painter
        w = self.screen.get_width()
        text = p.fitting(line, 16, w - p.px(60), True, end=False)
        rect = pygame.Rect(0, 0, p.width(text, 16, True) + p.px(28), p.line_h(16, True) + p.px(14))
        rect.midtop = (w // 2, p.px(60))
        ui.panel(self.screen, rect, ui.BLUE)
        with p.within(rect):
            p.text(self.screen, text, rect.center, 16, bold=True, anchor="center")

    def screenshot(self, name: str) -> Path | None:
        folder = self.options.screenshots or Path("screenshots")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{len(self.shot_files):02d}-{name}.png"
            tmp = path.with_suffix(".tmp.png")
            pygame.image.save(self.screen, str(tmp))
            os.replace(tmp, path)
        except (OSError, pygame.error) as exc:
            log.error("could not save a screenshot: %s", exc)
            return None
        self.shot_files.append(path)
        return path

    def visible_text(self) -> list[str]:
        """Every string on screen this frame (the text layer tests read)."""
        texts = list(self.painter.drawn)
        for scene in self.stack:
            texts.extend(scene.visible_text())
        return texts

    def run(self) -> int:
        """The main loop; returns the exit status."""
        limit = self.options.frames
        while self.running and self.stack:
            dt = self.clock.tick(60) / 1000.0 if self.options.realtime else 1 / 60
            self.step(min(dt, 0.1))
            if limit is not None and self.frame >= limit:
                self.quit(0)
        if self.session is not None and not self.session.finished and self.exit_code == 0:
            self.quit(self.exit_code)
        pygame.display.quit()
        waiting = self.close_reporting()
        if waiting:
            log.warning("%s", waiting)
        return self.exit_code


def waiting_line(reporters: list[Reporter]) -> str | None:
    """One line for the terminal if statements wait in the outbox: how many, where, why, and how to send them later."""
    from sim.lms.outbox import OutboxError

    last = reporters[-1]
    try:
        waiting = len(last.outbox)
    except OutboxError as exc:
        return f"LMS reporting: {exc}"
    if not waiting:
        return None
    reasons = [r.last_report.stopped.reason for r in reporters if r.last_report is not None and r.last_report.stopped is not None]
    why = f" ({reasons[-1]})" if reasons else ""
    return (
        f"LMS reporting: {waiting} statements wait in {last.outbox.path}{why}; run 'cxsim lrs flush' when the LRS can be reached"
    )
