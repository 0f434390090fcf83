"""After ``os.fork()`` the Go runtime's threads are gone, and a call into Go
can hang. Every public callable is called in a child of the multiprocessing
"fork" context: those that compute with Go must raise natspike's RuntimeError
naming os.fork() at once, the others must work (or, for the functions that
take a figure's dataset, fail on the missing dataset), and none may hang.
A forkserver that preloaded natspike gives its children the same error."""

import json
import subprocess
import sys
import textwrap

import pytest

# What each public callable is called with in the forked child, and what it
# must do there: "refused" (computes with Go), "works" (pure Python), or
# "dataset" (reads a figure's dataset; called with None it fails on that).
CHILD = textwrap.dedent(r"""
    import inspect, json, multiprocessing, sys, warnings
    import numpy as np
    import natspike, natspike.experiments as ex, natspike.plotting as pl

    W, R = np.array([0.02, -0.01, 0.015]), np.array([10.0, 50.0, 20.0])
    neuron = natspike.Neuron()
    res = natspike.train("natural", W, R, teacher=W[::-1].copy(), duration=0.01, eta=1e-3, seed=1,
                         test_samples=2, test_bins=20, keep_state=True, record_spikes=True, trace_every=0.001)
    saved = sys.argv[1]
    res.save(saved)
    kl, t = np.array([1.0, 1e-3, 1e-6]), np.array([0.0, 1.0, 2.0])
    small = dict(teacher=W[::-1].copy(), duration=0.01, eta=1e-3, seed=1, test_samples=2, test_bins=20)

    CASES = {
        "Neuron": ("refused", lambda: natspike.Neuron(beta=0.4)),
        "coefficients": ("refused", lambda: natspike.coefficients(np.linspace(0, 0.1, 300), 1.0, 78.0)),
        "fisher_matrix": ("refused", lambda: natspike.fisher_matrix(W, R)),
        "inverse_fisher_matrix": ("refused", lambda: natspike.inverse_fisher_matrix(W, R)),
        "sample_usps": ("refused", lambda: natspike.sample_usps(R, 2, seed=1)),
        "usp_traces": ("refused", lambda: natspike.usp_traces(np.zeros((5, 3)))),
        "voltage_statistics": ("refused", lambda: natspike.voltage_statistics(W, R)),
        "update_direction": ("refused", lambda: natspike.update_direction("natural", W, np.ones(3), R)),
        "rule_factors": ("refused", lambda: natspike.rule_factors("natural", W, np.ones(3), R)),
        "train": ("refused", lambda: natspike.train("natural", W, R, **small)),
        "run_trials": ("refused", lambda: natspike.run_trials("natural", W, R, n_trials=2, **small)),
        "run_configurations": ("refused", lambda: natspike.run_configurations([{"rule": "natural"}], W, R,
                                                                              n_trials=2, **small)),
        "sweep": ("refused", lambda: natspike.sweep({"eta": [1e-3]}, rule="natural", weights=W, rates=R,
                                                    teacher=W[::-1].copy(), duration=0.01, seed=1)),
        "load": ("refused", lambda: natspike.load(saved)),
        "time_to_threshold": ("works", lambda: natspike.time_to_threshold(res, 1e-4)),
        "SpikeTrain": ("works", lambda: natspike.SpikeTrain([0.1, 0.2], t_stop=1.0)),
        "SpikeTrain.from_bins": ("works", lambda: natspike.SpikeTrain.from_bins(np.array([0, 1, 0]), dt=0.001)),
        "RateSchedule": ("works", lambda: natspike.RateSchedule([0.0, 1.0], np.ones((2, 3)))),
        "RateSchedule.rates_at": ("works", lambda: natspike.RateSchedule([0.0, 1.0], np.ones((2, 3))).rates_at(0.5)),
        "Coefficients.to_dict": ("works", lambda: COEFFICIENTS.to_dict()),
        "Result.save": ("works", lambda: res.save(saved + ".again.npz")),
        "Result.to_xarray": ("works", lambda: res.to_xarray()),
        "Result.to_neo": ("works", lambda: res.to_neo()),
        "resume": ("refused", lambda: natspike.resume(res, duration=0.01)),
        "Neuron.to_dict": ("works", lambda: neuron.to_dict()),
        "Neuron.to_json": ("works", lambda: neuron.to_json()),
        "Neuron.from_dict": ("refused", lambda: natspike.Neuron.from_dict({"beta": 0.4})),
        "Neuron.from_json": ("refused", lambda: natspike.Neuron.from_json('{"beta": 0.4}')),
        "Neuron.replace": ("refused", lambda: neuron.replace(beta=0.4)),
        "ex.crossing_times": ("works", lambda: ex.crossing_times(kl, t)),
        "ex.paper": ("refused", lambda: ex.paper(saved + "-paper", only=["4"], sizes={"4": {"duration": 0.01}},
                                                 progress=False)),
    }
    COEFFICIENTS = natspike.coefficients(0.0, 1.0, 78.0)
    for q in ("phi", "dphi", "score_factor", "fisher_density", "log_phi"):
        CASES["Neuron." + q] = ("refused", lambda q=q: getattr(neuron, q)(1.0))
    TINY = dict(figure10=dict(samples=2, n=5), figure11=dict(samples=2, usp_samples=2, n=5, sizes=(5,)),
                figure12_angles=dict(n_trials=1, usp_samples=2, n=5, bins=20),
                figure12_curves=dict(n_trials=1, duration_minutes=1e-3, n=5), figure3bc=dict(duration_minutes=1e-3,
                repetitions=2, n=5), figure3de=dict(n_trials=1, duration_minutes=1e-3, samples=2),
                figure3f=dict(n_trials=1, duration_minutes=1e-3, n=5), figure4=dict(duration=0.01),
                figure5=dict(n_trials=1, duration=0.01), figure7=dict(grid=2, n_trials=1, duration=0.01),
                figure7_examples=dict(n_trials=1, duration=0.01), figure9=dict(n_trials=1, duration_minutes=1e-3, n=5))
    for name in ex.__all__:
        if name.startswith("figure"):
            CASES["ex." + name] = ("refused", lambda name=name: getattr(ex, name)(**TINY[name]))
        elif name.startswith("claim_"):
            CASES["ex." + name] = ("dataset", lambda name=name: getattr(ex, name)(None))
    for name in pl.__all__:
        if callable(getattr(pl, name)):
            CASES["pl." + name] = ("dataset", lambda name=name: getattr(pl, name)(None))

    def public_callables():
        names = set()
        for name in natspike.__all__:
            obj = getattr(natspike, name)
            if callable(obj) and not (inspect.isclass(obj) and issubclass(obj, (BaseException, Warning))):
                if name not in ("Result", "Coefficients"):  # built by natspike; their methods are listed
                    names.add(name)
                if inspect.isclass(obj):
                    names |= {f"{name}.{m}" for m, v in vars(obj).items() if not m.startswith("_") and callable(
                        getattr(obj, m)) and not isinstance(v, property)}
        names |= {f"ex.{n}" for n in ex.__all__ if callable(getattr(ex, n)) and n != "FIGURES"}
        names |= {f"pl.{n}" for n in pl.__all__ if callable(getattr(pl, n))}
        return names

    def attempt(fn, conn):
        try:
            fn()
            conn.send(("ok", "", ""))
        except BaseException as exc:
            conn.send(("raised", type(exc).__name__, str(exc)[:300]))

    import matplotlib, xarray  # imported once here, not in each child (a second each)
    matplotlib.use("Agg")
    import matplotlib.pyplot
    for mod, names in ((ex, ex.__all__), (pl, pl.__all__)):
        [getattr(mod, n) for n in names]  # loads the lazy submodules
    res.to_xarray()
    warnings.simplefilter("ignore", RuntimeWarning)  # natspike's warning at every fork
    ctx = multiprocessing.get_context("fork")
    out = {"missing": sorted(public_callables() - set(CASES)), "extra": sorted(set(CASES) - public_callables())}
    for name, (expect, fn) in sorted(CASES.items()):
        parent, child = ctx.Pipe()
        p = ctx.Process(target=attempt, args=(fn, child))
        p.start()
        p.join(20)
        if p.is_alive():
            p.kill(); p.join()
            out[name] = [expect, "hang", "", ""]
        else:
            out[name] = [expect, *(parent.recv() if parent.poll() else ("crash", "", f"exit code {p.exitcode}"))]
    print(json.dumps(out))
""")


@pytest.mark.timeout(600)
def test_every_public_callable_in_a_forked_child_is_refused_or_works_never_hangs(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "r.npz")], capture_output=True, text=True, timeout=590
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.splitlines()[-1])
    assert out.pop("missing") == [], "public callables without a fork case"
    assert out.pop("extra") == [], "fork cases that are not public callables"
    wrong = {}
    for name, (expect, outcome, kind, message) in out.items():
        refused = outcome == "raised" and kind == "RuntimeError" and "os.fork()" in message
        if expect == "refused":
            good = refused
        elif expect == "works":
            good = outcome == "ok"
        else:  # reads a figure's dataset: fails on None, without touching Go
            good = outcome == "raised" and kind in ("TypeError", "AttributeError", "ValueError") and not refused
        if not good:
            wrong[name] = (expect, outcome, kind, message)
    assert not wrong, json.dumps(wrong, indent=1)
    assert len(out) >= 60


@pytest.mark.timeout(120)
def test_forkserver_that_preloaded_natspike_refuses_with_advice(tmp_path):
    script = tmp_path / "preload.py"  # a file: the forkserver imports `work` from it
    script.write_text(
        textwrap.dedent("""
        import multiprocessing, natspike
        def work(_):
            try:
                natspike.coefficients(0.0, 1.0, 78.0)
                return "computed"
            except RuntimeError as exc:
                return str(exc)
        if __name__ == "__main__":
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["natspike"])
            with ctx.Pool(1) as pool:
                print(pool.map(work, [0])[0])
    """)
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=110)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "forkserver that preloaded natspike" in out.stdout and "spawn" in out.stdout, out.stdout
