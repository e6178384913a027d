"""docs/python-api.md's worked example runs, block by block, and prints what the doc shows."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from helpers import ROOT

DOC = ROOT / "docs" / "python-api.md"


def example_blocks() -> list[tuple[str, str]]:
    """Each ```python block of the worked example with the ```text block that follows it (what it prints)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Worked example", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```\n\n```text\n(.*?)```", section, re.S)


def test_the_worked_example_has_its_blocks():
    blocks = example_blocks()
    assert len(blocks) == 4
    code = "".join(c for c, _ in blocks)
    for name in ("sim.replicate(", "sim.sweep(", "sim.compare(", ".to_pandas()", ".to_parquet("):
        assert name in code  # the API only: no CLI in the example


def test_the_worked_example_prints_what_the_doc_shows(tmp_path, monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("pandas", reason="the example's last block uses pandas (the 'pandas' extra, in dev)")
    pytest.importorskip("pyarrow", reason="the example's last block writes Parquet (the 'parquet' extra, in dev)")
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")  # the example names scenarios/..., as from the repository
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for n, (code, shown) in enumerate(example_blocks(), start=1):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"docs/python-api.md, block {n}", "exec"), namespace)
        assert printed.getvalue() == shown, f"block {n} printed:\n{printed.getvalue()}"
    assert (tmp_path / "outreach.parquet").stat().st_size > 0


def test_the_walkthrough_python_half_gives_the_cli_half_verdict(tmp_path, monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("pandas", reason="the snippet ends with to_pandas() (the 'pandas' extra, in dev)")
    text = (ROOT / "docs" / "experiments.md").read_text(encoding="utf-8")
    walkthrough = text.split("## A manager's walkthrough", 1)[1].split("\n## ", 1)[0]
    code = walkthrough.split("### The same in Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/experiments.md", "exec"), {})
    verdict = printed.getvalue().strip()
    assert verdict.startswith("better: proactive raises profit by")
    assert f"  {verdict}\n" in walkthrough  # the same sentence the command line printed, in the CLI half
