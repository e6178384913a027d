"""The coach marks: a scripted trainee walks the tour by keyboard only and by mouse, skips it, shows it
again (F1, or the pause menu's "Show the tour"), and reads it in the smallest window with the largest text."""

from __future__ import annotations

from itertools import pairwise

import pygame
import pytest
from game_driver import Driver
from helpers import LAUNCH_DAY, SCENARIOS

from game.coach import MARKS, MAX_MARKS, is_replay, touchpoint_box
from game.input import TOUR, Intent, Kind, key_intent
from game.scenes.decision import DecisionScene
from game.scenes.pause import PauseScene
from game.scenes.play import PlayScene

TUTORIAL = SCENARIOS / "tutorial.toml"


def to_tour(d: Driver) -> PlayScene:
    """From the title to the tour's first mark: Enter, Enter, then time runs until a customer is on the map."""
    d.frames(3)
    d.key(pygame.K_RETURN)  # title: start training
    d.key(pygame.K_RETURN)  # briefing: play
    play = d.scene
    assert isinstance(play, PlayScene)
    d.until(lambda: d.app.tour is not None and d.app.tour.layout is not None, limit=6000)
    return play


def shown_key(d: Driver) -> str | None:
    tour = d.app.tour
    return None if tour is None or tour.layout is None or tour.mark is None else tour.mark.key


def speed_buttons(play: PlayScene) -> pygame.Rect:
    rects = [pygame.Rect(b.get_abs_rect()) for b, _ in play.buttons[:5]]
    return rects[0].unionall(rects[1:])


def check_play_mark(d: Driver, play: PlayScene) -> None:
    """The mark on screen highlights the real widget it talks about, and says so in words."""
    tour = d.app.tour
    assert tour is not None and tour.layout is not None and tour.mark is not None
    target, key = tour.layout.target, tour.mark.key
    assert tour.mark.title in d.text()
    if key == "map":
        assert target == play.map.rect
        assert play.view.markers  # there is a customer to point at
    elif key == "failure":
        assert target == touchpoint_box(play, d.app.painter, "checkout")
        assert "Checkout down, day 2 at 12:00" in d.text()
    elif key == "follow":
        followed = play.view.followed
        assert followed is not None  # the tour shows following by doing it
        p, now = d.app.painter, play.session.sim.now
        spot = next((x, y) for cid, x, y in play.map.positions(p, play.view.markers, now, play.travel()) if cid == followed)
        assert target.collidepoint(spot)
        assert f"FOLLOWING CUSTOMER #{followed}" in d.text()
    elif key == "kpis":
        assert target == play.kpi_rect
        assert play.view.followed is None  # the tour let go of the customer it followed
    elif key == "speeds":
        assert target == speed_buttons(play)
    else:
        raise AssertionError(f"unexpected mark {key}")


@pytest.fixture
def driver(tmp_path):
    d = Driver(tmp_path, scenario=TUTORIAL, days=3.0, trainee="Ada")
    yield d
    d.close()


def test_a_trainee_walks_the_tour_by_keyboard_only(driver):
    d = driver
    play = to_tour(d)
    frozen = play.session.sim.now
    seen = []
    keys = iter((pygame.K_RETURN, pygame.K_SPACE, pygame.K_RIGHT, pygame.K_DOWN))
    while shown_key(d) is not None:
        key = shown_key(d)
        seen.append(key)
        check_play_mark(d, play)
        if key == "failure" and seen.count("failure") == 1:
            d.key(pygame.K_LEFT)  # back one mark, then on again
            assert shown_key(d) == "map"
            d.key(pygame.K_RETURN)
            continue
        if key == "speeds":
            d.key(pygame.K_5)  # other keys reach the play screen: try the speed the mark explains
            assert play.speed == 64.0 and shown_key(d) == "speeds"
            assert play.session.sim.now == frozen  # time held while the marks talked
            d.key(pygame.K_RETURN)
            break
        d.key(next(keys))
    assert shown_key(d) is None and d.app.tour is not None  # the last mark waits for the first decision card
    d.frames(5)
    assert play.session.sim.now > frozen  # time runs again, at 64x
    d.until(lambda: isinstance(d.scene, DecisionScene), limit=3000)
    d.frames(2)
    card = d.scene
    assert shown_key(d) == "card"
    options = [pygame.Rect(b.get_abs_rect()) for b, _ in card.buttons]
    assert d.app.tour.layout.target == options[0].unionall(options[1:])
    assert "Time stops for a decision" in d.text()
    d.key(pygame.K_RETURN)  # Enter closes the mark, it does not choose
    assert d.app.tour is None and card.chosen is None
    d.key(pygame.K_2)
    assert card.chosen == "tell"
    assert seen == ["map", "failure", "failure", "follow", "kpis", "speeds"]
    assert len(MARKS) < MAX_MARKS  # a short tour: six marks


def test_a_trainee_walks_the_tour_by_mouse(driver):
    d = driver
    play = to_tour(d)
    speed = play.speed
    walked = []
    while shown_key(d) is not None:
        walked.append(shown_key(d))
        check_play_mark(d, play)
        layout = d.app.tour.layout
        if len(walked) == 1:
            d.click(speed_buttons(play).center)  # a click on a widget under the shade goes to the tour, not the widget
            assert play.speed == speed and shown_key(d) == "failure"
            d.click(d.app.tour.layout.controls["back"].center)
            assert shown_key(d) == "map"
            continue
        d.click(layout.controls["next"].center)
    assert walked == ["map", "map", "failure", "follow", "kpis", "speeds"]
    d.key(pygame.K_END)
    d.until(lambda: isinstance(d.scene, DecisionScene), limit=3000)
    d.frames(2)
    card = d.scene
    assert shown_key(d) == "card"
    d.click(d.app.tour.layout.controls["next"].center)
    assert d.app.tour is None
    d.click_button("2 ")
    assert card.chosen == "tell"


def test_esc_skips_the_tour_and_f1_shows_it_again(driver):
    d = driver
    play = to_tour(d)
    d.key(pygame.K_ESCAPE)
    assert d.app.tour is None and isinstance(d.scene, PlayScene)  # Esc skipped the tour; the menu did not open
    before = play.session.sim.now
    d.frames(30)
    assert play.session.sim.now > before
    d.key(pygame.K_F1)
    assert shown_key(d) == "map"
    d.click(d.app.tour.layout.controls["skip"].center)
    assert d.app.tour is None
    d.key(pygame.K_ESCAPE)  # with the tour gone, Esc is the menu again
    assert d.scene.name == "pause"
    d.key(pygame.K_F1)  # F1 from the menu closes it and shows the tour
    assert isinstance(d.scene, PlayScene) and shown_key(d) == "map"
    d.key(pygame.K_ESCAPE)
    d.key(pygame.K_END)
    d.until(lambda: isinstance(d.scene, DecisionScene), limit=3000)
    d.frames(3)
    assert d.app.tour is None and "Time stops for a decision" not in d.text()  # a skipped tour stays skipped


def test_other_scenarios_start_without_the_tour_and_autoplay_never_shows_it(tmp_path):
    d = Driver(tmp_path, scenario=LAUNCH_DAY, days=1.0)
    try:
        d.frames(3)
        d.key(pygame.K_RETURN)
        d.key(pygame.K_RETURN)
        d.frames(200)
        assert isinstance(d.scene, PlayScene) and d.app.tour is None
        d.key(pygame.K_F1)
        assert shown_key(d) == "map"  # anyone can ask for it
    finally:
        d.close()
    auto = Driver(tmp_path / "auto", scenario=TUTORIAL, days=3.0, autoplay=True, speed=0.0)
    try:
        auto.until(lambda: auto.scene.name in ("debrief", "results"), limit=6000)
        assert auto.app.tour is None and not auto.app.toured
    finally:
        auto.close()


@pytest.mark.parametrize("size, bigger", [((800, 500), 8), ((800, 500), -3), ((1920, 1080), 8)])
def test_the_coach_text_stays_inside_the_window_and_its_bubble(tmp_path, size, bigger):
    d = Driver(tmp_path, scenario=TUTORIAL, days=3.0, size=size)
    try:
        key = pygame.K_EQUALS if bigger > 0 else pygame.K_MINUS
        for _ in range(abs(bigger)):  # Ctrl + to the largest text (2x), Ctrl - to the smallest (0.8x)
            d.key(key, mod=pygame.KMOD_CTRL)
        assert d.app.painter.text_scale == (2.0 if bigger > 0 else 0.8)
        to_tour(d)
        window = d.app.screen.get_rect()
        assert window.size == size
        checked = []

        def check() -> None:
            layout, key = d.app.tour.layout, shown_key(d)
            checked.append(key)
            assert window.contains(layout.bubble), (key, layout.bubble)
            for rect in [*layout.lines, *layout.controls.values()]:
                assert layout.bubble.contains(rect), (key, rect, layout.bubble)
            text = sorted((r.top, r.bottom) for r in layout.lines[: -len(layout.controls)])
            assert all(a[1] <= b[0] for a, b in pairwise(text))  # the text's lines do not overlap

        while shown_key(d) is not None:
            check()
            d.key(pygame.K_RETURN)
        d.key(pygame.K_5)
        d.until(lambda: shown_key(d) == "card", limit=3000)
        check()
        assert checked == [m.key for m in MARKS]
    finally:
        d.close()


def test_the_pause_menu_shows_the_tour_and_f1_is_bound_in_the_input_module(tmp_path):
    f1 = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F1, mod=0, unicode="", scancode=0)
    assert key_intent(f1, PlayScene.keys) == Intent(Kind.TOUR)  # one place lists every binding: game/input.py
    assert key_intent(f1, PauseScene.keys) == Intent(Kind.TOUR)
    assert TOUR in PlayScene.keys and is_replay(f1)
    d = Driver(tmp_path, scenario=LAUNCH_DAY, days=1.0)
    try:
        d.frames(3)
        d.key(pygame.K_RETURN)
        d.key(pygame.K_RETURN)
        d.frames(30)
        d.key(pygame.K_ESCAPE)
        assert d.scene.name == "pause" and "Show the tour  (F1)" in d.text()
        d.click_button("Show the tour")  # by mouse
        assert isinstance(d.scene, PlayScene) and shown_key(d) == "map"
        d.key(pygame.K_ESCAPE)  # skip it
        assert d.app.tour is None
        d.key(pygame.K_ESCAPE)
        d.key(pygame.K_UP)  # by keyboard: up from Resume wraps round to the last entry, the tour
        assert d.scene.buttons[d.scene.focus][0].text == "Show the tour  (F1)"
        d.key(pygame.K_RETURN)
        assert isinstance(d.scene, PlayScene) and shown_key(d) == "map"
    finally:
        d.close()
