"""Ctrl-C: a subprocess receives SIGINT in the middle of a long run.

For each way of running trials the child reports when KeyboardInterrupt
reached its code (the latency from the signal must be under one second),
how many goroutines are alive compared with before the call (no goroutine
may keep running), how much CPU it burns afterwards, and, for run_trials
and sweep, whether the finished trials it got back are bit-identical to an
uninterrupted run.
"""

import json
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

PRELUDE = textwrap.dedent("""
    import json, os, sys, threading, time
    import numpy as np
    import natspike
    from natspike import _native
    from natspike._sweep import sweep

    N = 10
    R = np.r_[np.full(5, 10.0), np.full(5, 50.0)]
    DRAW = lambda rng: rng.uniform(-0.05, 0.05, (2, N))
    KW = dict(weights=lambda rng: DRAW(rng)[0], teacher=lambda rng: DRAW(rng)[1], seed=7, eta=1e-3)

    def goroutines():
        out = np.zeros(1, np.int64)
        _native.call(_native.functions["ns_debug_goroutines"], out)
        return int(out[0])

    def seconds_per_trial_second(duration=5.0):
        t = time.perf_counter()
        natspike.train("natural", DRAW(np.random.default_rng(0))[0], R, teacher=DRAW(np.random.default_rng(1))[1],
                       duration=duration, eta=1e-3, seed=1)
        return (time.perf_counter() - t) / duration

    seconds_per_trial_second(0.5)  # warm-up: the first call pays for page faults and lazy initialisation

    # each trial lasts ~TRIAL_SECONDS of wall time, whatever the machine's speed
    TRIAL_SECONDS = 0.25
    DURATION = max(1.0, round(TRIAL_SECONDS / seconds_per_trial_second(), 1))

    REPORTED = False

    def ready():
        global BASE
        BASE = goroutines()
        print("ready", flush=True)

    def report(caught, **extra):
        global REPORTED
        REPORTED = True
        after = goroutines()
        cpu0 = sum(os.times()[:2]); time.sleep(0.3); cpu = sum(os.times()[:2]) - cpu0
        alive = [t.name for t in threading.enumerate() if t.name.startswith("natspike") and t.is_alive()]
        print(json.dumps(dict(caught=caught, base=BASE, after=after, cpu_after=cpu, threads=alive, **extra)),
              flush=True)

    def outside_trials(exc_type, exc, tb):
        # a Ctrl-C that reached Python code outside the trials (e.g. while the finished run's results were
        # assembled) ends the script by the usual KeyboardInterrupt: the test retries with an earlier signal
        if issubclass(exc_type, KeyboardInterrupt) and not REPORTED:
            print(json.dumps(dict(outside_trials=time.monotonic())), flush=True)
        sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = outside_trials

    def same_trials(partial, full, done):
        return bool(all(np.array_equal(partial[k][done], full[k][done]) for k in ("weights", "kl", "final_weights")))
""")

# A run that returns without a KeyboardInterrupt says when it finished: before the signal was sent (too fast
# on this machine: the test retries with a shorter delay) or after it (the Ctrl-C was lost: a failure).
# A KeyboardInterrupt outside the trials (the run had finished and was assembling its result) also retries.
EPILOGUE = textwrap.dedent("""
    if __name__ == "__main__" and not REPORTED:  # not in Dask's workers, which import this file too
        print(json.dumps(dict(finished=time.monotonic())), flush=True)
""")

SCENARIOS = {
    "train": """
        ready()
        try:
            natspike.train("natural", DRAW(np.random.default_rng(0))[0], R, teacher=DRAW(np.random.default_rng(1))[1],
                           duration=1e6, eta=1e-3, seed=1)
        except KeyboardInterrupt:
            report(time.monotonic())
    """,
    "run_trials": """
        ready()
        try:
            natspike.run_trials("natural", n_trials=24, rates=R, duration=DURATION, workers=2, **KW)
        except natspike.TrialsInterrupted as exc:
            caught = time.monotonic()
            res = exc.result
            report(caught, completed=int(res.completed.sum()), n=24)
            full = natspike.run_trials("natural", n_trials=24, rates=R, duration=DURATION, **KW)
            print(json.dumps(dict(identical=same_trials(vars(res), vars(full), res.completed))), flush=True)
    """,
    "run_trials_store": """
        store = sys.argv[1]
        ready()
        try:
            natspike.run_trials("natural", n_trials=24, rates=R, duration=DURATION, workers=2, store=store, **KW)
        except natspike.TrialsInterrupted as exc:
            caught = time.monotonic()
            res = exc.result
            report(caught, completed=int(res.completed.sum()), n=24,
                   shards=len([f for f in os.listdir(store + "/shards") if f.endswith(".npz")]))
            resumed = natspike.run_trials("natural", n_trials=24, rates=R, duration=DURATION, store=store, **KW)
            full = natspike.run_trials("natural", n_trials=24, rates=R, duration=DURATION, **KW)
            print(json.dumps(dict(identical=same_trials(vars(res), vars(full), res.completed),
                                  resumed_identical=same_trials(vars(resumed), vars(full), slice(None)))), flush=True)
    """,
    "sweep": """
        import xarray  # sweep imports it first thing; do it before the clock starts
        import dask.array  # xarray imports it (when installed) to build the result, ~1 s after the last trial
        grid = {"eta": [5e-4, 1e-3, 2e-3]}
        ready()
        try:
            sweep(grid, rule="natural", rates=R, duration=DURATION, n_trials=8, workers=2, **{**KW, "eta": None})
        except natspike.TrialsInterrupted as exc:
            caught = time.monotonic()
            ds = exc.result
            done = ds["completed"].values
            report(caught, completed=int(done.sum()), n=int(done.size))
            full = sweep(grid, rule="natural", rates=R, duration=DURATION, n_trials=8, **{**KW, "eta": None})
            same = all(np.array_equal(ds[k].values[done], full[k].values[done]) for k in ("weights", "kl"))
            print(json.dumps(dict(identical=bool(same))), flush=True)
    """,
    "dask": """
        from dask.distributed import Client, LocalCluster
        if __name__ == "__main__":
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None)
            client = Client(cluster)
            natspike.run_trials("natural", n_trials=2, rates=R, duration=1.0, client=client, **KW)  # warm workers
            ready()
            try:
                natspike.run_trials("natural", n_trials=24, rates=R, duration=DURATION, client=client, chunk_size=1,
                                    **KW)
            except natspike.TrialsInterrupted as exc:
                caught = time.monotonic()
                res = exc.result
                report(caught, completed=int(res.completed.sum()), n=24)
                deadline = time.monotonic() + 5
                while any(client.processing().values()) and time.monotonic() < deadline:
                    time.sleep(0.05)
                again = natspike.run_trials("natural", n_trials=2, rates=R, duration=1.0, client=client, **KW)
                print(json.dumps(dict(idle=not any(client.processing().values()),
                                      cluster_works=bool(again.completed.all()))), flush=True)
            client.close()
            cluster.close()
    """,
}

LATENCIES = {}


def _interrupt(name, tmp_path, delay=0.6):
    tmp_path = tmp_path / f"after_{delay * 1000:.0f}ms"  # each attempt its own store
    tmp_path.mkdir()
    script = PRELUDE + textwrap.dedent(SCENARIOS[name]) + EPILOGUE
    path = tmp_path / f"interrupt_{name}.py"  # a file, not -c: Dask's spawned workers re-import __main__
    path.write_text(script)
    proc = subprocess.Popen(
        [sys.executable, str(path), str(tmp_path / "store")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while "ready\n" not in lines:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.01)
    time.sleep(delay)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    reader.join(5)
    err = proc.stderr.read()
    reports = [json.loads(line) for line in lines if line.startswith("{")]
    assert reports, f"no report from the child:\n{err}"
    if "outside_trials" in reports[0]:  # every trial had finished when the signal arrived: interrupt earlier
        assert reports[0]["outside_trials"] - sent < 1.0, "KeyboardInterrupt raised more than 1 s after SIGINT"
        assert delay > 0.05, "every run finished before the interrupt could be sent"
        return _interrupt(name, tmp_path, delay=delay / 3)
    if "finished" in reports[0]:
        lost = reports[0]["finished"] - sent
        assert lost < 0, f"Ctrl-C lost: the run went on and finished {lost:.2f} s after SIGINT"
        assert delay > 0.05, "every run finished before the interrupt could be sent"
        return _interrupt(name, tmp_path, delay=delay / 3)  # the run was faster than calibrated: interrupt earlier
    first = reports[0]
    for extra in reports[1:]:
        first.update(extra)
    if first.get("completed") == 0 and delay < 5:  # so loaded that no trial had finished: interrupt later
        return _interrupt(name, tmp_path, delay=delay * 2)
    first["latency"] = first["caught"] - sent
    LATENCIES[name] = first["latency"]
    print(f"{name}: interrupt latency {first['latency'] * 1000:.0f} ms, {first}")
    first["stderr"] = err[-3000:]  # for the assertions' messages: a child that failed after its first report
    return first


@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", ["train", "run_trials", "run_trials_store", "sweep", "dask"])
def test_ctrl_c_stops_within_a_second_and_leaves_nothing_running(name, tmp_path):
    r = _interrupt(name, tmp_path)
    assert 0 < r["latency"] < 1.0
    assert r["after"] <= r["base"], "goroutines left running after the interrupt"
    assert r["threads"] == []
    assert r["cpu_after"] < 0.1, "CPU still busy after the interrupt"
    if name != "train":
        assert 0 < r["completed"] < r["n"], "the interrupt should land mid-run"
    if name in ("run_trials", "run_trials_store", "sweep"):
        assert r.get("identical"), (
            f"finished trials differ from an uninterrupted run (or no such report):\n{r['stderr']}"
        )
    if name == "run_trials_store":
        assert r["shards"] == r["completed"] and r.get("resumed_identical"), r["stderr"]
    if name == "dask":
        assert r.get("idle") and r.get("cluster_works"), f"the cluster after the interrupt:\n{r['stderr']}"
