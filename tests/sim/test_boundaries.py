"""The engine stays headless: importing it never loads pygame or the game."""

import subprocess
import sys

from helpers import ROOT

import sim


def test_importing_every_engine_module_loads_no_display_code():
    code = (
        "import pkgutil, importlib, sys, sim\n"
        "for m in pkgutil.walk_packages(sim.__path__, 'sim.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('pygame', 'pygame_gui', 'game')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def test_public_api_is_declared():
    for name in sim.__all__:
        assert hasattr(sim, name), name


def test_ruff_bans_pygame_in_the_engine():
    config = (ROOT / "pyproject.toml").read_text()
    assert '"pygame".msg' in config and '"game/**" = ["TID251"]' in config
