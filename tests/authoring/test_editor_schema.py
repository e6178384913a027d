"""Editors name the wrong key: broken files checked with the real validators against scenarios/scenario.schema.json.

taplo is the engine of VS Code's Even Better TOML (and the `taplo lint` command line);
check-jsonschema is what a pre-commit hook runs; jsonschema's best_match is what a Python tool
shows. A mistake inside a tagged table (a touchpoint's kind, a response's effect, a distribution's
dist, a trigger's on) must come out at that key, with the allowed values where there are some,
and never as "not valid under any of the schemas listed in the 'oneOf' keyword" or as another
branch's error ("'acknowledge' was expected").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import SCENARIOS

SCHEMA = SCENARIOS / "scenario.schema.json"
TUTORIAL = (SCENARIOS / "tutorial.toml").read_text()
BUNDLED = sorted(SCENARIOS.glob("*.toml"))


def says_one_of(output: str) -> bool:
    """What the validators said before the unions were tagged: 'oneOf', 'any of the ...', or another branch's tag."""
    return "oneOf" in output or "any of the" in output or re.search(r"""['"]\w+['"] was expected""", output) is not None


# (what the trainer did, the edit to tutorial.toml, the key the message must name, what check-jsonschema says there)
MISTAKES = [
    (
        "a notice via a channel the effect does not have",
        ('notice = "clear"\n', 'notice = "clear"\nvia = "push"\n'),
        "via",
        "$.responses.email_everyone.via: 'push' is not one of ['email', 'sms', 'app']",
    ),
    (
        "a misspelt key inside a touchpoint",
        ("agents = 1\n", "agnets = 1\n"),
        "agnets",
        "$.touchpoints.phone: Additional properties are not allowed ('agnets' was unexpected)",
    ),
    (
        "an unknown touchpoint kind",
        ('kind = "staffed"', 'kind = "staffd"'),
        "kind",
        "$.touchpoints.phone.kind: 'staffd' is not one of ['self_service', 'staffed']",
    ),
    (
        "an unknown response effect",
        ('effect = "notify"', 'effect = "notfy"'),
        "effect",
        "$.responses.email_everyone.effect: 'notfy' is not one of ['acknowledge', 'apologise', 'compensate'",
    ),
    (
        "an unknown distribution",
        ('dist = "lognormal"', 'dist = "lognorm"'),
        "dist",
        "$.segments.shopper.order_value.dist: 'lognorm' is not one of ['constant', 'exponential', 'normal', 'lognormal'",
    ),
    (
        "a word for a number inside a distribution inside a touchpoint",
        ('handle_min = { dist = "exponential", mean = 6.0 }', 'handle_min = { dist = "exponential", mean = "six" }'),
        "mean",
        "$.touchpoints.phone.handle_min.mean: 'six' is not of type 'number'",
    ),
    (
        "a parameter the distribution does not take",
        ('handle_min = { dist = "exponential", mean = 6.0 }', 'handle_min = { dist = "exponential", mean = 6.0, sd = 2.0 }'),
        "sd",
        "$.touchpoints.phone.handle_min: Additional properties are not allowed ('sd' was unexpected)",
    ),
    (
        "a misspelt key in a decision's trigger",
        ('trigger = { on = "failure_started", failure = "checkout_down" }', 'trigger = { on = "failure_started", falure = "checkout_down" }'),
        "falure",
        "$.decisions.outage.trigger: Additional properties are not allowed ('falure' was unexpected)",
    ),
]  # fmt: skip


def tool(name: str) -> str:
    """The validator's command: next to this Python (the venv, as `make` installs the dev extra), else on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        message = f"{name} is not installed (it is in the dev extra: pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs the dev extra: a missing validator is a broken set-up, not a skip
        pytest.skip(message)
    return found


def broken(tmp_path: Path, edit: tuple[str, str]) -> Path:
    """The tutorial with one mistake, next to a copy of the schema, as `cxsim new` lays a file out (#:schema ./...)."""
    old, new = edit
    assert TUTORIAL.count(old) >= 1, old
    text = TUTORIAL.replace(old, new, 1)
    assert text.startswith("#:schema ./scenario.schema.json\n")
    shutil.copy(SCHEMA, tmp_path / SCHEMA.name)
    path = tmp_path / "broken.toml"
    path.write_text(text)
    return path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, cwd=cwd, timeout=120, check=False, env={**os.environ, "NO_COLOR": "1"}
    )


def test_every_bundled_scenario_is_valid_under_both_validators(tmp_path):
    checked = run(tool("check-jsonschema"), "--schemafile", str(SCHEMA), *map(str, BUNDLED), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for path in BUNDLED:
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(SCHEMA, tmp_path / SCHEMA.name)
    linted = run(tool("taplo"), "lint", "--colors", "never", "--no-auto-config", *(p.name for p in BUNDLED), cwd=tmp_path)
    assert linted.returncode == 0, linted.stderr
    assert "error:" not in linted.stderr, linted.stderr


def test_the_schema_tags_every_union_and_keeps_the_discriminator():
    schema = json.loads(SCHEMA.read_text())
    unions = {name: d for name, d in schema["$defs"].items() if "discriminator" in d}
    assert set(unions) == {"Distribution", "Touchpoint", "Failure", "Response", "Trigger"}
    for union in unions.values():
        tag = union["discriminator"]["propertyName"]
        assert "oneOf" not in union and union["required"] == [tag]
        assert [b["if"]["properties"][tag]["const"] for b in union["allOf"]] == union["properties"][tag]["enum"]
        assert {b["then"]["$ref"] for b in union["allOf"]} == set(union["discriminator"]["mapping"].values())
    assert "oneOf" not in SCHEMA.read_text()


@pytest.mark.parametrize(("what", "edit", "key", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_check_jsonschema_names_the_key(tmp_path, what, edit, key, expected):
    path = broken(tmp_path, edit)
    res = run(tool("check-jsonschema"), "--schemafile", str(SCHEMA), path.name, cwd=tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr
    errors = [line.strip() for line in res.stdout.splitlines() if line.strip().startswith("broken.toml::")]
    assert errors and errors[0].startswith(f"broken.toml::{expected}"), res.stdout
    table = expected.split(":", 1)[0].removesuffix(f".{key}")
    assert all(e.startswith(f"broken.toml::{table}") for e in errors), res.stdout  # all in the branch the file chose
    assert not says_one_of(res.stdout), res.stdout


@pytest.mark.parametrize(("what", "edit", "key", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_taplo_names_the_key_at_its_line(tmp_path, what, edit, key, expected):
    path = broken(tmp_path, edit)  # taplo finds the schema from the file's #:schema line, as the editor does
    res = run(tool("taplo"), "lint", "--colors", "never", "--no-auto-config", path.name, cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    messages = re.findall(r"^error: (.*)$", res.stderr, flags=re.MULTILINE)
    assert messages, res.stderr
    assert not says_one_of(res.stderr), res.stderr
    lines = path.read_text().splitlines()
    spots = [(int(n), int(c)) for n, c in re.findall(r"broken\.toml:(\d+):(\d+)", res.stderr)]
    assert spots, res.stderr

    def at_key(line: int, column: int) -> bool:
        """The underline starts at the key, or at its value."""
        text = lines[line - 1]
        return text[column - 1 :].startswith(key) or re.search(rf"\b{key}\s*=\s*$", text[: column - 1]) is not None

    # the message names the key, or what it underlines is that key or its value
    assert any(f"'{key}'" in m for m in messages) or all(at_key(*spot) for spot in spots), res.stderr


@pytest.mark.parametrize(("what", "edit", "key", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_jsonschema_best_match_is_the_error_in_the_chosen_branch(what, edit, key, expected):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    data = tomllib.loads(TUTORIAL.replace(*edit, 1))
    best = jsonschema.exceptions.best_match(validator.iter_errors(data))
    assert best is not None
    assert f"{best.json_path}: {best.message}".startswith(expected)
