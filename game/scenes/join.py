"""The join screen: a trainee joins a classroom session from the title, with the join URL and a team name.

It does what ``cxsim play --join URL --team NAME`` does before the window opens: the same rules
for the URL and the name (``sim.classroom.client``: ``parse_join_url``, ``checked_team_name``),
the same join, and the game then plays joined exactly as with the flags (``launch.join_class``).
Anything wrong is one line on this screen, in the wording the command line uses, never a crash:
a URL that is not a join URL, a name the rules refuse, a host that cannot be reached, a host that
refuses (a name already taken, a wrong code, a session that has ended).

Joining is a network request (up to ``client.TIMEOUT_S`` seconds to an address that does not
answer), so it runs in a thread: the window keeps drawing ("Joining ...") and the screen picks up
the answer in ``update``.

Keyboard: the two fields are the first stops of the focus ring, before Join and Back; Enter in
the URL field goes on to the name, Enter in the name joins, Tab moves on; Esc goes back to the
title. Ctrl+V pastes into a field (pygame_gui's clipboard).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pygame
import pygame_gui

from game import launch, ui
from game.input import TEXT_FIELD, Intent, Keymap, Kind
from game.scene import Host, Scene
from sim.classroom.client import JoinError, TeamLink, checked_team_name, join, parse_join_url
from sim.classroom.protocol import TEAM_NAME_MAX
from sim.errors import SimError

URL_MAX = 300  # a join URL is about 40 characters; the field takes a pasted one with room to spare
LABELS = {"url": "Join URL", "team": "Team name"}
INTRO = (
    "Your facilitator's screen shows a join URL (cxsim host prints it: http://HOST:PORT/join/CODE). "
    "Type or paste it here, and your team's name: every team plays the same customers."
)


def problem_line(exc: SimError) -> str:
    """The one line the screen shows: the field it is about and the reason, as the command line words it."""
    if isinstance(exc, JoinError):
        label = LABELS.get(exc.field)
        return f"{label}: {exc.reason}" if label else exc.reason[:1].upper() + exc.reason[1:]
    return launch.first_problem(exc)


class JoinScene(Scene):
    name = "join"

    def __init__(self, host: Host, *, url: str = "", team: str = "", error: str | None = None) -> None:
        """``url``, ``team``: what the fields start with; ``error``: a line to show (a join the game could not play)."""
        super().__init__(host)
        self.url_text = url
        self.team_text = team
        self.error = error
        self.url_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.team_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.text_lines: list[tuple[str, int, tuple[int, int, int], bool, int]] = []
        self.labels: list[tuple[str, int, int]] = []
        self.status_y = 0
        self._thread: threading.Thread | None = None
        self._answer: TeamLink | SimError | None = None

    # --- layout ---------------------------------------------------------------------------------

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """Heading, what to do, the two labelled fields, Join and Back, the error or status line, the keys."""
        self.keep_text()
        p = self.host.painter
        w, h = size
        margin = p.px(20)
        width = min(w - 2 * margin, p.px(760))
        x = w // 2 - width // 2
        y = margin + p.px(30)
        self.text_lines = []
        for text, base, colour, bold in (("Join a class", 30, ui.SKY, True), (INTRO, 15, ui.TEXT, False)):
            for line in p.lines(text, base, width, bold):
                self.text_lines.append((line, base, colour, bold, y))
                y += p.line_h(base, bold)
        y += p.px(16)
        field_h = p.line_h(15) + p.px(14)
        self.labels = []
        entries = []
        for label, placeholder, text, limit in (
            (LABELS["url"], "http://192.168.1.20:8765/join/CODE", self.url_text, URL_MAX),
            (LABELS["team"], f"your team's name (1 to {TEAM_NAME_MAX} characters)", self.team_text, TEAM_NAME_MAX),
        ):
            self.labels.append((label, x, y))
            y += p.line_h(14) + p.px(4)
            entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(x, y, width, field_h), manager, placeholder_text=placeholder)
            entry.set_text_length_limit(limit)
            entry.set_text(text[:limit])
            entries.append(entry)
            y += field_h + p.px(12)
        self.url_entry, self.team_entry = entries
        bw, bh, gap = min(width, p.px(360)), p.line_h(15) + p.px(16), p.px(10)
        bx = w // 2 - bw // 2
        y += p.px(6)
        for label, action in (("Join  (Enter)", self.submit), ("Back  (Esc)", self.back)):
            self.add_button(manager, pygame.Rect(bx, y, bw, bh), label, action)
            y += bh + gap
        self.status_y = min(y + p.px(6), h - margin - p.line_h(13) - p.line_h(14))
        if self.url_text == "":  # a fresh screen: the keyboard starts in the URL field
            self.focus_entry(self.url_entry)

    def keep_text(self) -> None:
        """What the fields hold, so a rebuild (a resize, Ctrl +/-) keeps it."""
        if self.url_entry is not None:
            self.url_text = self.url_entry.get_text()
        if self.team_entry is not None:
            self.team_text = self.team_entry.get_text()

    # --- joining --------------------------------------------------------------------------------

    @property
    def joining(self) -> bool:
        return self._thread is not None

    def submit(self) -> None:
        """Check the URL and the name (the command line's rules), then join in a thread; an error is one line."""
        if self.joining:
            return
        self.keep_text()
        url, team = self.url_text.strip(), self.team_text
        try:
            parse_join_url(url)
            checked_team_name(team)
        except JoinError as exc:
            self.error = problem_line(exc)
            self.focus_entry(self.url_entry if exc.field == "url" else self.team_entry)
            return
        self.error = None
        folder = self.host.options.save_dir

        def work() -> None:
            try:
                self._answer = join(url, team, folder)
            except SimError as exc:
                self._answer = exc
            except Exception as exc:  # anything else the network or the disk throws: a line, never a crash
                self._answer = SimError(f"could not join: {type(exc).__name__}: {exc}")

        self._answer = None
        self._thread = threading.Thread(target=work, name="cxsim-join", daemon=True)
        self._thread.start()

    def update(self, dt: float) -> None:
        thread = self._thread
        if thread is None or thread.is_alive():
            return
        self._thread, answer = None, self._answer
        if isinstance(answer, TeamLink):
            self.host.pop()  # the title goes under what comes next: Back on the briefing returns there, joined
            error = launch.join_class(self.host, answer)
            if error:  # joined, but this game cannot play the session: say so here, as it was typed
                self.host.push("join", url=self.url_text, team=self.team_text, error=error)
        else:
            self.error = problem_line(answer) if isinstance(answer, SimError) else "could not join"

    def back(self) -> None:
        if not self.joining:
            self.host.pop()

    # --- keyboard -------------------------------------------------------------------------------

    def typing(self) -> bool:
        return any(e is not None and e.is_focused for e in (self.url_entry, self.team_entry))

    def keymaps(self) -> Sequence[Keymap]:
        return (TEXT_FIELD,) if self.typing() else self.keys  # typing: keys are letters

    def focus_entry(self, entry: pygame_gui.elements.UITextEntryLine | None) -> None:
        """Put the keyboard in ``entry``, typing on after what it holds."""
        if entry is not None:
            self.show_focus = True
            self.host.manager.set_focus_set(entry)
            entry.edit_position = len(entry.get_text())

    def leave_entry(self) -> None:
        self.host.manager.set_focus_set(None)
        for entry in (self.url_entry, self.team_entry):
            if entry is not None:
                entry.unfocus()

    def handle(self, intent: Intent) -> bool:
        kind = intent.kind
        url, team = self.url_entry, self.team_entry
        if kind in (Kind.TEXT_DONE, Kind.LEAVE_FIELD) and url is not None and team is not None:
            in_url = url.is_focused or intent.element is url
            in_team = team.is_focused or intent.element is team
            if in_url or in_team:
                self.leave_entry()
                if in_url:  # on to the name
                    self.focus_entry(team)
                elif kind is Kind.TEXT_DONE:  # Enter in the name: join
                    self.focus = 0
                    self.submit()
                else:  # Tab (or Esc) from the name: on to Join
                    self.focus = 0
                return True
        if self.typing():
            return False
        if kind is Kind.BACK:
            self.back()
            return True
        if kind is Kind.FOCUS_PREV and self.focus == 0:
            self.focus_entry(team)
            return True
        if kind is Kind.FOCUS_NEXT and self.focus == len(self.buttons) - 1:
            self.focus_entry(url)
            return True
        return super().handle(intent)

    def draw_focus(self, surface: pygame.Surface) -> None:
        for entry in (self.url_entry, self.team_entry):
            if entry is not None and entry.is_focused:
                pygame.draw.rect(surface, ui.FOCUS, entry.get_abs_rect().inflate(8, 8), 3, border_radius=9)
                return
        super().draw_focus(surface)

    # --- drawing --------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        w, h = surface.get_size()
        for line, base, colour, bold, y in self.text_lines:
            p.text(surface, line, (w // 2, y), base, colour, bold=bold, anchor="midtop")
        for label, x, y in self.labels:
            p.text(surface, label, (x, y), 14, ui.MUTED, bold=True)
        if self.joining:
            p.text(surface, p.fitting(f"Joining {self.url_text.strip()} ...", 14, w - p.px(40)), (w // 2, self.status_y), 14,
                   ui.TEXT, anchor="midtop")  # fmt: skip
        elif self.error:
            rect = pygame.Rect(p.px(20), self.status_y, w - p.px(40), h - self.status_y - p.line_h(13) - p.px(20))
            for line in p.lines(self.error, 14, rect.width)[: max(1, rect.height // p.line_h(14))]:
                p.text(surface, line, (w // 2, rect.top), 14, ui.VERMILION, anchor="midtop")
                rect.top += p.line_h(14)
        foot = "Keyboard: Tab moves between the fields and the buttons, Enter joins, Esc goes back. Ctrl+V pastes."
        p.text(surface, p.fitting(foot, 13, w - p.px(40), end=False), (w // 2, h - p.px(20) - p.line_h(13)), 13, ui.MUTED,
               anchor="midtop")  # fmt: skip
