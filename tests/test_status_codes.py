"""The C ABI's status codes are written in three places; this test pins them together.

capi/status.go defines them (``StatusX = n // ... (Python exception)``), the C header declares the
same enum (``NS_X = n, /* ... (exception) */``) and python/natspike/_native.py maps each non-zero code
to the exception it raises (``ERRORS``). Everything is parsed, nothing hard-coded, so adding a code
means adding it in all three places or this test fails.
"""

import builtins
import re
from pathlib import Path

import natspike
import pytest
from natspike import _native

REPO = Path(__file__).resolve().parents[1]
GO_CONST = re.compile(r"^\s*Status(\w+)\s*=\s*(\d+)\s*//(.*)$", re.MULTILINE)
C_ENUM = re.compile(r"\bNS_(\w+)\s*=\s*(\d+)\s*,?\s*/\*(.*?)\*/")
EXCEPTION = re.compile(r"\b((?:natspike\.)?[A-Z]\w*(?:Error|Interrupt))\b")


def _exception_named(comment):
    """The exception a comment names, e.g. "(Python: ValueError)" -> ValueError; None if it names none."""
    names = EXCEPTION.findall(comment)
    if not names:
        return None
    owner, _, name = names[-1].rpartition(".")
    return getattr(natspike if owner else builtins, name)


def _codes(pattern, text):
    found = {name.upper(): (int(value), _exception_named(comment)) for name, value, comment in pattern.findall(text)}
    assert found, f"no status codes parsed with {pattern.pattern!r}: the file's layout changed, update this test"
    return found


def _go():
    return _codes(GO_CONST, (REPO / "capi" / "status.go").read_text())


@pytest.mark.parametrize("header", [REPO / "capi" / "natspike.h", _native.HEADER], ids=["source", "installed"])
def test_header_enum_matches_go_status_constants(header):
    assert _codes(C_ENUM, header.read_text()) == _go()


def test_python_error_map_matches_go_status_constants():
    go = _go()
    assert go.pop("OK") == (0, None)
    assert {code: exc for code, exc in go.values()} == _native.ERRORS


@pytest.mark.parametrize("name,code_and_exception", sorted(_go().items()))
def test_raise_for_status_raises_the_documented_exception(name, code_and_exception):
    code, exc = code_and_exception
    if exc is None:
        assert _native.raise_for_status(code, "") is None
        return
    with pytest.raises(exc, match="boom") as info:
        _native.raise_for_status(code, "boom")
    assert type(info.value) is exc, f"status {name} raised {type(info.value).__name__}"
