"""Every file the README and docs/ link to or show is in the repository (a clean clone has it)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"""(?:\]\(|src=")([^)"#\s]+)""")


def tracked() -> set[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    files = set(out.split())
    return files | {str(Path(f).parent) for f in files}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_local_link_and_image_is_tracked(page: Path):
    known = tracked()
    missing = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        path = (page.parent / target).resolve().relative_to(ROOT)
        if str(path) not in known:
            missing.append(target)
    assert missing == [], f"{page.name} links to files the repository does not have"
