"""Every ``>>>`` example in natspike's docstrings runs, against the installed package.

The examples are found with doctest.DocTestFinder on every module of the installed package (not on the
source tree, so a file left out of the wheel fails here). A second test counts the ``>>>`` lines of the
source tree and requires the same number of examples to have been found, so an example in a place the
finder cannot see (a name not importable, a module not walked) does not silently drop out.
"""

import doctest
import importlib
import pkgutil
from pathlib import Path

import natspike
import pytest

SOURCE = Path(__file__).resolve().parents[1] / "python" / "natspike"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules():
    names = ["natspike"] + [m.name for m in pkgutil.walk_packages(natspike.__path__, "natspike.")]
    return [name for name in names if not name.startswith("natspike._go")]


def _doctests():
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = {}
    for name in _modules():
        for test in finder.find(importlib.import_module(name)):
            if test.examples:
                found.setdefault(test.name, test)  # a re-exported object is found once, under its first name
    return sorted(found.values(), key=lambda t: t.name)


DOCTESTS = _doctests()


@pytest.mark.parametrize("test", DOCTESTS, ids=[t.name for t in DOCTESTS])
def test_docstring_example_runs(test, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, out=lambda text: print(text, end=""))
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {test.name} failed (output above)"


def test_every_example_in_the_source_tree_is_collected():
    files = [f for f in SOURCE.rglob("*.py") if "_go" not in f.relative_to(SOURCE).parts]
    in_source = sum(line.lstrip().startswith(">>>") for f in files for line in f.read_text().splitlines())
    collected = sum(len(t.examples) for t in DOCTESTS)
    assert in_source > 0
    assert collected == in_source, f"{in_source} '>>>' lines in python/natspike, {collected} examples collected"
