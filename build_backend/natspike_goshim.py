"""The `go` that gopy runs during natspike's build (setup.py puts it first on PATH).

gopy calls plain `go` and adds flags that do not suit a redistributable build;
this shim runs the Go chosen by setup.py with three changes:

- ``-mod=mod`` becomes ``-mod=vendor`` when the tree has ``vendor/`` (an sdist
  made by ``make sdist``), so that the build needs no network;
- ``-Wl,-rpath,...`` is dropped from ``CGO_LDFLAGS`` and from the ``#cgo LDFLAGS``
  line of gopy's generated Go file: the extension needs only libc (gopy's
  ``-dynamic-link=true``), and the interpreter's rpath would only put the build
  machine's paths into the library (a pyenv Python's lib folder as RUNPATH).

Not part of the installed package.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

_RPATH = re.compile(r"\s+-Wl,-rpath,\S+")


def without_rpath(flags: str) -> str:
    return _RPATH.sub("", " " + flags).strip()


def strip_generated_rpath(folder: Path):
    for source in folder.glob("*.go"):
        text = source.read_text()
        fixed = re.sub(r"^(#cgo LDFLAGS:)(.*)$", lambda m: f"{m[1]} {without_rpath(m[2])}", text, flags=re.M)
        if fixed != text:
            source.write_text(fixed)


def main(go: str, vendor: bool):
    args = sys.argv[1:]
    if vendor:
        args = ["-mod=vendor" if a == "-mod=mod" else a for a in args]
    if args[:1] == ["build"]:
        strip_generated_rpath(Path.cwd())
    if "CGO_LDFLAGS" in os.environ:
        os.environ["CGO_LDFLAGS"] = without_rpath(os.environ["CGO_LDFLAGS"])
    os.execv(go, [go, *args])
