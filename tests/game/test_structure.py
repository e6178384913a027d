"""How game/ is put together: no import cycles, screens that know each other only by name, and
the plain-Python modules free of pygame (read from the source, no window needed)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

GAME = ROOT / "game"
PLAIN = ("game.session", "game.live_view", "game.layout", "game.counterfactuals", "game.options", "game.launch")
LAZY = {"game.commands"}  # the CLI plugin: imports the game only when `cxsim play` runs, so `cxsim` starts without pygame


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(GAME.rglob("*.py"))}


def game_imports(name: str) -> list[tuple[str, bool]]:
    """(imported game module, inside a function?) for every import in module ``name``."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nested = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) for n in ast.walk(f)}
    out = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("game") and target != "game" and target != name:
                out.append((target, id(node) in nested))
    return out


GRAPH = {name: sorted({t for t, _ in game_imports(name)}) for name in MODULES}


def test_no_import_cycle_among_game_modules():
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(name) :], name]))
        if name in done:
            return
        for dep in GRAPH[name]:
            visit(dep, [*path, name])
        done.add(name)

    for name in MODULES:
        visit(name, [])


def test_no_function_level_imports_of_game_modules():
    late = [(name, t) for name in MODULES if name not in LAZY for t, inside in game_imports(name) if inside]
    assert late == []


def test_screens_know_each_other_only_by_name():
    scenes = [n for n in MODULES if n.startswith("game.scenes.") and n != "game.scenes"]
    assert len(scenes) == 9
    for name in scenes:
        forbidden = [d for d in GRAPH[name] if d.startswith("game.scenes") or d in ("game.app", "game.navigation", "game.main")]
        assert forbidden == [], f"{name} imports {forbidden}"
    registry = MODULES["game.navigation"].read_text(encoding="utf-8")
    for name in scenes:
        assert f"from .scenes.{name.rsplit('.', 1)[1]} import" in registry, name


def test_plain_modules_import_no_pygame():
    code = f"import sys; import {', '.join(PLAIN)}; print([m for m in sys.modules if m.split('.')[0] in ('pygame', 'pygame_gui')])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_snapshot_module_does_not_import_the_simulation():
    tree = ast.parse((ROOT / "sim" / "engine" / "snapshot.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {m for m in imported if m and m.startswith("sim.engine")}, imported
