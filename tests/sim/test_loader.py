"""Bad scenario input gives one clear, located line per problem; good input loads."""

from __future__ import annotations

import pytest
from helpers import SCENARIOS

from sim import ScenarioError, parse_scenario, read_scenario

CENTRE = (SCENARIOS / "contact-centre.toml").read_text()


def _errors(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "s.toml")
    return [str(p) for p in info.value.problems]


def _broken(old: str, new: str) -> list[str]:
    assert old in CENTRE, old
    return _errors(CENTRE.replace(old, new, 1))


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ScenarioError, match=r"nope\.toml: file not found"):
        read_scenario(tmp_path / "nope.toml")
    with pytest.raises(ScenarioError, match="is a directory"):
        read_scenario(tmp_path)


def test_empty_and_binary_files():
    assert _errors(b"  \n") == ["s.toml: file is empty; a scenario needs at least schema_version and title"]
    assert "not a text file" in _errors(bytes(range(256)))[0]
    assert "not a text file" in _errors(b"title = 1\x00\x00")[0]


def test_toml_syntax_error_names_its_line():
    assert _errors('title = "x"\nseed = = 3\n') == ["s.toml:2: TOML syntax error: invalid value"]


def test_unknown_key_suggests_the_right_one():
    errors = _broken("concurrency = 2", "concurency = 2")
    line = _line_of(CENTRE, "concurrency = 2")
    assert errors == [f"s.toml:{line}: touchpoints.chat.concurency: unknown key 'concurency'; did you mean 'concurrency'?"]


def test_wrong_type_shows_the_value():
    errors = _broken("seed = 20261124", 'seed = "abc"')
    assert errors == ["s.toml:16: seed: must be a valid integer, unable to parse string as an integer (got 'abc')"]


def test_negative_rate():
    (error,) = _broken("customers_per_hour = 60", "customers_per_hour = -5")
    assert error.endswith("arrivals.customers_per_hour: must be greater than or equal to 0 (got -5)")


def test_probability_above_one():
    (error,) = _broken("accept_probability = 0.37", "accept_probability = 1.37")
    assert "responses.callbacks.accept_probability: must be less than or equal to 1 (got 1.37)" in error


def test_route_probabilities_must_sum_to_one():
    (error,) = _broken("on_failure = { chat = 0.3, end = 0.7 }", "on_failure = { chat = 0.3, end = 0.6 }")
    line = _line_of(CENTRE, "on_failure = { chat = 0.3, end = 0.7 }")
    assert error == f"s.toml:{line}: journey.routes.phone.on_failure: probabilities must sum to 1 (they sum to 0.9)"


def test_route_to_unknown_touchpoint():
    (error,) = _broken("on_failure = { chat = 0.3, end = 0.7 }", "on_failure = { caht = 0.3, end = 0.7 }")
    assert "journey.routes.phone.on_failure.caht: unknown touchpoint 'caht'; did you mean 'chat'?" in error


def test_failure_on_unknown_touchpoint():
    text = CENTRE.replace('touchpoint = "phone"\nlabel = "Telephony', 'touchpoint = "phnoe"\nlabel = "Telephony')
    (error,) = _errors(text)
    assert "failures.telephony_down.touchpoint: unknown touchpoint 'phnoe'; did you mean 'phone'?" in error


def test_decision_on_unknown_failure():
    (error,) = _broken('failure = "telephony_down" }', 'failure = "telephony" }')
    assert "decisions.outage.trigger.failure: unknown failure 'telephony'; did you mean 'telephony_down'?" in error


def test_option_naming_unknown_response():
    (error,) = _broken('responses = ["chat_backup"]', 'responses = ["chat_bakup"]')
    line = _line_of(CENTRE, 'responses = ["chat_backup"]')
    assert error == (
        f"s.toml:{line}: decisions.outage.options.move_to_chat.responses (the first item): "
        "unknown response 'chat_bakup'; did you mean 'chat_backup'?"
    )


def test_distribution_missing_a_parameter():
    (error,) = _broken('{ dist = "lognormal", mean = 6.0, sd = 3.5 }', '{ dist = "lognormal", mean = 6.0 }')
    assert error.endswith("touchpoints.phone.handle_min.sd: required key is missing")


def test_unknown_distribution_suggests_one():
    (error,) = _broken('dist = "gamma"', 'dist = "gama"')
    assert error.endswith("touchpoints.chat.handle_min.dist: unknown dist 'gama'; did you mean 'gamma'?")


def test_missing_required_key():
    (error,) = _broken("horizon_days = 7\n", "")
    assert error == "s.toml: horizon_days: required key is missing"


def test_every_problem_is_reported_at_once():
    text = CENTRE.replace("concurrency = 2", "concurency = 2").replace("customers_per_hour = 60", "customers_per_hour = -5")
    assert len(_errors(text)) == 2


def test_unreachable_touchpoint_is_a_warning_not_an_error():
    text = CENTRE.replace(
        "[journey]", '[touchpoints.store]\nkind = "self_service"\nchannel = "store"\nstage = "purchase"\n\n[journey]'
    )
    loaded = parse_scenario(text.encode(), "s.toml")
    (warning,) = loaded.warnings
    assert "touchpoints.store: warning: no route leads here" in str(warning)


def test_a_byte_order_mark_is_not_an_error():
    assert parse_scenario(b"\xef\xbb\xbf" + CENTRE.encode(), "s.toml").scenario.title


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("horizon_days = 7\n", "horizon_days = 7\nhorizon_days = 8\n", "'horizon_days' is set twice (first set at line "),
        ('title = "', "title = Surge #", "the value of 'title' is text, so it needs quotes: title = \"Surge\""),
        ("customers_per_hour = 60", "customers_per_hour = 60,5", "write decimals with a point (60.5, not 60,5)"),
        ("{ chat = 0.3, end = 0.7 }", "{ chat = 0.3, end = 0.7, }", "the last entry of an inline table { ... } takes no comma"),
        ("horizon_days = 7", "horizon_days: 7", "write 'horizon_days = value' with '=', not ':'"),
        ("horizon_days = 7", "horizon_days = 7;", "remove the ';' at the end of the line"),
        ("[arrivals]", "[arrivals]\n[arrivals]", "table [arrivals] is declared twice (first at line "),
        ('time = "10:00"', "time = 10:00", 'a time of day is text, so it needs quotes: time = "10:00"'),
        ('{ start = "20:00", end = "24:00"', '{ start = 20:00, end = "24:00"', 'a time of day is text, so it needs quotes: start = "20:00"'),
        ("horizon_days = 7", "horizon_days = 7,", "remove the ',' at the end of the line"),
        ("{ chat = 0.3, end = 0.7 }", "{ chat = 0,3, end = 0.7 }", "'chat' uses a decimal comma; write decimals with a point (0.3, not 0,3)"),
        ("{ chat = 0.3, end = 0.7 }", "{ chat = zero, end = 0.7 }", 'zero is text, so it needs quotes: "zero"'),
        ("{ chat = 0.3, end = 0.7 }", "{ chat = 0.3, end = True }", "True: true, false, inf and nan are written in lower case, without quotes: true"),
        ("horizon_days = 7", "horizon_days = 7 days  # from 08:00", "put one key = value per line"),  # a time in a comment is no value
        ("horizon_days = 7", "horizon_days = 7,5  # peak = 12:00", "write decimals with a point (7.5, not 7,5)"),
        ('title = "', 'title = "Opens = 9:00, closes 17:00" x #', "put one key = value per line"),  # nor is one in a string
        ('{ start = "20:00", end = "24:00"', '{ start = 20:00:00, end = 24:00', 'a time of day is text, so it needs quotes: end = "24:00"'),
        ('time = "10:00"', "time = 9:30", 'a time of day is text, so it needs quotes: time = "09:30"'),
    ],
)
def test_common_syntax_slips_are_explained(old, new, expected):
    assert old in CENTRE, old
    (error,) = _errors(CENTRE.replace(old, new, 1))
    assert "TOML syntax error: " in error and expected in error, error


def test_a_toml_time_of_day_is_asked_for_in_quotes():
    (error,) = _broken('time = "10:00"', "time = 10:00:00")
    assert error.endswith('.time: a time of day is text, in hours and minutes, so it needs quotes: "10:00"'), error
    (seconds,) = _broken('time = "10:00"', "time = 10:00:30")
    assert seconds.endswith('so it needs quotes: "10:00"'), seconds  # the format takes hours and minutes only


def test_a_list_of_the_wrong_length_says_how_many_items_it_needs():
    (short,) = _broken("weekday_profile = [1.4, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3]", "weekday_profile = [1.4, 1.1]")
    assert short.endswith("arrivals.weekday_profile: needs exactly 7 items, not 2"), short
    (commas,) = _broken("weekday_profile = [1.4, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3]", "weekday_profile = [1,4, 1,1, 1,0, 1,0, 0,9, 0,5, 0,3]")
    assert commas.endswith("needs exactly 7 items, not 14 (a decimal comma? in a list, 1,0 is two numbers: write 1.0)"), commas
    (tight,) = _broken("weekday_profile = [1.4, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3]", "weekday_profile = [1,1,1,1,1,1]")
    assert tight.endswith("needs exactly 7 items, not 6"), tight  # no commas to blame: six numbers written tightly


def test_list_positions_count_from_one():
    from sim.scenario.loader import ordinal, shown_path

    assert shown_path(("lessons", 0, "kpi")) == "lessons (the first item).kpi"
    assert [ordinal(n) for n in (3, 11, 12, 13, 21, 22, 23, 101)] == [
        "third", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
    ]  # fmt: skip


def test_a_night_shift_says_how_to_write_it():
    (error,) = _broken('{ start = "20:00", end = "24:00", agents = 3 }', '{ start = "20:00", end = "08:00", agents = 3 }')
    assert "touchpoints.phone.shifts (the fourth item): end (08:00) is before start (20:00)" in error
    assert "a shift past midnight is written as two shifts, 20:00-24:00 and 00:00-08:00" in error


def test_only_one_touchpoint_takes_the_reviews():
    text = (SCENARIOS / "hike-launch.toml").read_text().replace(
        'label = "Product page and reviews"', 'label = "Product page and reviews"\nposts_reviews = true'
    )
    (error,) = _errors(text)
    assert "touchpoints." in error and "posts_reviews: only one touchpoint can take the reviews" in error


def test_dotted_keys_nested_thousands_deep_are_one_line_not_a_crash():
    deep = "schema_version" + ".a" * 2000 + " = 1\n"
    (error,) = _errors(CENTRE.replace("schema_version = 1\n", deep, 1))
    assert "keys nested deeper than 16 levels" in error and error.startswith("s.toml:")
    assert len(error) < 200
