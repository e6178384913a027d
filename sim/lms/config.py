"""Where statements go: the LRS endpoint, its credentials and how statements name things.

Read from a TOML file (``--lrs-config FILE``, else ``$CXSIM_LRS_CONFIG``, else
``~/.config/cxsim/lrs.toml`` if it exists) and from environment variables, which win over the
file so a secret can stay out of it (``CXSIM_LRS_ENDPOINT``, ``CXSIM_LRS_USERNAME``,
``CXSIM_LRS_PASSWORD``, ``CXSIM_LRS_ACTIVITY_BASE``, ``CXSIM_LRS_OUTBOX``). Never from a
scenario file: scenarios are shared between organisations and credentials are not. Every
problem is one ``LrsConfigError`` line naming the file (or variable) and the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from sim.errors import SimError
from sim.lms.statements import Naming

DEFAULT_ACTIVITY_BASE = "https://cxsim.example.org/xapi"
ENV = {
    "endpoint": "CXSIM_LRS_ENDPOINT",
    "username": "CXSIM_LRS_USERNAME",
    "password": "CXSIM_LRS_PASSWORD",
    "activity_base": "CXSIM_LRS_ACTIVITY_BASE",
    "outbox": "CXSIM_LRS_OUTBOX",
}
CONFIG_ENV = "CXSIM_LRS_CONFIG"
KEYS = ("endpoint", "username", "password", "activity_base", "actor", "home_page", "mbox_domain", "language", "timeout_s", "outbox")


class LrsConfigError(SimError):
    """The LRS configuration cannot be used (the CLI exits 2 with this one line)."""


@dataclass(frozen=True)
class LrsConfig:
    """A usable configuration: ``endpoint`` ends with '/', credentials are both set or both empty."""

    endpoint: str
    username: str
    password: str
    naming: Naming
    outbox: Path
    timeout_s: float = 10.0
    source: str = ""  # the file it came from ("" when only the environment was used)

    def __repr__(self) -> str:  # never print the password
        return f"LrsConfig(endpoint={self.endpoint!r}, username={self.username!r}, source={self.source!r})"


def _home(env: Mapping[str, str], xdg: str, fallback: str) -> Path:
    base = env.get(xdg) or str(Path(env.get("HOME") or Path.home()) / fallback)
    return Path(base) / "cxsim"


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/cxsim/lrs.toml`` (``~/.config/cxsim/lrs.toml``)."""
    return _home(os.environ if env is None else env, "XDG_CONFIG_HOME", ".config") / "lrs.toml"


def default_outbox_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/cxsim/lrs-outbox.sqlite3`` (``~/.local/state/cxsim/...``): kept across sessions."""
    return _home(os.environ if env is None else env, "XDG_STATE_HOME", ".local/state") / "lrs-outbox.sqlite3"


def config_file(path: Path | None, env: Mapping[str, str]) -> Path | None:
    """The file to read: the one named, else ``$CXSIM_LRS_CONFIG``, else the default if it exists."""
    if path is not None:
        return path
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    default = default_config_path(env)
    return default if default.is_file() else None


def is_configured(env: Mapping[str, str] | None = None) -> bool:
    """True if a front end should report: a config file is there or the endpoint variable is set."""
    env = os.environ if env is None else env
    return bool(env.get(ENV["endpoint"]) or env.get(CONFIG_ENV)) or default_config_path(env).is_file()


def configured(path: Path | None) -> LrsConfig | None:
    """The LRS a front end reports to: ``--lrs-config``, else what ``cxsim lrs`` would use; None if none is set up.

    ``cxsim play`` and ``cxsim host`` both call it before they start, so a bad config is one line
    and exit 2 (``LrsConfigError``) before a window opens or a port is bound.
    """
    if path is None and not is_configured():
        return None
    return load_config(path)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise LrsConfigError(f"{path}: LRS config file not found") from exc
    except IsADirectoryError as exc:
        raise LrsConfigError(f"{path}: is a directory, not an LRS config file") from exc
    except OSError as exc:
        raise LrsConfigError(f"{path}: cannot read the LRS config file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise LrsConfigError(f"{path}: not a text file (it is not valid UTF-8)") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LrsConfigError(f"{path}: not valid TOML ({exc})") from exc
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise LrsConfigError(f"{path}: {unknown[0]}: unknown key (keys: {', '.join(KEYS)})")
    return data


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> LrsConfig:
    """The configuration from the file and the environment; ``LrsConfigError`` with one line if unusable."""
    env = os.environ if env is None else env
    file = config_file(path, env)
    values: dict[str, Any] = _read_file(file) if file is not None else {}
    where = {key: str(file) for key in values}
    for key, var in ENV.items():
        if env.get(var):
            values[key], where[key] = env[var], var
    checker = _Checker(values, where)
    endpoint = checker.url("endpoint", required=True)
    if urlsplit(endpoint).username is not None or "@" in urlsplit(endpoint).netloc:
        raise checker.bad("endpoint", "put the credentials in username and password, not in the URL")
    username, password = checker.text("username"), checker.text("password")
    if bool(username) != bool(password):
        given, missing = ("username", "password") if username else ("password", "username")
        raise checker.bad(given, f"given without a {missing} (set {ENV[missing]} or {missing} in the file, or neither)")
    kind = checker.text("actor") or "account"
    if kind not in ("account", "mbox"):
        raise checker.bad("actor", f"expected 'account' or 'mbox', found {kind!r}")
    split = urlsplit(endpoint)
    home_page = checker.url("home_page") or f"{split.scheme}://{split.netloc}"
    mbox_domain = checker.text("mbox_domain")
    if kind == "mbox" and ("." not in mbox_domain or "@" in mbox_domain or " " in mbox_domain):
        raise checker.bad("mbox_domain", "actor = 'mbox' needs a mail domain such as 'example.org'")
    naming = Naming(
        activity_base=checker.url("activity_base") or DEFAULT_ACTIVITY_BASE,
        actor_kind=_kind(kind),
        home_page=home_page,
        mbox_domain=mbox_domain,
        language=checker.text("language") or "en-US",
    )
    timeout = values.get("timeout_s", 10.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 300:
        raise checker.bad("timeout_s", f"expected seconds between 0 and 300, found {timeout!r}")
    outbox = checker.text("outbox")
    return LrsConfig(
        endpoint=endpoint if endpoint.endswith("/") else endpoint + "/",
        username=username,
        password=password,
        naming=naming,
        outbox=Path(outbox).expanduser() if outbox else default_outbox_path(env),
        timeout_s=float(timeout),
        source=str(file) if file is not None else "",
    )


def _kind(kind: str) -> Literal["account", "mbox"]:
    return "mbox" if kind == "mbox" else "account"


class _Checker:
    """Reads one key at a time and names its source in the error."""

    def __init__(self, values: Mapping[str, Any], where: Mapping[str, str]) -> None:
        self.values, self.where = values, where

    def bad(self, key: str, message: str) -> LrsConfigError:
        source = self.where.get(key)
        if source is None or source.startswith("CXSIM_"):
            return LrsConfigError(f"{source or 'LRS config'}: {message}" if source else f"LRS config: {key}: {message}")
        return LrsConfigError(f"{source}: {key}: {message}")

    def text(self, key: str) -> str:
        value = self.values.get(key, "")
        if not isinstance(value, str):
            raise self.bad(key, f"expected text, found {type(value).__name__}")
        return value.strip()

    def url(self, key: str, *, required: bool = False) -> str:
        value = self.text(key)
        if not value:
            if required:
                raise LrsConfigError(
                    "no LRS configured: set endpoint in ~/.config/cxsim/lrs.toml, pass --lrs-config FILE,"
                    f" or set {ENV['endpoint']} (docs/lms.md)"
                )
            return ""
        split = urlsplit(value)
        if split.scheme not in ("http", "https") or not split.hostname:
            raise self.bad(key, f"expected an http:// or https:// URL, found {value!r}")
        if split.query or split.fragment:
            raise self.bad(key, f"expected a URL without '?' or '#', found {value!r}")
        return value
