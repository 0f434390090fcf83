"""Replayed inputs travel to Go sparsely, as (bin, afferent) events: memory O(spikes + n), never O(bins x n);
every format gives the events of the independent reference binning (tests/reference/spikeformats.py), and a
result's params replay the same spikes bit for bit."""

import json
import subprocess
import sys
import tracemalloc

import natspike
import numpy as np
import pytest
import reference as ref
from natspike._inputs import BLOCK, input_events

DT = 0.0005


def _peak_bytes(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _reference_events(dense):
    """(bin, afferent) of every 1 of a dense matrix, by a plain loop in bin-then-afferent order."""
    return np.array([(k, i) for k in range(dense.shape[0]) for i in range(dense.shape[1]) if dense[k, i]], float)


def test_every_format_gives_the_events_of_the_reference_binning():
    rng = np.random.default_rng(5)
    n, bins = 6, 400
    trains = [np.sort(rng.choice(bins, 15, replace=False)) * DT + rng.uniform(0, 0.9, 15) * DT for _ in range(n)]
    trains = [np.sort(t) for t in trains]
    dense = ref.matrix_from_trains(trains, bins, DT)
    idx = np.concatenate([np.full(t.size, i) for i, t in enumerate(trains)])
    times = np.concatenate(trains)
    order = np.argsort(times, kind="stable")
    want = _reference_events(dense)
    assert want.shape == (90, 2)
    for form in (trains, (idx[order], times[order]), dense.astype(bool), dense, dense.astype(np.uint8)):
        np.testing.assert_array_equal(input_events(form, n, bins, DT), want)


def test_dense_bool_inputs_need_no_dense_copy():
    bins, n = 20_000, 200
    a = np.random.default_rng(1).random((bins, n)) < 0.01
    spikes = int(a.sum())
    for form in (a, a.astype(np.float64)):
        peak = _peak_bytes(lambda: input_events(form, n, bins, DT))
        # events: 16 bytes a spike, plus index arrays while scanning and a few blocks of BLOCK entries
        assert peak < 64 * spikes + 32 * BLOCK, (peak, spikes)
        assert peak < 0.1 * 8 * a.size  # a tenth of one float64 dense copy (8 bytes per entry)


def test_spike_time_inputs_cost_o_spikes():
    bins, n = 20_000, 200
    rng = np.random.default_rng(2)
    trains = [np.flatnonzero(rng.random(bins) < 0.01) * DT for _ in range(n)]
    spikes = sum(t.size for t in trains)
    peak = _peak_bytes(lambda: input_events(trains, n, bins, DT))
    assert peak < 80 * spikes + 1000 * n, (peak, spikes)


def test_events_too_large_for_memory_are_refused_naming_inputs(monkeypatch):
    import natspike._validate as v

    monkeypatch.setattr(v, "available_memory", lambda: 1000)
    with pytest.raises(MemoryError, match=r"inputs: .* replayed spikes"):
        input_events([np.arange(100) * DT], 1, 200, DT)


LONG_SPARSE_RUN = """
import resource, sys, numpy as np, natspike
n, duration = 200, 600.0                     # 1.2e6 bins: dense float64 would be 1.92 GB, bool 240 MB
rng = np.random.default_rng(0)
counts = rng.poisson(1.0 * duration, n)      # 1 Hz afferents
idx = np.concatenate([np.full(c, i) for i, c in enumerate(counts)])
t = np.concatenate([np.sort(rng.choice(int(duration / 0.0005), c, replace=False)) * 0.0005 for c in counts])
order = np.argsort(t, kind="stable")
res = natspike.train("euclidean", np.zeros(n), None, inputs=(idx[order], t[order]), teacher=5.0,
                     duration=duration, eta=1e-6, event_driven=True, test_samples=2, test_bins=10, seed=0)
assert res.final_weights.shape == (n,)
# this process's own peak (VmHWM): ru_maxrss keeps the peak of the process image exec replaced, here pytest's
status = open("/proc/self/status").read() if sys.platform == "linux" else ""
hwm = status.split("VmHWM:")[1].split()[0] if "VmHWM:" in status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(int(hwm) * 1024, int(counts.sum()))
"""


def test_a_long_sparse_input_runs_in_memory_o_spikes_not_o_bins():
    out = subprocess.run([sys.executable, "-c", LONG_SPARSE_RUN], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    peak, spikes = (int(x) for x in out.stdout.split())
    dense = 8 * 1_200_000 * 200
    assert peak < 450 * 2**20, f"peak RSS {peak / 2**20:.0f} MiB for {spikes} spikes (dense: {dense / 2**30:.2f} GiB)"


def test_params_keep_the_replayed_spikes_sparse_and_replay_them_bit_for_bit():
    rng = np.random.default_rng(3)
    dense = rng.random((600, 5)) < 0.05
    res = natspike.train("natural", np.full(5, 0.1), None, inputs=dense, teacher=20.0, duration=0.3, eta=1e-3, seed=1)
    idx, times = res.params["inputs"]
    np.testing.assert_array_equal(input_events((idx, times), 5, 600, DT), _reference_events(dense))
    again = natspike.train(**res.params)
    np.testing.assert_array_equal(again.weights, res.weights)
    from natspike._result import _from_json, _to_json

    back = _from_json(json.loads(json.dumps(_to_json(res.params))))
    np.testing.assert_array_equal(natspike.train(**back).weights, res.weights)


@pytest.mark.parametrize("event_driven", [False, True])
def test_sparse_replay_matches_the_numpy_reference_with_and_without_event_driven(event_driven):
    D = ref.DEFAULTS
    rng = np.random.default_rng(8)
    n, bins = 8, 500
    rates = np.linspace(10, 60, n)
    dense = rng.random((bins, n)) < rates * D["dt"]
    y = rng.random(bins) < 0.02
    w0 = rng.uniform(-0.2, 0.3, n)
    go = natspike.train(
        "natural",
        w0,
        rates,
        inputs=dense,
        teacher=natspike.SpikeTrain.from_bins(y, dt=D["dt"]),
        duration=bins * D["dt"],
        eta=2e-3,
        record_every=D["dt"],
        seed=0,
        event_driven=event_driven,
    ).weights
    np_ = ref.simulate("natural", w0, rates, dense.astype(float), y.astype(float), eta=2e-3, coefficients="gauss", **D)
    err = np.abs(go - np_).max() / np.abs(np_).max()
    assert err < 1e-9, err
    assert np.abs(go[-1] - go[0]).max() > 1e-6


@pytest.mark.parametrize("event_driven", [False, True])
def test_run_trials_replays_the_same_sparse_inputs_in_every_trial(event_driven):
    rng = np.random.default_rng(3)
    dense = rng.random((600, 6)) < 0.03
    kw = dict(teacher=np.linspace(-0.2, 0.3, 6), duration=0.3, eta=1e-3, seed=5, event_driven=event_driven)
    one = natspike.train("natural", np.full(6, 0.1), None, inputs=dense, **kw)
    many = natspike.run_trials("natural", np.full(6, 0.1), None, inputs=dense, n_trials=3, **kw)
    np.testing.assert_array_equal(many.final_weights[0], one.final_weights)  # trial 0 is train's trial
    assert not np.array_equal(many.final_weights[1], many.final_weights[0])  # own teacher spikes per trial
    np.testing.assert_array_equal(many.params["rates"], one.params["rates"])  # estimated from the same spikes
    np.testing.assert_array_equal(natspike.run_trials(**many.params).final_weights, many.final_weights)


@pytest.mark.parametrize("event_driven", [False, True])
def test_sparse_replay_equals_the_old_dense_replay_bit_for_bit(monkeypatch, event_driven):
    """The same call with the events swapped for the dense (bins, n) matrix that the engine replayed
    before (C ABI buffer input_spikes): identical numbers."""
    from natspike import _native

    rng = np.random.default_rng(9)
    bins, n = 600, 7
    dense = rng.random((bins, n)) < 0.04
    kw = dict(teacher=20.0, duration=bins * DT, eta=1e-3, record_every=0.05, seed=2, event_driven=event_driven)
    sparse = natspike.train("natural", np.full(n, 0.1), None, inputs=dense, **kw)
    real = _native.buffers

    def as_dense(named):
        ev = named.pop("input_events")
        matrix = np.zeros((bins, n))
        matrix[ev[:, 0].astype(int), ev[:, 1].astype(int)] = 1.0
        return real({**named, "input_spikes": matrix})

    monkeypatch.setattr(_native, "buffers", as_dense)
    old = natspike.train("natural", np.full(n, 0.1), None, inputs=dense, **kw)
    for name in ("weights", "kl", "rate_error", "final_weights"):
        np.testing.assert_array_equal(getattr(sparse, name), getattr(old, name))
    assert np.abs(sparse.final_weights - 0.1).max() > 1e-6
