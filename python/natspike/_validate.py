"""Argument checks shared by the public functions.

Each check raises ``TypeError`` (wrong kind of value), ``ValueError`` (wrong
shape or value) or ``MemoryError`` (a size that cannot fit in memory) with
a message that names the parameter, and returns arrays ready for the C ABI:
float64, C-contiguous, aligned.
"""

from __future__ import annotations

import numbers
import os
import re

import numpy as np

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]

_RLIM_INFINITY = getattr(resource, "RLIM_INFINITY", -1)


def real_array(x, name: str) -> np.ndarray:
    """``x`` as a float64 array; TypeError unless it holds real numbers
    (bool, complex, strings, None and other objects are rejected)."""
    from ._checks import no_hidden_bools

    no_hidden_bools(x, name)
    try:
        a = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular array of real numbers ({exc})") from None
    except OverflowError:
        raise ValueError(f"{name} holds an integer too large to be a float (must be < 1.8e308)") from None
    if a.dtype.kind in "iuf":
        return a.astype(np.float64, copy=False)
    if a.dtype.kind == "O" and all(_is_real(v) for v in a.flat):
        try:
            return a.astype(np.float64)
        except OverflowError:
            raise ValueError(f"{name} holds an integer too large to be a float (must be < 1.8e308)") from None
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{name} must be a real number or an array of real numbers, got {_describe(x, a)}")


def _is_real(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _describe(x, a: np.ndarray) -> str:
    return f"dtype {a.dtype}" if isinstance(x, np.ndarray) else type(x).__name__


def shown(v) -> str:
    """``v`` as it reads in an error message: a NumPy scalar as the plain
    Python number it holds (``nan``, ``-1.5``, not ``np.float64(nan)``)."""
    return repr(v.item() if isinstance(v, np.generic) else v)


def finite(a: np.ndarray, name: str) -> np.ndarray:
    """Raise ValueError naming ``name`` and the first NaN/inf entry."""
    bad = ~np.isfinite(a)
    if bad.any():
        where = _index(bad)
        raise ValueError(f"{name} must be finite, got {shown(a[where])} at index {_shown_index(where)}")
    return a


def at_least(a: np.ndarray, name: str, lo: float, *, strict: bool = False) -> np.ndarray:
    """Raise ValueError unless every entry is finite and >= lo (> lo if strict)."""
    finite(a, name)
    bad = a <= lo if strict else a < lo
    if bad.any():
        where = _index(bad)
        op = ">" if strict else ">="
        raise ValueError(f"{name} must be {op} {lo:g}, got {shown(a[where])} at index {_shown_index(where)}")
    return a


def _index(mask: np.ndarray):
    idx = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return tuple(int(i) for i in idx)


def _shown_index(where: tuple) -> str:
    """An index as it reads in a message: ``3`` for a 1-D array, ``(1, 3)`` otherwise."""
    return str(where[0]) if len(where) == 1 else str(where)


def vector(x, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """A 1-D float64 array; ValueError for other dimensions or (unless
    allowed) an empty vector."""
    a = real_array(x, name)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
    if a.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    return a


def contiguous(a: np.ndarray) -> np.ndarray:
    """A C-contiguous, aligned float64 array with the same values (a copy
    if ``a`` is strided, byte-swapped, of another dtype or misaligned)."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    return a if a.flags.aligned else a.copy()


def real_scalar(x, name: str) -> float:
    """A Python float; TypeError for non-real values (including bool)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    from ._checks import float_of

    return float_of(x, name)


def finite_scalar(x, name: str) -> float:
    """A finite Python float (TypeError for non-real values, ValueError for NaN/inf)."""
    v = real_scalar(x, name)
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be finite, got {v}")
    return v


#: Work of a test set (samples × bins × afferents) above which a trial would
#: spend minutes before its first cancellation check.
MAX_TEST_SET_WORK = 2**33


def check_trial_size(
    records: int,
    traces: int,
    n: int,
    test_samples: int,
    test_bins: int,
    trials: int = 1,
    neurons: int = 1,
    configurations: int = 1,
) -> None:
    """Refuse trials whose recordings cannot fit in memory (MemoryError
    naming ``record_every``/``duration``, ``trace_every``, ``weights`` (the
    neurons of a layer) or ``n_trials``) or whose test set would run for
    minutes without a cancellation point (ValueError naming ``test_samples``).
    ``configurations``: the same trials run under that many configurations
    at once (:func:`natspike.run_configurations`), each recorded in full."""
    work = test_samples * test_bins * n
    if work > MAX_TEST_SET_WORK:
        raise ValueError(
            f"test_samples x test_bins x n = {work:.3g} afferent-bins exceeds 2**33: the test set "
            "alone would run for minutes without a chance to interrupt it; use fewer samples or bins"
        )
    per_trial = 8 * neurons * (records * (n + 4) + 2 * traces + 3 * n)
    test_sets = 8 * test_samples * n * min(trials, os.cpu_count() or 1)  # one per running trial
    name = "n_trials" if trials > 1 else ("trace_every" if traces > records else "record_every")
    name += f" (a layer of {neurons} neurons)" if neurons > 1 else ""
    layer = f" x {neurons} neurons" if neurons > 1 else ""
    what = f"{records} records{layer} x {n} weights{f' x {trials} trials' if trials > 1 else ''}"
    what += f" x {configurations} configurations" if configurations > 1 else ""
    check_memory(per_trial * trials * configurations + test_sets, name, f"recording {what} (with duration)")


def empty(shape, name: str, *, copies: int = 1) -> np.ndarray:
    """``np.empty(shape)`` of float64 after checking that it fits in memory
    ``copies`` times (the output plus what Go allocates alongside);
    MemoryError naming ``name`` otherwise."""
    shape = tuple(int(s) for s in np.atleast_1d(shape))
    check_memory(8 * copies * int(np.prod(shape, dtype=object)), name, f"an output of shape {shape}")
    return np.empty(shape)


#: The files :func:`available_memory` reads (the same as capi/memory.go: capi/testdata/memory_cases.json pins the
#: two); tests point them at synthetic copies.
MEMINFO = "/proc/meminfo"
STATUS = "/proc/self/status"
#: (limit, usage) files of cgroup v2 and v1.
CGROUP_FILES = (
    ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
    ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
)
#: A cgroup limit of this or more means none (v1 writes 2**63 rounded down to a page).
CGROUP_NO_LIMIT = 2**60
#: The headroom where nothing limits it: the largest int64, as Go reports it.
NO_LIMIT = 2**63 - 1


def _kib_lines(*keys: str) -> re.Pattern[bytes]:
    """The ``Key: N kB`` lines of the given keys (a newline is put in front of the file's first line)."""
    names = b"|".join(re.escape(k.encode()) for k in keys)
    return re.compile(rb"\n(" + names + rb"):[ \t]*([0-9]+)(?!\S)")


_MEMINFO_LINES = _kib_lines("MemAvailable", "MemFree", "SwapFree")
_STATUS_LINES = _kib_lines("VmSize", "VmData")
_ANY_KIB_LINE = re.compile(rb"\n[^:\n]*:[ \t]*[0-9]+(?!\S)")


def available_memory() -> int:
    """Bytes the process can still allocate: MemAvailable plus free swap,
    capped by a cgroup memory limit and by RLIMIT_AS/RLIMIT_DATA (physical
    memory where /proc is missing). Called before every allocation that
    grows with the arguments, so it reads only the lines it needs."""
    info = _kib_values(MEMINFO, _MEMINFO_LINES)
    if info is None:  # pragma: no cover - not Linux
        limit = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    else:
        limit = info.get("MemAvailable", info.get("MemFree", 0)) + info.get("SwapFree", 0)
    return min(limit, _cgroup_headroom(), _rlimit_headroom())


def _rlimit_headroom() -> int:
    """What ``ulimit -v`` (RLIMIT_AS, against the address space in use) and
    RLIMIT_DATA (against the data segments) still allow; common on batch
    clusters, where exceeding them makes Go abort the process. The usage is
    read only when a limit is set."""
    limits = [(soft, used) for soft, used in _soft_limits() if soft != _RLIM_INFINITY and soft >= 0]
    if not limits:
        return NO_LIMIT
    status = _kib_values(STATUS, _STATUS_LINES) or {}
    return min([NO_LIMIT] + [max(0, soft - status.get(used, 0)) for soft, used in limits])


def _soft_limits() -> list[tuple[int, str]]:
    """(soft limit, the /proc/self/status key it caps) of RLIMIT_AS and RLIMIT_DATA; [] without ``resource``."""
    if resource is None:  # pragma: no cover - not POSIX
        return []
    return [
        (resource.getrlimit(resource.RLIMIT_AS)[0], "VmSize"),
        (resource.getrlimit(resource.RLIMIT_DATA)[0], "VmData"),
    ]


def _kib_values(path: str, lines: re.Pattern[bytes]) -> dict[str, int] | None:
    """The values in bytes of the ``Key: N kB`` lines of a /proc file that
    ``lines`` matches (a key given twice: its last line; a size of 2**63
    bytes or more is left out, as Go cannot hold it); None where the file
    is absent or has no ``Key: N`` line at all."""
    text = _read(path)
    if text is None:
        return None
    text = b"\n" + text
    sizes = ((key.decode(), int(value) * 1024) for key, value in lines.findall(text))
    found = {key: size for key, size in sizes if size <= NO_LIMIT}
    return found if found or _ANY_KIB_LINE.search(text) else None


def _read(path: str) -> bytes | None:
    """The bytes of a small /proc or /sys file; None where it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def _cgroup_headroom() -> int:
    """The first cgroup limit of :data:`CGROUP_FILES` that is set, minus its usage; :data:`NO_LIMIT` where none is.
    A limit file that cannot be read or holds no size (:func:`_size_in`), "max", a negative value and limits of
    :data:`CGROUP_NO_LIMIT` and more mean "no limit"; so does a usage file without a size: the next pair counts."""
    for limit_file, usage_file in CGROUP_FILES:
        limit = _size_in(limit_file)
        if limit is None or limit >= CGROUP_NO_LIMIT:
            continue  # the usage does not matter
        usage = _size_in(usage_file)
        if usage is not None:
            return max(0, limit - usage)
    return NO_LIMIT


def _size_in(path: str) -> int | None:
    """The size a file holds: ASCII digits below 2**63 with ASCII white space around them; None for anything else
    (a sign, "max", an empty or unreadable file)."""
    text = (_read(path) or b"").strip()
    return int(text) if text.isdigit() and int(text) <= NO_LIMIT else None


def check_memory(nbytes: int, name: str, what: str) -> None:
    """MemoryError naming ``name`` if ``nbytes`` (for ``what``) cannot fit in
    the memory still available. Checking first matters: NumPy reserves huge
    arrays lazily, and the process would be killed when Go fills them."""
    limit = available_memory()
    if nbytes > limit:
        raise MemoryError(
            f"{name}: {what} would need {_size(nbytes)}, more than the {_size(limit)} of memory available"
        )


def _size(nbytes: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if nbytes < 1024 or unit == "PiB":
            return f"{nbytes:.3g} {unit}"
        nbytes /= 1024
    return f"{nbytes:.3g} EiB"  # pragma: no cover
