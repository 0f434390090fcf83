"""Experiments made of several learning runs check every run before the first one computes: a run that cannot
start (too large for memory, a bad argument) is refused at once, not after hours of the runs before it. Each
test counts the native learning calls made before the error: there must be none."""

import re

import natspike
import numpy as np
import pytest
from natspike import _native, _validate
from natspike import experiments as ex
from test_figure9_early_stop import SMALL

LEARNING_CALLS = ("ns_run_configurations", "ns_run_trials", "ns_train")


@pytest.fixture
def learning_calls(monkeypatch):
    """The names of the native learning calls made from now on."""
    calls = []
    for name in LEARNING_CALLS:
        real = _native.functions[name]
        monkeypatch.setitem(_native.functions, name, lambda *a, real=real, name=name: calls.append(name) or real(*a))
    return calls


@pytest.fixture
def memory_checks(monkeypatch):
    """(bytes, parameter, what) of every memory check of the recordings made from now on (they still check)."""
    seen = []
    real = _validate.check_memory
    monkeypatch.setattr(
        _validate, "check_memory", lambda b, name, what: seen.append((b, name, what)) or real(b, name, what)
    )
    return seen


def _records(what):
    return int(re.match(r"recording (\d+) records", what).group(1))


@pytest.mark.parametrize("n_trials, parameter", [(2, "n_trials"), (1, "record_every")])
def test_figure9_refuses_a_full_length_run_too_large_for_memory_before_any_pass(
    monkeypatch, memory_checks, learning_calls, n_trials, parameter
):
    """With just less memory than the full-length run needs (every factor and rule, as when nothing crosses
    early) but more than any shorter pass needs, figure9 raises MemoryError naming the parameter before a
    single learning call; with that much memory the old order ran the passes first."""
    kw = {**SMALL, "n_trials": n_trials}
    ex.figure9(**kw)  # what each run's recordings need (8 min, records every 10 s: 49, then 18 and 35 in the passes)
    sizes = {}
    for nbytes, _, what in memory_checks:
        if what.startswith("recording "):
            sizes[_records(what)] = max(sizes.get(_records(what), 0), nbytes)
    assert sorted(sizes) == [18, 35, 49]
    full = sizes[49]
    assert max(sizes[18], sizes[35]) < full  # the passes alone would fit in full - 1 bytes
    learning_calls.clear()
    monkeypatch.setattr(_validate, "available_memory", lambda: full - 1)
    records = rf"^{parameter}: recording 49 records x 20 weights.* x 10 configurations .*"
    with pytest.raises(MemoryError, match=records + r"\(the full-length run of 5 eta factors x 2 rules, checked"):
        ex.figure9(**kw)
    assert learning_calls == []
    monkeypatch.setattr(_validate, "available_memory", lambda: full)  # just enough: it runs
    ex.figure9(**kw)
    assert learning_calls


def test_figure12_curves_checks_every_pattern_before_the_first_runs(learning_calls):
    eta = {rule: 1e-3 for rule in ("natural", "approximate")} | {"euclidean": 1e-6}
    kw = dict(n_trials=1, duration_minutes=0.5, n=10, record_every=10.0)
    with pytest.raises(ValueError, match="rates must be two non-negative rates"):
        ex.figure12_curves(**kw, patterns=[(10.0, 50.0), (10.0, -5.0)], eta={(10.0, -5.0): eta})
    with pytest.raises(ValueError, match=r"eta\['natural'\] must be a positive number"):
        ex.figure12_curves(**kw, patterns=[(10.0, 50.0), (20.0, 20.0)], eta={(20.0, 20.0): {"natural": -1.0}})
    assert learning_calls == []


R = np.repeat([10.0, 50.0], 5)
DRAW = lambda rng: rng.uniform(-0.1, 0.1, 10)
CONFIGS = [{"rule": "natural", "eta": 6e-3}, {"rule": "euclidean", "eta": 4.5e-5}, {"rule": "natural", "eta": 3e-3}]
KW = dict(n_trials=3, seed=5, teacher=DRAW, duration=20.0, record_every=0.02, lr_convention="authors")


def test_run_configurations_checks_the_memory_of_all_configurations_together(
    monkeypatch, memory_checks, learning_calls
):
    """Every configuration keeps its records until the end: with memory for two configurations' records, three
    are refused before anything runs (each alone would fit), two run, and a configuration given twice counts
    once."""
    natspike.run_trials(**{**KW, **CONFIGS[0]}, weights=DRAW, rates=R)
    one = max(b for b, _, what in memory_checks if what.startswith("recording 1001 records"))
    learning_calls.clear()
    monkeypatch.setattr(_validate, "available_memory", lambda: 2 * one)
    with pytest.raises(
        MemoryError, match=r"^n_trials: recording 1001 records x 10 weights x 3 trials x 3 configurations"
    ):
        natspike.run_configurations(CONFIGS, DRAW, R, **KW)
    assert learning_calls == []
    two = natspike.run_configurations(CONFIGS[:2] + CONFIGS[:1], DRAW, R, **KW)
    assert learning_calls and two[0] is two[2]
    single = natspike.run_trials(**{**KW, **CONFIGS[1]}, weights=DRAW, rates=R)
    np.testing.assert_array_equal(two[1].weights, single.weights)  # the check changed no number


def test_figure5_checks_every_condition_before_the_first_runs(learning_calls):
    """A condition that cannot run (here its neuron: tau_s below dt) is refused before the first condition runs,
    not when its turn comes."""
    with pytest.raises(ValueError, match=r"dt must be < min\(tau_m, tau_s\)"):
        ex.figure5(n_trials=1, duration=0.5, tau_s_values=(0.003, 0.0004))
    assert learning_calls == []


def test_figure3de_checks_its_runs_before_the_vector_fields(monkeypatch, learning_calls):
    """The runs' arguments are checked before the USP samples, vector fields and cost (minutes at the paper's
    size) are computed."""
    from natspike.experiments import _figure3de

    def computed(*a, **k):
        raise AssertionError("the vector fields were computed before the runs' checks")

    monkeypatch.setattr(_figure3de, "sample_usps", computed)
    with pytest.raises(ValueError, match="lr_convention"):
        ex.figure3de(n_trials=1, duration_minutes=0.1, lr_convention="author")
    with pytest.raises(TypeError, match="workers"):
        ex.figure3de(n_trials=1, duration_minutes=0.1, workers=1.5)
    assert learning_calls == []


def test_figure3bc_checks_the_memory_of_its_input_draw_before_the_learning_run(learning_calls):
    """The input draw and USP traces of warmup + window come after the learning run: a warmup too long for
    memory is refused before it, naming warmup."""
    with pytest.raises(MemoryError, match=r"^warmup: "):
        ex.figure3bc(duration_minutes=0.1, repetitions=2, warmup=1e9)  # 2e12 bins x 100 afferents
    assert learning_calls == []


def test_the_paper_refuses_a_later_figure_too_large_for_memory_before_its_first_figure(
    tmp_path, monkeypatch, memory_checks, learning_calls
):
    """paper() runs the checks of every figure still to compute before the first one: with memory for Fig 3F's
    runs but not for Fig 9's, it raises Fig 9's MemoryError with no learning call (Fig 3F would otherwise have run
    first); once Fig 9 is finished in the results folder it is not checked again."""
    from natspike.experiments._paper import SMOKE_SIZES

    sizes = {name: SMOKE_SIZES[name] for name in ("3f", "9")}
    ex.figure9(**sizes["9"], plan_only=True)
    fig9 = max(b for b, _, what in memory_checks if what.startswith("recording "))
    memory_checks.clear()
    ex.figure3f(**sizes["3f"], plan_only=True)
    fig3f = max(b for b, _, what in memory_checks if what.startswith("recording "))
    assert fig3f < fig9 and not learning_calls  # plan_only ran nothing
    monkeypatch.setattr(_validate, "available_memory", lambda: fig9 - 1)
    with pytest.raises(MemoryError, match=r"x 6 configurations .*checked before the early stop"):
        ex.paper(tmp_path / "a", only=["3f", "9"], sizes=sizes, progress=False)
    assert learning_calls == []
    monkeypatch.undo()  # all the memory there is
    store = tmp_path / "store"
    ex.paper(tmp_path / "b", store=store, only=["9"], sizes=sizes, progress=False)
    monkeypatch.setattr(_validate, "available_memory", lambda: fig9 - 1)
    (row,) = ex.paper(tmp_path / "c", store=store, only=["9"], sizes=sizes, progress=False)
    assert row["status"] == "stored"
