"""Resumable results: finished trials written to disk as they complete.

A store is a directory::

    store/
        natspike-store.json     what was run: one entry per grid point
        shards/p000003-t000000012-n000004.npz
                                trials 12 … 15 of point 3, one file per task

Each shard is written to a hidden temporary file, flushed to disk and then
renamed, so a shard is either complete or absent: a process killed with
SIGKILL loses only the trials that were still running. Running the same
sweep again reads the shards that exist and computes only the missing
trials. A store records, for every grid point, the parameters that
determine its numbers (configuration, rates, attenuation, root seed and the
engine's numbers version, see :func:`point_identity`); opening it with other
parameters raises ``ValueError`` instead of mixing results. The number of trials is not part of that
identity: asking for more trials later extends a store. A shard holds, by
name, every output of Go's plan that a trial writes (plus the shared record
times) and the inputs the plan echoes (initial and target weights), which
are compared with the requested ones when the shard is read.

A :class:`RunLibrary` is a folder of such stores, one per run, each named by
the digest of its grid points' identities (``runs/<digest>/``): runs that are
identical in everything that determines their numbers share one store
whoever asks for them, so the experiments compute a run that two figures
contain once, and a run that differs in anything gets a store of its own.
Runs computed by an engine of another numbers version are therefore never
read: their runs are computed again into stores of their own, and the
library says so once (a warning) when it finds that it was last written by
another numbers version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import _describe, _native

FORMAT = "natspike-store/2"  # /2: every shard records its point, trials, seed and digest
META = "natspike-store.json"
#: A run library's own record: the numbers version of the engine that last wrote into it.
LIBRARY, LIBRARY_FORMAT = "natspike-library.json", "natspike-library/1"
_SHARD = re.compile(r"p(\d{6,})-t(\d{9,})-n(\d{6,})\.npz")


def point_identity(cfg: dict, rates: np.ndarray, attenuation: np.ndarray | None, schedule: Any = None) -> dict:
    """What determines the numbers of one grid point, as JSON-able values.

    ``cfg`` is the control-plane dict that crosses the C ABI (it includes
    the root seed); arrays enter through a SHA-256 digest, a rate
    schedule's buffers (``schedule``, by name) too. The code that turns them
    into numbers enters through the engine's numbers version
    (:func:`natspike._native.numbers_version`), not natspike's version: Go's
    golden test (``internal/version``) makes every change of the engine's
    numbers increment it, while a release that computes the same numbers
    keeps it, and stores stay valid across such releases.
    """
    numbers = _native.numbers_version()
    digest = hashlib.sha256(json.dumps(cfg, sort_keys=True).encode())
    digest.update(np.ascontiguousarray(rates, np.float64).tobytes())
    if attenuation is not None:
        digest.update(b"attenuation" + np.ascontiguousarray(attenuation, np.float64).tobytes())
    for name, a in sorted((schedule or {}).items()):
        digest.update(name.encode() + np.ascontiguousarray(a, np.float64).tobytes())
    digest.update(f"numbers version {numbers}".encode())
    summary = {k: v for k, v in cfg.items() if k != "neuron"}
    summary.update(neuron=cfg.get("neuron"), n=int(np.size(rates)), seed=str(cfg.get("seed")), numbers_version=numbers)
    return {"digest": digest.hexdigest(), "params": summary}


class Store:
    """A results store at ``path`` for a run whose grid points have the
    given identities (see :func:`point_identity`); ``grid`` describes the
    axes (JSON-able). Creates the directory, or checks that an existing
    store was written by the same run."""

    def __init__(self, path: str | os.PathLike[str], points: list[dict], grid: dict | None = None) -> None:
        self.path = store_path(path)
        self.points = points
        self.meta = {"format": FORMAT, "grid": grid or {}, "points": points}
        self.shards = self.path / "shards"
        self.loaded = self.computed = 0  # trials read from and written to this store by this process
        if (self.path / META).exists():
            self._check(_read_meta(self.path / META))
            _remove_temporaries(self.path)
        elif self.path.exists() and any(self.path.iterdir()):
            raise ValueError(
                f"store: {self.path} exists, is not empty and is not a natspike store; choose a new directory"
            )
        else:
            self.shards.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path / META, json.dumps(self.meta, indent=1))

    def _check(self, stored: dict) -> None:
        if stored.get("format") != FORMAT:
            raise ValueError(f"store: {self.path} has format {stored.get('format')!r}, expected {FORMAT!r}")
        if not isinstance(stored.get("points"), list) or not isinstance(stored.get("grid", {}), dict):
            raise ValueError(f"store: {self.path / META} is malformed (no list of points); use another directory")
        _check_numbers_version(self.path, stored["points"], self.points)
        problems = _differences(stored, self.meta)
        if problems:
            raise ValueError(
                f"store: {self.path} was written with other parameters ({'; '.join(problems[:5])}); "
                "its results cannot be mixed with this run's. Use another directory, or delete it."
            )
        self.shards.mkdir(exist_ok=True)

    def finished(self) -> list[tuple[int, int, int, Path]]:
        """(point, first trial, count, file) of every complete shard."""
        found = []
        for entry in os.scandir(self.shards):
            m = _SHARD.fullmatch(entry.name)
            if m:
                point, first, count = (int(g) for g in m.groups())
                if point < len(self.points):
                    found.append((point, first, count, Path(entry.path)))
        return sorted(found)

    def write(self, point: int, first: int, arrays: dict) -> None:
        """Save trials first … first+count−1 of ``point`` (arrays with a
        leading trial axis, plus the shared ``times``), atomically."""
        count = len(arrays["final_weights"])
        target = self.shards / f"p{point:06d}-t{first:09d}-n{count:06d}.npz"
        data: dict[str, Any] = {k: np.asarray(v) for k, v in arrays.items() if v is not None}
        data["digest"] = np.array(self.points[point]["digest"])
        data["shard"] = np.array(json.dumps(self._record(point, first, count)))
        tmp = self.shards / f".tmp-{uuid.uuid4().hex}.npz"
        try:
            with open(tmp, "wb") as f:
                np.savez(f, **data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    def read(self, point: int, first: int, count: int, file: Path) -> dict:
        """The arrays of one shard, after checking that it belongs to ``point``."""
        try:
            with np.load(file, allow_pickle=False) as f:
                arrays = {k: f[k] for k in f.files}
        except Exception as exc:  # zipfile, OS and format errors alike
            raise ValueError(
                f"store: shard {file} is unreadable ({exc!r}); delete it and run again to recompute its trials"
            ) from exc
        if str(arrays.pop("digest", "")) != self.points[point]["digest"]:
            raise ValueError(
                f"store: shard {file.name} was written for other parameters than point {point}; "
                "the store is inconsistent (files copied between stores?)"
            )
        self._verify_record(arrays.pop("shard", None), point, first, count, file)
        described = _describe.outputs()
        for key in arrays:
            per_trial = key in described and not described[key]["shared"]
            if per_trial and (arrays[key].ndim == 0 or len(arrays[key]) != count):
                raise ValueError(f"store: shard {file} should hold {count} trials of {key!r}; delete it")
        return arrays

    def _record(self, point: int, first: int, count: int) -> dict:
        """What a shard says about itself: which trials of which point, seed and digest."""
        params = self.points[point].get("params", {})
        return {
            "point": point,
            "first": first,
            "count": count,
            "seed": str(params.get("seed")),
            "digest": self.points[point]["digest"],
        }

    def _verify_record(self, record: object, point: int, first: int, count: int, file: Path) -> None:
        """ValueError naming ``file`` unless its record matches its name and this run (a shard
        renamed into another trial's slot holds the same numbers for other trials)."""
        try:
            found = json.loads(str(record))
        except (TypeError, ValueError):
            found = None
        if found != self._record(point, first, count):
            raise ValueError(
                f"store: shard {file} does not record that it holds trials {first}-{first + count - 1} of point "
                f"{point} with this run's seed and parameters (it records {found}); delete it and run again"
            )

    def check_complete(self, arrays: Mapping[str, Any], keys: Iterable[str], file: Path) -> None:
        """ValueError naming ``file`` if one of the arrays this run needs is missing."""
        missing = sorted(k for k in keys if k not in arrays)
        if missing:
            raise ValueError(f"store: shard {file} lacks {', '.join(missing)}; delete it and run again")


class RunLibrary(os.PathLike):
    """A folder of results stores at ``path``, one per run, content-addressed: the store of a run is
    ``runs/<digest>``, the digest of its grid points' identities (:func:`point_identity`), its grid and every
    trial's initial and target weights (so the number of trials too). Identical runs share one store, whoever
    asks for them, and the second is read from disk; a run that differs in anything gets a store of its own,
    as does a run of an engine of another numbers version (the library records, in ``natspike-library.json``,
    the numbers version that last wrote into it, and warns once when it changes). ``stores`` lists the stores
    opened."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = store_path(path)
        self.stores: list[Store] = []
        self._numbers_checked = False

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    def open(self, points: list[dict], grid: dict | None, inputs: Iterable[np.ndarray | None]) -> Store:
        """The store of the run whose grid points have these identities and per-trial ``inputs`` (the initial
        and target weights of every point), created if new."""
        self._note_numbers_version()
        key = hashlib.sha256(json.dumps({"points": [p["digest"] for p in points], "grid": grid or {}}).encode())
        for a in inputs:
            key.update(b"-" if a is None else repr(np.shape(a)).encode() + np.ascontiguousarray(a, np.float64).data)
        store = Store(self.path / "runs" / key.hexdigest()[:40], points, grid)
        self.stores.append(store)
        return store

    def _note_numbers_version(self) -> None:
        """Warn, once, if the library was last written by an engine of another numbers version (its runs of
        that version are not reused), and record this engine's."""
        if self._numbers_checked:
            return
        self._numbers_checked = True
        current, record, runs = _native.numbers_version(), self.path / LIBRARY, self.path / "runs"
        if record.exists():
            found = _read_meta(record).get("numbers_version")
        else:  # a new library, or one made before numbers versions
            found = "unknown" if runs.is_dir() and any(runs.iterdir()) else None
        if found == current:
            return
        if found is not None:
            warnings.warn(
                f"results library {self.path} was last written by an engine {_numbers(found)}; this "
                f"natspike computes numbers version {current}. Runs stored by the other version are not reused "
                "(their numbers may differ): they are computed again, into stores of their own; the old ones stay "
                "on disk.",
                UserWarning,
                stacklevel=4,
            )
        self.path.mkdir(parents=True, exist_ok=True)
        atomic_write(record, json.dumps({"format": LIBRARY_FORMAT, "numbers_version": current}))

    def counts(self) -> dict[str, int]:
        """Trials read from the library and computed into it by this process, over all its runs."""
        return {"loaded": sum(s.loaded for s in self.stores), "computed": sum(s.computed for s in self.stores)}


def open_store(
    path: str | os.PathLike[str], points: list[dict], grid: dict | None, inputs: Iterable[np.ndarray | None]
) -> Store:
    """The store for these grid points: ``path`` itself, or within a :class:`RunLibrary` the run's own."""
    return path.open(points, grid, inputs) if isinstance(path, RunLibrary) else Store(path, points, grid)


def store_path(path: object) -> Path:
    """``path`` as a Path; TypeError/ValueError for what cannot name a store directory."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"store must be a path (str or os.PathLike), got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str) or not text.strip() or "\0" in text:
        raise ValueError(f"store must name a directory, got {path!r}")
    p = Path(text)
    if p.exists() and not p.is_dir():
        raise ValueError(f"store: {p} exists and is not a directory")
    return p


def _read_meta(file: Path) -> dict:
    try:
        meta = json.loads(file.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(
            f"store: {file} is unreadable or not JSON ({exc}); this is not a usable natspike store"
        ) from None
    if not isinstance(meta, dict):
        raise ValueError(f"store: {file} does not describe a natspike store (a JSON {type(meta).__name__})")
    return meta


def _check_numbers_version(path: Path, stored: list, wanted: list[dict]) -> None:
    """ValueError if the store at ``path`` holds results of another numbers version of the engine."""
    old = _numbers_version_of(stored)
    new = _numbers_version_of(wanted)
    if stored and wanted and old != new:
        raise ValueError(
            f"store: {path} holds results computed by an engine {_numbers(old)}; this natspike computes "
            f"numbers version {new}, whose numbers may differ, so they are neither reused nor mixed with this "
            "run's. Use another directory, or delete it to compute the run again."
        )


def _numbers(version: object) -> str:
    """How a message names the numbers version ``version`` of an engine."""
    return "from before numbers versions" if version == "unknown" else f"of numbers version {version}"


def _numbers_version_of(points: list) -> object:
    """The numbers version the first grid point records ("unknown" for stores made before numbers versions)."""
    params = points[0].get("params", {}) if points and isinstance(points[0], dict) else {}
    return params.get("numbers_version", "unknown") if isinstance(params, dict) else "unknown"


def _remove_temporaries(path: Path) -> None:
    """Delete the ``.tmp-*`` files a killed run left behind (a store serves one run at a time)."""
    for folder in (path, path / "shards"):
        for tmp in folder.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)


def _differences(stored: dict, wanted: dict) -> list[str]:
    """Human-readable differences between two store descriptions."""
    problems = []
    if stored.get("grid") != wanted["grid"]:
        problems.append(f"grid {stored.get('grid')} != {wanted['grid']}")
    old, new = stored.get("points", []), wanted["points"]
    if len(old) != len(new):
        problems.append(f"{len(old)} grid points != {len(new)}")
    for i, (a, b) in enumerate(zip(old, new)):
        if a.get("digest") != b["digest"]:
            keys = sorted(
                k
                for k in set(a.get("params", {})) | set(b["params"])
                if a.get("params", {}).get(k) != b["params"].get(k)
            )
            what = ", ".join(f"{k}: {a.get('params', {}).get(k)!r} -> {b['params'].get(k)!r}" for k in keys)
            problems.append(f"point {i}: {what or 'rates, attenuation or initial values'}")
    return problems


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a flushed hidden temporary file and a rename: complete or absent."""
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}")
    try:
        with open(tmp, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
