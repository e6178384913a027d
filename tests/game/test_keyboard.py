"""A keyboard-only trainee: reaches and types in the name field, opens and closes the file dialog, picks a scenario."""

from __future__ import annotations

import shutil
from pathlib import Path

import pygame
import pytest
from game_driver import Driver
from helpers import SCENARIOS

from game.scenes.picker import PickerScene
from game.scenes.title import TitleScene


@pytest.fixture
def driver(tmp_path):
    d = Driver(tmp_path)  # started without a file: the title leads to the picker
    yield d
    d.close()


def test_tab_and_arrows_reach_the_name_field_and_letters_type_in_it(driver):
    d = driver
    d.frames(3)
    title = d.scene
    assert isinstance(title, TitleScene) and title.name_entry is not None
    assert not title.typing()
    d.key(pygame.K_UP)  # from the first button back to the field
    assert title.typing()
    d.type_text("Ada")
    d.key(pygame.K_TAB)  # done: on to the start button
    assert not title.typing() and title.focus == 0
    assert title.name_entry.get_text() == "Ada"
    d.key(pygame.K_TAB)  # Join a class
    d.key(pygame.K_TAB)  # Quit
    d.key(pygame.K_TAB)  # past the last button, round to the field again
    assert title.typing()
    d.type_text(" L")
    d.key(pygame.K_RETURN)
    assert title.name_entry.get_text() == "Ada L" and title.focus == 0
    d.key(pygame.K_RETURN)  # Start training
    assert isinstance(d.scene, PickerScene)
    assert d.app.options.trainee == "Ada L"


def to_picker(d: Driver) -> PickerScene:
    d.frames(3)
    d.key(pygame.K_RETURN)
    assert isinstance(d.scene, PickerScene)
    return d.scene


def focus_button(d: Driver, picker: PickerScene, text: str) -> None:
    for _ in range(len(picker.buttons)):
        if picker.buttons[picker.focus][0].text.startswith(text):
            return
        d.key(pygame.K_DOWN)
    raise AssertionError(f"no button {text!r}")


def test_the_file_dialog_opens_with_enter_and_closes_with_esc_and_the_keyboard_goes_on(driver):
    d = driver
    picker = to_picker(d)
    focus_button(d, picker, "Open a scenario file")
    d.key(pygame.K_RETURN)
    assert picker.dialog_open()
    d.key(pygame.K_TAB)
    d.key(pygame.K_TAB)
    assert picker.slot == 2  # Tab moves inside the dialog: list, path, OK
    d.key(pygame.K_LEFT)
    d.key(pygame.K_RETURN)  # into the path field: letters type there
    assert picker.typing_path()
    d.key(pygame.K_ESCAPE)  # Esc leaves the field, a second Esc closes the dialog
    assert not picker.typing_path() and picker.dialog_open()
    d.key(pygame.K_ESCAPE)
    assert not picker.dialog_open()
    assert d.scene is picker and picker.buttons[picker.focus][0].text.startswith("Open a scenario file")
    d.key(pygame.K_DOWN)  # the picker has the keyboard again
    assert picker.buttons[picker.focus][0].text.startswith("Back")
    d.key(pygame.K_RETURN)
    assert isinstance(d.scene, TitleScene)


def test_a_scenario_file_is_picked_in_the_dialog_by_keyboard_alone(tmp_path, driver):
    own = tmp_path / "mine"
    own.mkdir()
    shutil.copy(SCENARIOS / "tutorial.toml", own / "my-course.toml")
    d = driver
    picker = to_picker(d)
    focus_button(d, picker, "Open a scenario file")
    d.key(pygame.K_RETURN)
    assert picker.dialog_open() and picker.dialog is not None
    # Tab to the path field, Enter to type in it, the folder's path, Enter: the dialog shows that folder
    d.key(pygame.K_TAB)
    d.key(pygame.K_RETURN)
    assert picker.typing_path()
    picker.dialog.file_path_text_line.set_text("")
    d.type_text(str(own))
    d.key(pygame.K_RETURN)
    d.frames(3)
    assert Path(picker.dialog.current_directory_path) == own
    assert "my-course.toml" in picker.entries()
    # back to the list, Down onto the file, Enter opens its briefing
    while picker.slot != 0:
        d.key(pygame.K_TAB)
    for _ in range(len(picker.entries())):
        if picker.entries()[picker.item] == "my-course.toml":
            break
        d.key(pygame.K_DOWN)
    d.key(pygame.K_RETURN)
    d.frames(2)
    assert d.scene.name == "briefing", picker.error
    assert "Tutorial" in d.text()
