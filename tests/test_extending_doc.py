"""The "Extending natspike" page names real files and tests, and the README and user guide point to it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "guide" / "extending.md"


def test_every_file_and_test_the_page_names_exists():
    text = PAGE.read_text()
    paths = set(re.findall(r"`((?:core|bindings|internal|python|tests)/[\w/.]+)`", text))
    assert {"core/learn/outputs.go", "bindings/debug_transfer.go", "core/rule/rule.go"} <= paths
    for p in paths:
        assert (ROOT / p.replace("_figureN", "_figure3")).exists(), p
    go_tests = set(re.findall(r"`(Test\w+)`", text))
    sources = "".join(f.read_text() for f in ROOT.glob("core/*/*_test.go"))
    for name in go_tests:
        assert f"func {name}(" in sources, name
    for section in ("A per-bin output", "A transfer function", "A plasticity rule", "A figure"):
        assert f"## {section}" in text


def test_the_readme_and_the_guide_point_to_it():
    assert "(docs/guide/extending.md)" in (ROOT / "README.md").read_text()
    assert "\nextending\n" in (ROOT / "docs" / "guide" / "index.md").read_text()
