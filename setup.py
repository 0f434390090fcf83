"""Build natspike: the Go code becomes ONE shared library that is both the
gopy extension module natspike._go._bindings (control plane) and the C ABI
of package capi (data plane, loaded with ctypes). Metadata is in
pyproject.toml; this file only drives the Go build.

Build steps (GoBuild.build_extension):
  1. check that Go (at least the go.mod version) and a C compiler exist;
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
GO_PACKAGE = "./bindings"  # the package gopy wraps; it links ./capi
EXTENSION = "natspike._go._bindings"  # gopy names the module _<package name>
WRAPPERS = ("bindings.py", "go.py")  # gopy's Python side, next to the .so
HEADER = ROOT / "capi" / "natspike.h"
TOOLS = {"gopy": "github.com/go-python/gopy", "goimports": "golang.org/x/tools/cmd/goimports"}


def read_version():
    text = (ROOT / "internal" / "version" / "version.go").read_text()
    return re.search(r'const Version = "([^"]+)"', text).group(1)


def required_go():
    """The `go` directive of go.mod, e.g. (1, 26)."""
    m = re.search(r"^go (\d+)\.(\d+)", (ROOT / "go.mod").read_text(), re.M)
    return int(m.group(1)), int(m.group(2))


def go_env(go, *names):
    out = subprocess.run([go, "env", *names], capture_output=True, text=True, check=True, cwd=ROOT)
    return out.stdout.splitlines()


def check_toolchain():
    """Return the go executable, or raise one error listing what is missing."""
    need = "{}.{}".format(*required_go())
    go, problems = shutil.which(os.environ.get("GO", "go")), []
    if go is None:
        problems.append(f"Go >= {need} (`go` is not on PATH)")
    else:
        goversion, cc = go_env(go, "GOVERSION", "CC")
        found = tuple(int(x) for x in re.findall(r"\d+", goversion)[:2])
        if found < required_go():
            problems.append(f"Go >= {need} (found {goversion} at {go})")
        if shutil.which(cc.split()[0] if cc else "cc") is None:
            problems.append(f"a C compiler for cgo (`{cc or 'cc'}` is not on PATH; set CC to use another)")
    try:
        import pybindgen  # noqa: F401  (gopy's generator runs under this interpreter)
    except ImportError:
        problems.append(
            "the Python package pybindgen (`pip install pybindgen`; pip does this itself for `pip install .`)"
        )
    if problems:
        raise PlatformError(
            "natspike compiles its Go core when installed and needs: " + "; ".join(problems) + ". "
            "Install Go from https://go.dev/dl/ and a C compiler (Debian/Ubuntu: "
            "`apt-get install gcc`; macOS: `xcode-select --install`), then retry."
        )
    return go


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
        go = check_toolchain()
        env = dict(
            os.environ,
            CGO_ENABLED="1",
            CGO_LDFLAGS_ALLOW="-fwrapv",
            GOFLAGS=(os.environ.get("GOFLAGS", "") + " -buildvcs=false").strip(),
        )
        out = ROOT / f"_build/gopy-{sys.implementation.cache_tag}"
        with tempfile.TemporaryDirectory(prefix="natspike-tools-") as tmp, go_mod_guard():
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
