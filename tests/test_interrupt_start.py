"""Ctrl-C at the very start of a call, and in a process's first native call.

Two ways an early Ctrl-C went wrong: a KeyboardInterrupt raised inside
``Thread.start()`` escaped before the cancel flag could be raised, so Go
went on computing after the user got control back; and a SIGINT delivered
to one of the Go runtime's threads was handled through CPython's
cross-thread path. natspike now raises the flag on every exit that did not
complete, and loads its library with SIGINT blocked so that Go's threads
(and natspike's own worker threads) never receive SIGINT: it always reaches
the main thread.

The random-offset family starts a fresh interpreter per try and sends
SIGINT 0-10 ms after the call began: `make test` runs a few tries per entry
point, `make soak` (NATSPIKE_SOAK=1) hundreds; NATSPIKE_INTERRUPT_TRIES
overrides the count.
"""

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time

import natspike
import numpy as np
import pytest
from natspike import _native
from natspike._sweep import sweep

N = 10
R = np.r_[np.full(5, 10.0), np.full(5, 50.0)]
W0, TW = np.random.default_rng(0).uniform(-0.05, 0.05, (2, N))
LONG = dict(teacher=TW, eta=1e-3, seed=1)


def _goroutines():
    out = np.zeros(1, np.int64)
    _native.call(_native.functions["ns_debug_goroutines"], out)
    return int(out[0])


def _settles(base, within=1.5):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if _goroutines() <= base:
            return True
        time.sleep(0.02)
    return False


EARLY = {
    "train": lambda: natspike.train("natural", W0, R, duration=1e6, **LONG),
    "run_trials": lambda: natspike.run_trials("natural", W0, R, n_trials=2, duration=1e5, **LONG),
    "run_trials_store": lambda store: natspike.run_trials(
        "natural", W0, R, n_trials=2, duration=1e5, store=store, workers=2, **LONG
    ),
    "sweep": lambda: sweep({"eta": [1e-3, 2e-3]}, rule="natural", weights=W0, rates=R, duration=1e5, **LONG),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(EARLY))
def test_ctrl_c_inside_thread_start_still_cancels_go(name, monkeypatch, tmp_path):
    """The worker thread is running (it may already be in Go) when start()
    raises KeyboardInterrupt: the call must still stop Go."""
    natspike.train("natural", W0, R, duration=0.01, **LONG)  # warm: idle goroutine count
    base = _goroutines()
    original = threading.Thread.start

    def start_then_interrupt(self):
        original(self)
        if self.name.startswith("natspike"):
            time.sleep(0.05)  # let it enter Go
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "start", start_then_interrupt)
    call = EARLY[name]
    with pytest.raises(KeyboardInterrupt):
        call(str(tmp_path / "s")) if name == "run_trials_store" else call()
    monkeypatch.undo()
    assert _settles(base), f"{name}: Go still running {_goroutines() - base} goroutine(s) after the interrupt"


CHILD = textwrap.dedent("""
    import json, os, sys, time
    import numpy as np
    import natspike
    from natspike._sweep import sweep
    import natspike.experiments as ex
    import xarray  # sweep imports it first thing; not part of the call
    N = 10
    R = np.r_[np.full(5, 10.0), np.full(5, 50.0)]
    W0, TW = np.random.default_rng(0).uniform(-0.05, 0.05, (2, N))
    KW = dict(teacher=TW, eta=1e-3, seed=1)
    CALLS = {
        "train": lambda: natspike.train("natural", W0, R, duration=1e6, **KW),
        "run_trials": lambda: natspike.run_trials("natural", W0, R, n_trials=4, duration=1e5, **KW),
        "sweep": lambda: sweep({"eta": [1e-3, 2e-3]}, rule="natural", weights=W0, rates=R, duration=1e5,
                               n_trials=2, teacher=TW, seed=1),
        "experiment": lambda: ex.figure3f(n_trials=4, duration_minutes=1e4, n=10),
    }
    call = CALLS[sys.argv[1]]
    try:
        print("ready", flush=True)
        call()  # the process's first long native call
        print(json.dumps(dict(finished=True)), flush=True)
    except KeyboardInterrupt:
        caught = time.monotonic()
        time.sleep(0.1)
        cpu0 = sum(os.times()[:2]); time.sleep(0.3); cpu = sum(os.times()[:2]) - cpu0
        from natspike import _native
        out = np.zeros(1, np.int64)
        _native.call(_native.functions["ns_debug_goroutines"], out)
        after = int(out[0])
        natspike.train("natural", W0, R, duration=0.01, **KW)  # a completed call: the idle count
        _native.call(_native.functions["ns_debug_goroutines"], out)
        print(json.dumps(dict(caught=caught, cpu=cpu, goroutines=after, idle=int(out[0]))), flush=True)
""")

KINDS = ("train", "run_trials", "sweep", "experiment")


def _tries():
    default = 200 if os.environ.get("NATSPIKE_SOAK") else 1
    return int(os.environ.get("NATSPIKE_INTERRUPT_TRIES", default))


def _one_try(script, kind, delay):
    """Outcome of SIGINT ``delay`` s after the child's first long call began."""
    proc = subprocess.Popen(
        [sys.executable, str(script), kind], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        if proc.stdout.readline() != "ready\n":
            return "crash", proc.communicate(timeout=30)[1][-800:]
        start = time.monotonic()
        while time.monotonic() - start < delay:  # busy-wait: sleep() is too coarse for 0-10 ms
            pass
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return "lost", f"no KeyboardInterrupt 10 s after SIGINT at {delay * 1e3:.2f} ms"
    lines = out.splitlines()
    report = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    if proc.returncode != 0 or not report or "caught" not in report:
        return "crash", f"rc {proc.returncode}: {out[-300:]} {err[-800:]}"
    if report["caught"] - sent > 1.0:
        return "slow", f"KeyboardInterrupt {report['caught'] - sent:.2f} s after SIGINT"
    if report["cpu"] > 0.05 or report["goroutines"] > report["idle"]:
        return "orphan", f"after the interrupt: {report}"
    return "ok", ""


@pytest.mark.timeout(3600)
@pytest.mark.parametrize("kind", KINDS)
def test_sigint_in_first_ten_ms_of_first_call_is_never_lost(kind, tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    rng = random.Random(hash(kind) & 0xFFFF)
    outcomes = {}
    failures = []
    for _ in range(_tries()):
        delay = rng.uniform(0.0, 0.010)
        outcome, detail = _one_try(script, kind, delay)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome != "ok":
            failures.append(f"{delay * 1e3:.2f} ms: {outcome} {detail}")
    print(f"{kind}: {outcomes}")
    assert not failures, f"{kind}: {len(failures)} of {_tries()} tries failed:\n" + "\n".join(failures[:5])


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads Linux's /proc/self/task")
def test_no_go_or_natspike_worker_thread_can_receive_sigint(tmp_path):
    """Every thread that appears once natspike is loaded and running blocks SIGINT."""
    script = textwrap.dedent("""
        import os, threading, numpy as np
        def blocking():
            out = {}
            for t in os.listdir("/proc/self/task"):
                status = open(f"/proc/self/task/{t}/status").read()
                mask = int(next(l for l in status.splitlines() if l.startswith("SigBlk")).split()[1], 16)
                out[int(t)] = bool(mask & (1 << 1))  # bit of signal 2, SIGINT
            return out
        before = set(blocking())
        import natspike
        seen = {}
        def watch():
            seen.update(blocking())
        run = lambda: natspike.run_trials("natural", np.full(10, 0.01), np.full(10, 10.0), teacher=np.zeros(10),
                                          n_trials=8, duration=20.0, eta=1e-3, seed=1, workers=2, store="st")
        t = threading.Timer(0.5, watch)
        t.start(); run(); t.join()
        new = {tid: b for tid, b in seen.items() if tid not in before and tid != threading.get_native_id()}
        timer = t.native_id
        print(sum(1 for tid, b in new.items() if tid != timer), sum(1 for tid, b in new.items() if tid != timer and b),
              seen[os.getpid()])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    new, blocking, main_blocks = out.stdout.split()
    assert int(new) >= 3, out.stdout  # Go's threads and natspike's workers
    assert blocking == new, f"{int(new) - int(blocking)} of {new} new threads accept SIGINT"
    assert main_blocks == "False"
