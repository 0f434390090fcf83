"""After a Ctrl-C reaches the caller, no native work of the call is still running: the cancel path waits until
Go has returned (bounded by natspike._native.STOP_TIMEOUT), even when Go is slow to see the flag — as under
heavy load, where the soak once found a sweep worker still in Go right after the KeyboardInterrupt. The slow
stops here are Python stand-ins for the native function (same calling convention), so the timing is exact."""

import _thread
import ctypes
import threading
import time

import natspike
import numpy as np
import pytest
import xarray  # noqa: F401  (imported now: a Ctrl-C inside sweep's first import would break it)
from natspike import _native, _trials
from natspike._sweep import sweep

SLOW_STOP = 2.5  # seconds from the cancel flag to the return: more than the one second once granted


def _slow_to_stop(returned):
    """A stand-in for an ns_* function: runs until its cancel flag is raised, then takes SLOW_STOP s to return."""

    def ns_slow(cancel, progress, err, errlen):
        flag = ctypes.c_int32.from_address(cancel)
        while not flag.value:
            time.sleep(0.005)
        time.sleep(SLOW_STOP)
        returned.set()
        return 0

    return ns_slow


@pytest.mark.timeout(60)
def test_call_cancellable_returns_only_after_go_has_stopped():
    returned = threading.Event()
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        _native.call_cancellable(_slow_to_stop(returned))
    assert returned.is_set(), "KeyboardInterrupt reached the caller while the native call was still running"
    assert SLOW_STOP < time.monotonic() - start < SLOW_STOP + 5


@pytest.mark.timeout(60)
def test_stopping_the_task_threads_waits_for_every_one():
    cancel, returned = np.zeros(1, np.int32), [threading.Event() for _ in range(3)]
    fns = [_slow_to_stop(r) for r in returned]
    threads = [threading.Thread(target=f, args=(cancel.ctypes.data, 0, None, 0), daemon=True) for f in fns]
    for t in threads:
        t.start()
    _trials._stop(threads, cancel)
    assert cancel[0] == 1
    assert all(r.is_set() for r in returned) and not any(t.is_alive() for t in threads)


@pytest.mark.timeout(60)
def test_a_call_that_never_stops_is_waited_for_boundedly_and_named():
    release, cancel = threading.Event(), np.zeros(1, np.int32)
    stuck = threading.Thread(target=release.wait, name="natspike-task-stuck", daemon=True)
    stuck.start()
    start = time.monotonic()
    with pytest.warns(RuntimeWarning, match="natspike-task-stuck had not stopped 0.3 s after"):
        _trials._stop([stuck], cancel, timeout=0.3)
    assert 0.3 <= time.monotonic() - start < 3
    release.set()
    stuck.join(5)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("delay", [0.05, 0.3])
def test_an_interrupted_sweep_leaves_no_task_thread_running(delay):
    n = 10
    r = np.r_[np.full(5, 10.0), np.full(5, 50.0)]
    w0, tw = np.random.default_rng(0).uniform(-0.05, 0.05, (2, n))
    natspike.train("natural", w0, r, teacher=tw, duration=0.01, eta=1e-3, seed=1)  # warm
    timer = threading.Timer(delay, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sweep(
            {"eta": [1e-3, 2e-3, 3e-3]},
            rule="natural",
            weights=w0,
            rates=r,
            teacher=tw,
            duration=1e5,
            n_trials=4,
            seed=1,
        )
        time.sleep(10)  # finished before the timer: wait for it
    running = [t.name for t in threading.enumerate() if t.name.startswith("natspike") and t.is_alive()]
    assert running == [], f"still running after the KeyboardInterrupt: {running}"
