"""The decision card: the situation, up to four options with their estimated cost, keys 1-4 or the mouse.

Each option shows what it will cost in total as an estimate (``sim.authoring.option_costs``),
with its parts: the fixed cost, the cost per caller or per customer reached times how many, the
compensation, the extra agent hours. The card is laid out from the text's own size (labels wrap,
the prompt box scrolls, the parts give way to the total when space runs out), so nothing is cut
off from 0.8x to 2x text in any window from 800x500. An option's button is a transparent hit
area over the row the card draws: a pygame_gui button cannot wrap its text.

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
from game.session import Session
from sim.authoring.option_costs import OptionCost, estimate_option, state_of
from sim.engine.decisions import PendingDecision
from sim.scenario.teaching import default_option

TITLE, LABEL, SMALL = 18, 16, 13  # text sizes on the card (base sizes, scaled with the window and Ctrl +/-)


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
        state = state_of(session.sim, pending.incident)  # priced once, when the card comes up
        self.costs: dict[str, OptionCost] = {n: estimate_option(session.scenario, self.spec, n, state) for n in self.spec.options}

    @property
    def answered(self) -> bool:
        """Chosen, or the default was taken when time ran out: the card shows the feedback."""
        return self.chosen is not None or self.timed_out

    def card_rect(self, size: tuple[int, int]) -> pygame.Rect:
        """The card: centred, as wide as reads well (wider with larger text), as tall as the window allows."""
        p = self.host.painter
        margin = p.px(16)
        w = min(size[0] - 2 * margin, round(p.px(900) * max(1.0, p.text_scale)))
        rect = pygame.Rect(0, 0, w, size[1] - 2 * margin)
        rect.center = (size[0] // 2, size[1] // 2)
        return rect

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """Lay the card out from the text's own size, so nothing is cut off at any text size or window."""
        p = self.host.painter
        card = self.card = self.card_rect(size)
        pad = p.px(16)
        inner = card.inflate(-2 * pad, 0)
        self.title_h = p.line_h(TITLE, True)
        countdown = not self.spec.pause and not self.answered
        side_by_side = p.width(self.title(), TITLE, True) + p.width(self.countdown_text(), SMALL) + pad <= inner.width
        self.countdown_below = countdown and not side_by_side
        y = card.top + pad + self.title_h + (p.line_h(SMALL) if self.countdown_below else 0) + p.px(8)
        bottom = card.bottom - pad - p.line_h(SMALL) - p.px(8)  # the hint line
        self.rows: list[tuple[pygame.Rect, list[str], list[str]]] = []
        if not self.answered:
            rows = [self.option_text(inner.width - 2 * pad, name) for name in self.spec.options]
            gap = p.px(8)
            label_h, cost_h = p.line_h(LABEL, True), p.line_h(SMALL)
            prompt_min = 2 * p.line_h(15) + p.px(20)
            room = bottom - y - prompt_min - gap
            heights = [len(label) * label_h + len(cost) * cost_h + gap for label, cost in rows]
            while sum(heights) + gap * len(rows) > room and any(len(c) > 1 for _, c in rows):
                rows = [(label, cost[:1]) for label, cost in rows]  # parts left out: the total stays
                heights = [len(label) * label_h + len(cost) * cost_h + gap for label, cost in rows]
            allowed = max(prompt_min, bottom - y - sum(heights) - gap * len(rows) - gap)
        else:
            allowed = max(2 * p.line_h(15) + p.px(20), (bottom - y) // 3)
        box = pygame.Rect(inner.left, y, inner.width, allowed)
        self.prompt = pygame_gui.elements.UITextBox(ui.gui_text(self.spec.prompt.strip().replace("\n", " ")), box, manager)
        prompt_h = self.fitted_height(self.prompt, allowed)
        if prompt_h != allowed:  # as tall as its text, or whole lines of it (a longer prompt scrolls in its box)
            self.prompt.set_dimensions((inner.width, prompt_h))
        y += prompt_h + p.px(10)
        if not self.answered:
            for i, ((label, cost), name) in enumerate(zip(rows, self.spec.options, strict=True)):
                h = len(label) * p.line_h(LABEL, True) + len(cost) * p.line_h(SMALL) + p.px(8)
                rect = pygame.Rect(inner.left, y, inner.width, h)
                self.rows.append((rect, label, cost))
                text = f"{i + 1}   {self.spec.options[name].label}"  # the row's whole label (drawn wrapped by ``draw``)
                self.add_button(manager, rect, text, lambda n=name: self.choose(n), object_id="#hit_area")
                y += h + p.px(8)
        else:
            self.feedback_y = y
            bw, bh = p.width("Continue  (Enter)", 15) + p.px(48), p.line_h(15) + p.px(16)
            self.continue_rect = pygame.Rect(card.centerx - bw // 2, bottom - bh, bw, bh)
            self.add_button(manager, self.continue_rect, "Continue  (Enter)", self.close)

    @staticmethod
    def fitted_height(box: pygame_gui.elements.UITextBox, allowed: int) -> int:
        """The height that shows all of a text box's text, or as many whole lines as fit in ``allowed`` (it scrolls)."""
        rows = box.text_box_layout.layout_rows if box.text_box_layout is not None else []
        border = box.border_width
        edges = border["top"] + border["bottom"] if isinstance(border, dict) else 2 * border
        chrome = int(2 * box.padding[1] + edges + 2 * box.shadow_width + 2)
        if not rows or max(row.bottom for row in rows) + chrome <= allowed:
            return min(allowed, max((row.bottom for row in rows), default=0) + chrome)
        pitch = rows[1].y - rows[0].y if len(rows) > 1 else rows[0].height
        return max(rows[0].height + chrome, chrome + ((allowed - chrome - rows[0].height) // pitch) * pitch + rows[0].height)

    def option_text(self, width: int, name: str) -> tuple[list[str], list[str]]:
        """An option's label and its price, as wrapped lines: '1  [proactive] label' and 'about 2,900 EUR: ...'."""
        p = self.host.painter
        i = list(self.spec.options).index(name)
        opt = self.spec.options[name]
        style = f"[{opt.style}] " if self.spec.show_style and opt.style != "neutral" else ""
        label = p.lines(f"{i + 1}   {style}{opt.label}", LABEL, width, bold=True)
        cost = self.costs[name]
        price = p.lines(f"costs {cost.headline()}" + (" (estimate)" if cost.parts else ""), SMALL, width)
        parts = p.lines("; ".join(cost.part_texts()), SMALL, width) if cost.parts else []
        return label, price + parts

    def title(self) -> str:
        return f"DECISION: {self.pending.name.replace('_', ' ').upper()}"

    def countdown_text(self) -> str:
        if self.spec.pause or self.answered:
            return ""
        left = ""
        if self.spec.respond_within_min:
            remaining = self.pending.since + self.spec.respond_within_min - self.now
            left = f": {max(0.0, remaining):.0f} sim minutes left"
        return f"time keeps running{left}"

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
        pad = p.px(16)
        ui.panel(surface, card, (30, 36, 50))
        pygame.draw.rect(surface, ui.ORANGE, card, 3, border_radius=8)
        with p.within(card):
            p.text(surface, self.title(), (card.left + pad, card.top + pad), TITLE, ui.ORANGE, bold=True)
            countdown = self.countdown_text()
            if countdown and self.countdown_below:
                p.text(surface, countdown, (card.left + pad, card.top + pad + self.title_h), SMALL, ui.YELLOW)
            elif countdown:
                p.text(surface, countdown, (card.right - pad, card.top + pad + p.px(2)), SMALL, ui.YELLOW, anchor="topright")
            if self.answered:
                self.draw_feedback(surface)
            else:
                for (rect, label, cost), (button, _) in zip(self.rows, self.buttons, strict=True):
                    self.draw_row(surface, rect, label, cost, hovered=button.hovered)
                keys = "1" if len(self.rows) == 1 else f"1-{len(self.rows)}"
                hint = f"press {keys} or click an option; costs are estimates for this run"
                p.text(surface, p.fitting(hint, SMALL, card.width - 2 * pad), (card.centerx, card.bottom - pad), SMALL, ui.MUTED,
                       anchor="midbottom")  # fmt: skip

    def draw_row(self, surface: pygame.Surface, rect: pygame.Rect, label: list[str], cost: list[str], *, hovered: bool) -> None:
        """One option: its label (wrapped) and its estimated cost with the parts that make it up."""
        p = self.host.painter
        pygame.draw.rect(surface, (54, 64, 90) if hovered else (42, 49, 66), rect, border_radius=6)
        pygame.draw.rect(surface, ui.SKY, rect, 2, border_radius=6)
        with p.within(rect):
            x, y = rect.left + p.px(16), rect.top + p.px(4)
            for line in label:
                p.text(surface, line, (x, y), LABEL, bold=True)
                y += p.line_h(LABEL, True)
            for i, line in enumerate(cost):
                p.text(surface, line, (x, y), SMALL, ui.YELLOW if i == 0 else ui.MUTED)
                y += p.line_h(SMALL)

    def draw_feedback(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        card = self.card
        if self.timed_out:
            opt = default_option(self.spec)
            heading = f"Time ran out: the default was taken ({self.spec.options[opt].label})"
            text = self.spec.options[opt].feedback
        else:
            assert self.chosen is not None
            opt_spec = self.spec.options[self.chosen]
            heading = f"You chose: {opt_spec.label}"
            text = opt_spec.feedback or "Noted. Watch what happens next."
        pad = p.px(16)
        area = pygame.Rect(
            card.left + pad, self.feedback_y, card.width - 2 * pad, self.continue_rect.top - p.px(8) - self.feedback_y
        )
        y = p.wrapped(surface, heading, area, LABEL, ui.YELLOW, bold=True)
        p.wrapped(surface, text, pygame.Rect(area.left, y + p.px(6), area.width, area.bottom - y - p.px(6)), LABEL)

    def visible_text(self) -> list[str]:
        return [*super().visible_text(), ui.shown_text(self.prompt)]  # the prompt as its text box shows it
