"""The LRS config: a TOML file and CXSIM_LRS_* variables (which win), each problem one line naming its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.lms.config import DEFAULT_ACTIVITY_BASE, LrsConfigError, is_configured, load_config

GOOD = """
endpoint = "https://lrs.example.org/xapi"
username = "cxsim"
password = "s3cret"
activity_base = "https://training.example.org/cxsim"
actor = "mbox"
mbox_domain = "example.org"
timeout_s = 5
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lrs.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_gives_every_setting(tmp_path, no_lrs_config):
    config = load_config(write(tmp_path, GOOD))
    assert config.endpoint == "https://lrs.example.org/xapi/"
    assert (config.username, config.password, config.timeout_s) == ("cxsim", "s3cret", 5.0)
    assert config.naming.activity_base == "https://training.example.org/cxsim"
    assert (config.naming.actor_kind, config.naming.mbox_domain) == ("mbox", "example.org")
    assert config.outbox == no_lrs_config  # CXSIM_LRS_OUTBOX
    assert "s3cret" not in repr(config)


def test_environment_variables_win_over_the_file_so_a_secret_can_stay_out_of_it(tmp_path, no_lrs_config, monkeypatch):
    path = write(tmp_path, 'endpoint = "https://lrs.example.org/xapi/"\nusername = "cxsim"\n')
    monkeypatch.setenv("CXSIM_LRS_PASSWORD", "from-env")
    monkeypatch.setenv("CXSIM_LRS_ENDPOINT", "http://127.0.0.1:9/xAPI")
    config = load_config(path)
    assert (config.endpoint, config.username, config.password) == ("http://127.0.0.1:9/xAPI/", "cxsim", "from-env")


def test_the_default_file_is_read_from_the_config_home_and_only_the_environment_also_works(tmp_path, no_lrs_config, monkeypatch):
    assert not is_configured()
    monkeypatch.setenv("CXSIM_LRS_ENDPOINT", "http://127.0.0.1:9/xAPI/")
    env_only = load_config()
    assert (env_only.source, env_only.username, env_only.naming.activity_base) == ("", "", DEFAULT_ACTIVITY_BASE)
    assert env_only.naming.home_page == "http://127.0.0.1:9"  # accounts live on the endpoint's site unless home_page says
    monkeypatch.delenv("CXSIM_LRS_ENDPOINT")
    default = tmp_path / "home" / ".config" / "cxsim" / "lrs.toml"
    default.parent.mkdir(parents=True)
    default.write_text(GOOD, encoding="utf-8")
    assert is_configured()
    assert load_config().source == str(default)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no LRS configured: set endpoint in ~/.config/cxsim/lrs.toml, pass --lrs-config FILE, or set CXSIM_LRS_ENDPOINT"),
        ('endpoint = "lrs.example.org"', "lrs.toml: endpoint: expected an http:// or https:// URL, found 'lrs.example.org'"),
        ('endpoint = "https://u:p@lrs.example.org/"', "lrs.toml: endpoint: put the credentials in username and password"),
        ('endpoint = "https://l.example.org/"\nusername = "a"', "lrs.toml: username: given without a password (set CXSIM_LRS_PASSWORD"),
        ('endpoint = "https://l.example.org/"\nendpont = 1', "lrs.toml: endpont: unknown key"),
        ('endpoint = "https://l.example.org/"\nactor = "openid"', "lrs.toml: actor: expected 'account' or 'mbox', found 'openid'"),
        ('endpoint = "https://l.example.org/"\nactor = "mbox"', "mbox_domain: actor = 'mbox' needs a mail domain"),
        ('endpoint = "https://l.example.org/"\ntimeout_s = 0', "lrs.toml: timeout_s: expected seconds between 0 and 300, found 0"),
        ('endpoint = "https://l.example.org/"\nusername = 3', "lrs.toml: username: expected text, found int"),
        ('endpoint = "https://l.example.org/', "lrs.toml: not valid TOML"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_file_and_key(tmp_path, no_lrs_config, text, message):
    with pytest.raises(LrsConfigError) as caught:
        load_config(write(tmp_path, text))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_or_unreadable_file_is_one_line(tmp_path, no_lrs_config):
    with pytest.raises(LrsConfigError, match=r"lrs\.toml: LRS config file not found"):
        load_config(tmp_path / "lrs.toml")
    with pytest.raises(LrsConfigError, match="is a directory"):
        load_config(tmp_path)
    binary = tmp_path / "lrs.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(LrsConfigError, match="not valid UTF-8"):
        load_config(binary)


def test_a_bad_environment_variable_is_named(no_lrs_config, monkeypatch):
    monkeypatch.setenv("CXSIM_LRS_ENDPOINT", "ftp://lrs.example.org/")
    with pytest.raises(LrsConfigError, match=r"^CXSIM_LRS_ENDPOINT: expected an http:// or https:// URL"):
        load_config()
