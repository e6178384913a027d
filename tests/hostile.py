"""A scenario whose every string is hostile user text: console markup, pygame_gui tags, spreadsheet formulas.

Each front end must show these strings exactly as written (and survive them): the CLI's rich
output, the game's text boxes and buttons, the HTML report and the CSV files.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import SCENARIOS

MARKUP = "[bold]x[/bold] [/b] [red]"
TAGS = '<img src="/etc/passwd"> <shadow size=99999> <b>bold</b> &amp;'
FORMULAS = '=HYPERLINK("x") +1 @cmd'
HOSTILE = f"{MARKUP} {TAGS} {FORMULAS}"

TITLE = f"{HOSTILE} ends in a backslash \\"  # a trailing backslash must not escape the markup after it
PROMPT = f"{HOSTILE} What do you do?"
WAIT_LABEL = f"+1 {HOSTILE} wait"
TELL_LABEL = f"@cmd {HOSTILE} tell"
SAYS = f"{HOSTILE} Customers told first buy again more."
CURRENCY = "=[/b]"  # at most 8 characters: a formula start and a closing tag
FEEDBACK = f"{HOSTILE} feedback"
DEBRIEF = f"{HOSTILE} debrief"
DESCRIPTION = f"{HOSTILE} description"
OBJECTIVE = f"-{HOSTILE} objective"


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def hostile_toml(*, nul: bool = False) -> str:
    """The tutorial scenario with hostile text in its title, labels, prompt, feedback, debrief, lesson and currency.

    With ``nul``, the title, prompt and an option label also hold a NUL (``"\\u0000"`` in TOML).
    """
    q = json.dumps  # a TOML basic string is a JSON string for these characters
    extra = "\u0000" if nul else ""
    t = (SCENARIOS / "tutorial.toml").read_text(encoding="utf-8")
    t = _replace(t, 'title = "Tutorial: the broken checkout"', f"title = {q(TITLE + extra)}")
    t = _replace(
        t,
        'description = """\nA small online shop. Customers browse, then check out. On day 2 at noon the checkout breaks for\n'
        'two hours. Do you wait for complaints, or tell the customers it hit?"""',
        f"description = {q(DESCRIPTION)}",
    )
    t = _replace(
        t,
        'learning_objectives = ["Customers hit by a failure who hear from you first stay more loyal than those left to complain."]',
        f"learning_objectives = [{q(OBJECTIVE)}]",
    )
    t = _replace(t, 'currency = "EUR"', f"currency = {q(CURRENCY)}")
    t = _replace(t, 'label = "Checkout down"', f"label = {q(HOSTILE)}")
    t = _replace(t, 'label = "Apologise"', f"label = {q(HOSTILE)}")
    t = _replace(t, 'prompt = "The checkout is down. What do you do?"', f"prompt = {q(PROMPT + extra)}")
    t = _replace(
        t,
        "debrief = \"{hit} customers hit the broken checkout and {contacted} of them called ({contacted_one_in}); "
        "{reached_first} heard from you first. Their chance of buying again: {affected_repeat}, {repeat_gap} against '{alternative}'.\"",
        f"debrief = {q(DEBRIEF)}",
    )
    t = _replace(t, 'label = "Wait for calls and apologise to callers"', f"label = {q(WAIT_LABEL + extra)}")
    t = _replace(t, 'label = "E-mail every customer it hit"', f"label = {q(TELL_LABEL)}")
    t = _replace(t, 'feedback = "Callers hear an apology. The others hear nothing."', f"feedback = {q(FEEDBACK)}")
    t = _replace(
        t,
        'says = "Customers hit by the failure are more likely to buy again when you told them first."',
        f"says = {q(SAYS)}",
    )
    return t


def write_hostile(folder: Path, name: str = "hostile.toml", *, nul: bool = False) -> Path:
    """Write the hostile scenario into ``folder`` and return its path."""
    path = folder / name
    path.write_text(hostile_toml(nul=nul), encoding="utf-8")
    return path
