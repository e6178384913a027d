"""Drive the game headless like a trainee: post key presses and clicks, run frames, read the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pygame

from game.app import App
from game.options import GameOptions


class Driver:
    """An App in a dummy window, stepped frame by frame."""

    def __init__(self, tmp: Path, **options: object) -> None:
        opts = GameOptions(save_dir=tmp / "sessions", realtime=False, **options)  # type: ignore[arg-type]
        self.app = App(opts)
        self.app.push("title")

    @property
    def scene(self):
        return self.app.top

    def frames(self, n: int = 1) -> None:
        for _ in range(n):
            if not self.app.running:
                return
            self.app.step(1 / 60)

    def until(self, condition: Callable[[], bool], limit: int = 3000) -> None:
        for _ in range(limit):
            if condition():
                return
            if not self.app.running:
                raise AssertionError("the game stopped while waiting")
            self.app.step(1 / 60)
        raise AssertionError(f"condition not met after {limit} frames (screen: {self.app.top.name})")

    def key(self, key: int, mod: int = 0, unicode: str = "") -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=unicode, scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode=unicode, scancode=0))
        self.frames(2)

    def type_text(self, text: str) -> None:
        for ch in text:
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        self.frames(2)

    def click(self, pos: tuple[int, int]) -> None:
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
        self.frames(1)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        self.frames(1)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
        self.frames(2)

    def click_button(self, text_start: str) -> None:
        for button, _ in self.scene.buttons:
            if button.text.lstrip().startswith(text_start) or text_start in button.text:
                self.click(button.get_abs_rect().center)
                return
        raise AssertionError(f"no button '{text_start}' on {self.scene.name}: {[b.text for b, _ in self.scene.buttons]}")

    def text(self) -> str:
        return "\n".join(self.app.visible_text())

    def close(self) -> None:
        if self.app.running:
            self.app.quit(0)
        pygame.display.quit()
