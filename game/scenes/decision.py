"""The decision card: the situation, up to four options with their cost, keys 1-4 or the mouse.

The choice goes to the engine as a ``Choose`` command through the session (which autosaves),
exactly as a policy's answer would. Then the card shows the scenario's feedback for that
option. Whether options carry a reactive/proactive label before choosing is the scenario's
``show_style`` setting; whether time runs meanwhile is its ``pause`` setting.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame
import pygame_gui

from game import ui
from game.input import CARD, FOCUS, Intent, Kind
from game.scene import Host, Scene
from game.session import Session, option_cost, option_unit_cost
from sim.engine.decisions import PendingDecision, default_option


class DecisionScene(Scene):
    name = "decision"
    overlay = True
    settle_frames = 2
    keys = (CARD, FOCUS)

    def __init__(self, host: Host, *, session: Session, pending: PendingDecision, run_time: Callable[[float], None]) -> None:
        """``run_time(dt)`` advances the run under the card (the play screen's update), for cards that let time run."""
        super().__init__(host)
        self.session = session
        self.pending = pending
        self.spec = pending.spec
        self.run_time = run_time
        self.chosen: str | None = None
        self.timed_out = False
        self.now = session.sim.now
        self._auto_wait = 0

    @property
    def answered(self) -> bool:
        """Chosen, or the default was taken when time ran out: the card shows the feedback."""
        return self.chosen is not None or self.timed_out

    def card_rect(self, size: tuple[int, int]) -> pygame.Rect:
        p = self.host.painter
        w = min(size[0] - p.px(60), p.px(900))
        h = min(size[1] - p.px(60), p.px(560))
        rect = pygame.Rect(0, 0, w, h)
        rect.center = (size[0] // 2, size[1] // 2)
        return rect

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.host.painter
        card = self.card = self.card_rect(size)
        inner = card.inflate(-p.px(40), 0)
        y = card.top + p.px(56)
        prompt_h = p.px(130)
        self.prompt = pygame_gui.elements.UITextBox(
            ui.gui_text(self.spec.prompt.strip().replace("\n", " ")), pygame.Rect(inner.left, y, inner.width, prompt_h), manager
        )
        y += prompt_h + p.px(14)
        if not self.answered:
            scenario = self.session.scenario
            cur = scenario.currency
            bh = p.px(52)
            for i, (name, opt) in enumerate(self.spec.options.items()):
                style = f"[{opt.style}] " if self.spec.show_style and opt.style != "neutral" else ""
                fixed = option_cost(scenario, self.spec, name)
                unit = option_unit_cost(scenario, self.spec, name)
                cost = f"{fixed:,.0f} {cur}" + (f" + {unit:g} {cur}/customer" if unit else "")
                label = f"{i + 1}   {style}{opt.label}   ({cost})"
                self.add_button(manager, pygame.Rect(inner.left, y, inner.width, bh), label,
                                lambda n=name: self.choose(n), object_id="#option")  # fmt: skip
                y += bh + p.px(10)
        else:
            self.feedback_y = y
            bw = p.px(220)
            self.add_button(manager, pygame.Rect(card.centerx - bw // 2, card.bottom - p.px(70), bw, p.px(46)),
                            "Continue  (Enter)", self.close)  # fmt: skip

    def choose(self, option: str) -> None:
        if self.answered:
            return
        if self.pending.name not in self.session.sim.pending_decisions:
            self.timed_out = True
        else:
            self.session.choose(self.pending.name, option)
            self.chosen = option
        self.focus = 0
        self.host.rebuild()

    def close(self) -> None:
        self.host.pop()

    def handle(self, intent: Intent) -> bool:
        if intent.kind is Kind.CHOOSE and not self.answered:
            names = list(self.spec.options)
            if intent.index < len(names):
                self.choose(names[intent.index])
            return True
        if intent.kind is Kind.BACK and self.answered:
            self.close()
            return True
        return super().handle(intent)

    def update(self, dt: float) -> None:
        if not self.spec.pause:
            self.run_time(dt)  # time keeps running under this card
            if not self.answered and self.pending.name not in self.session.sim.pending_decisions:
                self.timed_out = True
                self.host.rebuild()

    def autoplay(self) -> None:
        self._auto_wait += 1
        if self._auto_wait < 20:  # long enough for a screenshot and for a demo audience to read
            return
        if not self.answered:
            self.choose(self.session.policy_choice(self.pending.name))
            self._auto_wait = 0
        elif self._auto_wait >= 20:
            self.close()

    def sync(self) -> None:
        self.now = self.session.sim.now  # the countdown shows this frame's time

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        card = self.card
        ui.panel(surface, card, (30, 36, 50))
        pygame.draw.rect(surface, ui.ORANGE, card, 3, border_radius=8)
        title = self.pending.name.replace("_", " ").upper()
        p.text(surface, f"DECISION: {title}", (card.left + p.px(20), card.top + p.px(16)), 18, ui.ORANGE, bold=True)
        if not self.spec.pause and not self.answered:
            left = ""
            if self.spec.respond_within_min:
                remaining = self.pending.since + self.spec.respond_within_min - self.now
                left = f": {max(0.0, remaining):.0f} sim minutes left"
            p.text(surface, f"time keeps running{left}", (card.right - p.px(20), card.top + p.px(20)), 13, ui.YELLOW,
                   anchor="topright")  # fmt: skip
        if self.answered:
            if self.timed_out:
                opt = default_option(self.spec)
                heading = f"Time ran out: the default was taken ({self.spec.options[opt].label})"
                text = self.spec.options[opt].feedback
            else:
                assert self.chosen is not None
                opt_spec = self.spec.options[self.chosen]
                heading = f"You chose: {opt_spec.label}"
                text = opt_spec.feedback or "Noted. Watch what happens next."
            area = pygame.Rect(
                card.left + p.px(20), self.feedback_y, card.width - p.px(40), card.bottom - self.feedback_y - p.px(80)
            )
            y = p.wrapped(surface, heading, area, 16, ui.YELLOW, bold=True)
            p.wrapped(surface, text, pygame.Rect(area.left, y + p.px(8), area.width, area.bottom - y), 16)
        else:
            hint = "press 1-4 or click an option"
            p.text(surface, hint, (card.centerx, card.bottom - p.px(16)), 13, ui.MUTED, anchor="midbottom")

    def visible_text(self) -> list[str]:
        return [*super().visible_text(), ui.shown_text(self.prompt)]  # the prompt as its text box shows it
