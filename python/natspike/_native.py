"""The compiled Go library and the conventions for calling it.

natspike's Go code is ONE shared object, ``natspike/_go/_bindings*.so``: it
is the gopy extension module (the control plane, imported here as ``go``)
and it exports the C ABI of package capi (the data plane, reached with
:mod:`ctypes` through :data:`lib`). Loading the extension's own file with
``ctypes.CDLL`` returns the library already mapped by the import, so the
process has one Go runtime.

C ABI conventions (see ``natspike/_go/natspike.h``): every ``ns_*`` function
returns a status (codes by name from Go: NS_OK, NS_INVALID, NS_INTERNAL,
NS_CANCELLED, NS_NOMEMORY, NS_DIVERGED; :data:`EXCEPTIONS`) and writes a message into a caller buffer passed as the
last two arguments; :func:`call` and :func:`call_cancellable` append that
buffer and raise ``ValueError``, ``RuntimeError``, ``KeyboardInterrupt`` or
``MemoryError``. Argument types are read from ``natspike.h`` itself (which
capi's Go tests keep in step with the exports); arrays are passed as raw
pointers (``c_void_p``), which costs ~0.4 µs per call where ``ndpointer``
costs ~7.5 µs, so callers must pass C-contiguous, aligned arrays of the
declared dtype (see :mod:`natspike._validate`).

Processes: the Go runtime starts threads when the library loads, and a
child created by ``os.fork()`` afterwards can hang. Use the ``spawn`` or
``forkserver`` start methods (:func:`mp_context`). A fork triggers a
``RuntimeWarning`` in the parent, and native calls in a forked child raise
``RuntimeError`` instead of hanging.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import re
import signal
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np


@contextmanager
def sigint_blocked():
    """Block SIGINT in the calling thread for the duration (where the
    platform has ``pthread_sigmask``)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def block_sigint_in_this_thread() -> None:
    """For natspike's worker threads: SIGINT must be delivered to the main
    thread, the only one where CPython turns it into KeyboardInterrupt."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


# Ctrl-C goes to the main thread only. The library is loaded with SIGINT
# blocked: the Go runtime (c-shared) starts its first thread from the loading
# thread and gives every later thread that thread's signal mask, and it
# leaves SIGINT to CPython's handler. So no Go thread can receive SIGINT; a
# process-directed SIGINT is delivered to the main thread, interrupts its
# wait at once and is handled there, not in CPython's cross-thread path.
try:
    with sigint_blocked():
        from ._go import _bindings as _extension
        from ._go import bindings as _gopy  # the gopy facade (control plane); also loads the extension
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "natspike's compiled Go library (natspike._go) is missing or does not load. Install natspike "
        "from a source checkout with `pip install .` or `make install`; this needs Go and a C compiler."
    ) from exc

_forked = False


def check_process() -> None:
    """RuntimeError in a child of ``os.fork()`` (Go's threads did not survive it)."""
    if _forked:
        raise RuntimeError(
            "natspike cannot call Go in a process created by os.fork() after natspike was imported "
            "(this includes the children of a forkserver that preloaded natspike); use "
            "multiprocessing.get_context('spawn'), or 'forkserver' without natspike in "
            "set_forkserver_preload (see natspike._native.mp_context)"
        )


class _ForkGuarded:
    """The gopy module with :func:`check_process` in front of every function
    and class: each Go entry point of the package is either this or
    :func:`call`/:func:`call_cancellable`/:func:`version`, which check too
    (tests/test_fork_guard.py calls every public callable in a forked child)."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if not callable(attr):
            return attr

        def guarded(*args, **kwargs):
            check_process()
            return attr(*args, **kwargs)

        guarded.__name__, guarded.__doc__ = name, attr.__doc__
        return guarded


#: The gopy facade (control plane), behind the fork guard.
go = _ForkGuarded(_gopy)

#: Path of the one shared library (extension module and C ABI).
LIBRARY = _extension.__file__
#: The C header declaring the ``ns_*`` functions, installed next to it.
HEADER = Path(LIBRARY).with_name("natspike.h")
#: The library as seen by ctypes (the same mapping as the extension).
lib = ctypes.CDLL(LIBRARY)


#: Exception raised for each non-zero status code.
class DivergenceError(FloatingPointError, ValueError):
    """Learning diverged (non-finite or absurdly large weights or potential).

    Usually the learning rate is too large. The message says at which
    simulated time and in which quantity it happened.
    """


#: The exception of each non-zero status of the C ABI, by the name Go gives it.
EXCEPTIONS = {
    "NS_INVALID": ValueError,
    "NS_INTERNAL": RuntimeError,
    "NS_CANCELLED": KeyboardInterrupt,
    "NS_NOMEMORY": MemoryError,
    "NS_DIVERGED": DivergenceError,
}
#: Exception raised for each non-zero status code (the codes come from Go).
ERRORS = {code: EXCEPTIONS[name] for name, code in json.loads(go.Describe())["statuses"].items() if code}
ERRLEN = 4096
_PROTOTYPE = re.compile(r"extern\s+int\s+(ns_\w+)\s*\(([^)]*)\)\s*;")


def _ctype(param: str):
    """ctypes type of one C parameter of natspike.h."""
    words = param.replace("*", " * ").replace("const ", " ").split()[:-1]  # drop the name
    if "*" in words:
        return ctypes.c_char_p if words[0] == "char" else ctypes.c_void_p
    scalar = {"int": ctypes.c_int, "long long": ctypes.c_longlong, "double": ctypes.c_double}.get(" ".join(words))
    if scalar is None:
        raise ImportError(
            f"natspike.h: no ctypes mapping for parameter {param.strip()!r}; extend natspike._native._ctype"
        )
    return scalar


def _declare(header: Path) -> dict[str, Any]:
    functions = {}
    for name, params in _PROTOTYPE.findall(header.read_text()):
        fn = getattr(lib, name)
        fn.argtypes = [_ctype(p) for p in params.split(",")]
        fn.restype = ctypes.c_int
        functions[name] = fn
    return functions


#: The declared ``ns_*`` functions by name.
functions = _declare(HEADER)
_local = threading.local()


def _errbuf():
    buf = getattr(_local, "err", None)
    if buf is None:
        buf = _local.err = ctypes.create_string_buffer(ERRLEN)
    return buf


def _raw(args):
    """Replace NumPy arrays by their data pointers (kept alive by the caller)."""
    return [_pointer(a) if isinstance(a, np.ndarray) else a for a in args]


def _pointer(a: np.ndarray) -> int:
    if not (a.flags.c_contiguous and a.flags.aligned):  # Go would read the wrong elements
        raise ValueError("natspike internal error: a non-contiguous array was passed to the C ABI")
    return a.ctypes.data


def raise_for_status(status: int, message: str) -> None:
    """Raise the exception that a non-zero C ABI status stands for."""
    if status:
        raise ERRORS.get(status, RuntimeError)(message or f"natspike: native call failed with status {status}")


def call(fn, *args) -> None:
    """Call ``fn(*args, err, errlen)`` and raise on a non-zero status.

    NumPy arrays among ``args`` are passed as pointers; they must already be
    C-contiguous and of the declared dtype.
    """
    check_process()
    err = _errbuf()
    status = fn(*_raw(args), err, ERRLEN)
    if status:
        raise_for_status(status, err.value.decode("utf-8", "replace"))


#: Seconds a cancelled native call may take to return (Go polls the cancel flag every 10 ms; under heavy load the
#: poll and the thread's return can take much longer than that, but never this long).
STOP_TIMEOUT = 60.0


def wait_stopped(wait, what: str, timeout: float | None = None) -> bool:
    """After the cancel flag is raised: ``wait(seconds)`` (True once the native work has returned), at most
    ``timeout`` seconds; False, with a RuntimeWarning naming ``what``, if Go is still running then. A second
    Ctrl-C during the wait is not swallowed: it ends the wait and propagates."""
    timeout = STOP_TIMEOUT if timeout is None else timeout
    if wait(timeout):
        return True
    warnings.warn(
        f"natspike: the cancelled native call {what} had not stopped {timeout:g} s after its cancel flag was "
        "raised; it keeps running in the background until it sees the flag",
        RuntimeWarning,
        stacklevel=3,
    )
    return False


def call_cancellable(fn, *args, on_progress=None, interval: float = 0.1) -> None:
    """Run a long native call so that Ctrl-C stops it promptly.

    Calls ``fn(*args, cancel, progress, err, errlen)`` in a worker thread,
    where ``cancel`` is a one-element int32 flag and ``progress`` a
    one-element int64 counter that Go increments. The calling thread waits;
    every ``interval`` seconds it passes the counter to ``on_progress`` (e.g.
    a tqdm update). On ``KeyboardInterrupt`` it raises the flag, waits until Go
    has stopped (it polls the flag every 10 ms; at most :data:`STOP_TIMEOUT`
    seconds, for a machine so loaded that the poll is late) and re-raises: once
    the KeyboardInterrupt reaches the caller, no Go work of the call is left.
    The worker keeps the arguments alive, so even a call that ignores the
    flag never writes into freed memory.
    """
    check_process()
    cancel, progress = np.zeros(1, np.int32), np.zeros(1, np.int64)
    err = ctypes.create_string_buffer(ERRLEN)
    outcome = {}

    finished = threading.Event()

    def work(raw=_raw(args), keep=args):  # noqa: B008  (bound now, on purpose)  # keep: the arrays behind the pointers
        block_sigint_in_this_thread()
        try:
            outcome["status"] = fn(*raw, cancel.ctypes.data, progress.ctypes.data, err, ERRLEN)
        except BaseException as exc:  # pragma: no cover - ctypes argument errors
            outcome["error"] = exc
        finally:
            finished.set()

    worker = threading.Thread(target=work, name=f"natspike-{getattr(fn, '__name__', 'call')}", daemon=True)
    done = False
    # Everything from start() on is inside the try: a Ctrl-C raised inside
    # Thread.start() (the thread may already be in Go) must cancel it too.
    # Wait on an Event, not Thread.join: on Python 3.11 a join interrupted by
    # Ctrl-C marks the thread stopped while it still runs (bpo-45274), and
    # later joins return at once.
    try:
        worker.start()
        while not finished.wait(interval):
            if on_progress is not None:
                on_progress(int(progress[0]))
        if on_progress is not None:
            on_progress(int(progress[0]))
        done = True
    finally:
        if not done:  # any exit before Go returned: stop it and wait until it has
            cancel[0] = 1
            if wait_stopped(finished.wait, getattr(fn, "__name__", "call")):
                worker.join(0.1)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    raise_for_status(outcome["status"], err.value.decode("utf-8", "replace"))


@contextmanager
def progress_bar(enabled: bool, total: int, desc: str, unit: str = "bin"):
    """Yield an ``update(done)`` callback (for :func:`call_cancellable`'s
    ``on_progress``) that moves a :func:`natspike._progress.progress_bar` of
    ``total`` units to ``done``;
    yield None when not ``enabled``."""
    if not enabled:
        yield None
        return
    from ._progress import progress_bar as _bar

    with _bar(True, total, desc, unit=unit, unit_scale=unit == "bin") as bar:
        yield lambda done: bar.update(done - bar.n)


class Buffer(ctypes.Structure):
    """One entry {name, data, len} of the buffer table of ns_train and ns_run_trials."""

    _fields_ = [("name", ctypes.c_char_p), ("data", ctypes.c_void_p), ("len", ctypes.c_longlong)]


def buffers(named: dict) -> tuple:
    """``(table, count)`` binding each array of ``named`` (name → array or
    None; None is left out) by name; the table keeps the arrays alive."""
    entries = [(name, a) for name, a in named.items() if a is not None]
    table = (Buffer * len(entries))(*(Buffer(name.encode(), _pointer(a), a.size) for name, a in entries))
    table.keep = entries  # type: ignore[attr-defined]  # the ctypes array owns the arrays it points to
    return table, len(entries)


def version() -> str:
    """natspike's version, as compiled into the Go library."""
    check_process()
    buf = ctypes.create_string_buffer(64)
    status = functions["ns_version"](buf, len(buf))
    raise_for_status(status, "version string truncated" if status == 1 else buf.value.decode("utf-8", "replace"))
    return buf.value.decode()


def numbers_version() -> int:
    """The version of the numbers the Go engine computes (``internal/version.Numbers``): two builds with the same
    one give bit-identical results, so results stores key learning runs by it (``natspike._store``)."""
    return int(go.NumbersVersion())


def mp_context(method: str = "spawn"):
    """A multiprocessing context that is safe with the Go runtime loaded.

    ``fork`` (Linux's default before Python 3.14) copies the process without
    the Go runtime's threads, and the child can hang; ``spawn`` and
    ``forkserver`` start fresh interpreters.
    """
    if method == "fork":
        raise ValueError("method must be 'spawn' or 'forkserver': fork hangs once the Go runtime is loaded")
    return multiprocessing.get_context(method)


def _warn_fork():
    warnings.warn(
        "os.fork() after natspike loaded its Go runtime: the child cannot call natspike and may hang. "
        "Use multiprocessing.get_context('spawn') or 'forkserver' (natspike._native.mp_context()).",
        RuntimeWarning,
        stacklevel=2,
    )


def _mark_forked():
    global _forked
    _forked = True


os.register_at_fork(before=_warn_fork, after_in_child=_mark_forked)
