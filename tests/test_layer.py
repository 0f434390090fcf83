"""A layer of output neurons (weights of shape (m, n)): every neuron against the same neuron trained alone
(bit for bit), against the independent NumPy reference (tests/reference/layer.py, to 1e-10 relative), its
shapes and coordinates in xarray and after save/load, run_trials and sweep, and its errors."""

import natspike
import numpy as np
import pytest
import reference as ref
from reference.layer import make_layer_task, simulate_layer

D = ref.DEFAULTS
N, M = 12, 3
RATES = np.where(np.arange(N) < N // 2, 10.0, 50.0)
ETA = {"euclidean": 2e-4, "natural": 2e-3, "approximate": 2e-3}
RTOL = 1e-10


def _rows(seed, scale=3 / N):
    return np.random.default_rng(seed).uniform(-scale, scale, (M, N))


W0, WSTAR = _rows(1), _rows(2)
BINS = 400
DURATION = BINS * D["dt"]


def _trains(seed, rate=25.0):
    """M teacher spike trains (natspike.SpikeTrain) of BINS bins."""
    y = np.random.default_rng(seed).random((M, BINS)) < rate * D["dt"]
    return [natspike.SpikeTrain.from_bins(row, dt=D["dt"]) for row in y]


def _inputs(seed):
    return (np.random.default_rng(seed).random((BINS, N)) < RATES * D["dt"]).astype(float)


TEACHERS = {
    "realizable": (WSTAR, lambda j: WSTAR[j]),
    "poisson": ([20.0, 30.0, 40.0], lambda j: [20.0, 30.0, 40.0][j]),
    "replayed": (_trains(5), lambda j: _trains(5)[j]),
}
ATTENUATION = np.linspace(0.3, 1.0, N)


def _train(rule, weights, teacher, **kw):
    kw.setdefault("record_every", 20 * D["dt"])
    kw.setdefault("trace_every", 10 * D["dt"])
    return natspike.train(rule, weights, RATES, teacher=teacher, duration=DURATION, eta=ETA[rule], seed=9, **kw)


def _assert_row(layer, single, j):
    assert set(layer.arrays) == set(single.arrays)
    for name, a in single.arrays.items():
        row = layer.arrays[name] if name == "times" else layer.arrays[name][j]
        assert row.shape == a.shape, name
        assert np.array_equal(row, a), f"neuron {j}: {name} differs from the neuron trained alone"


MODES = {"dense": {"event_driven": False}, "event-driven": {"event_driven": True}, "exact": {"exact": True}}


@pytest.mark.parametrize("teacher", list(TEACHERS))
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("dendritic", [False, True])
@pytest.mark.parametrize("rule", list(ETA))
def test_neuron_0_is_the_single_neuron_call(rule, dendritic, mode, teacher):
    layer_teacher, one = TEACHERS[teacher]
    kw = dict(MODES[mode], attenuation=ATTENUATION if dendritic else None)
    layer = _train(rule, W0, layer_teacher, **kw)
    assert layer.weights.shape == (M, layer.times.size, N) and layer.n_neurons == M
    _assert_row(layer, _train(rule, W0[0], one(0), **kw), 0)
    assert not np.array_equal(layer.weights[1], layer.weights[0]), "neurons 0 and 1 learned alike"
    assert np.abs(layer.weights[0, -1] - layer.weights[0, 0]).max() > 1e-6, "vacuous: nothing learned"


@pytest.mark.parametrize("inputs", ["poisson", "replayed"])
@pytest.mark.parametrize("rule", list(ETA))
def test_every_neuron_with_a_replayed_teacher_is_the_neuron_alone(rule, inputs):
    """A replayed teacher draws no random numbers, so every neuron j equals its single-neuron call."""
    trains = _trains(6)
    kw = {"inputs": _inputs(3)} if inputs == "replayed" else {}
    layer = _train(rule, W0, trains, **kw)
    for j in range(M):
        _assert_row(layer, _train(rule, W0[j], trains[j], **kw), j)


@pytest.mark.parametrize("dendritic", [False, True])
@pytest.mark.parametrize("rule", list(ETA))
def test_layer_matches_the_numpy_reference(rule, dendritic):
    """Shared inputs and one realizable teacher per neuron, both drawn by the reference; natspike replays
    them and must follow the reference's layer to 1e-10 relative (max |Go − NumPy| / max |w|)."""
    rng = np.random.default_rng(41)
    spikes, y = make_layer_task(rng, RATES, WSTAR + 0.4, BINS, **D)  # teachers of about 20-40 Hz
    att = ATTENUATION if dendritic else None
    w0 = W0 / ATTENUATION if dendritic else W0
    go = natspike.train(
        rule,
        w0,
        RATES,
        teacher=[natspike.SpikeTrain.from_bins(row, dt=D["dt"]) for row in y],
        inputs=spikes.astype(float),
        attenuation=att,
        duration=DURATION,
        record_every=D["dt"],
        eta=ETA[rule],
        seed=0,
    ).weights
    np_ = simulate_layer(rule, w0, RATES, spikes.astype(float), y.astype(float), eta=ETA[rule], attenuation=att,
                         coefficients="gauss", **D)  # fmt: skip
    assert go.shape == np_.shape == (M, BINS + 1, N)
    err = np.abs(go - np_).max() / np.abs(np_).max()
    assert err < RTOL, f"{rule}: max |Go - NumPy| / max|w| = {err:.2e}"
    assert np.abs(np_[:, -1] - np_[:, 0]).max() > 1e-4 and y.sum(axis=1).min() > 2, "vacuous comparison"


def test_xarray_and_save_load_keep_the_neuron_axis(tmp_path):
    res = _train("natural", W0, TEACHERS["replayed"][0])
    ds = res.to_xarray()
    assert ds.weights.dims == ("neuron", "time", "synapse") and "kl" not in ds  # no D_KL for a replayed teacher
    assert ds.voltage.dims == ("neuron", "trace_time") and ds.final_weights.dims == ("neuron", "synapse")
    assert list(ds.neuron.values) == list(range(M)) and ds.neuron.attrs["units"] == "1"
    assert ds.time.dims == ("time",) and np.array_equal(ds.time.values, res.times)
    res.save(tmp_path / "layer.npz")
    back = natspike.load(tmp_path / "layer.npz")
    assert back.n_neurons == M and back.to_xarray().weights.dims == ("neuron", "time", "synapse")
    for name, a in res.arrays.items():
        assert np.array_equal(back.arrays[name], a), name
    assert back.params["teacher"] == res.params["teacher"]
    again = natspike.train(**back.params)
    assert np.array_equal(again.weights, res.weights), "train(**params) of a loaded layer differs"


@pytest.mark.parametrize("teacher", ["realizable", "poisson"])
def test_train_params_reproduce_a_layer(teacher):
    res = _train("approximate", W0, TEACHERS[teacher][0])
    assert np.array_equal(natspike.train(**res.params).weights, res.weights)


def test_run_trials_of_a_layer(tmp_path):
    kw = dict(n_trials=3, seed=4, duration=DURATION, eta=2e-3, record_every=100 * D["dt"])
    layer = natspike.run_trials("natural", W0, RATES, teacher=lambda g: g.uniform(-0.25, 0.25, (M, N)), neurons=M, **kw)
    assert layer.weights.shape == (3, M, 5, N) and layer.kl.shape == (3, M, 5) and layer.n_neurons == M
    assert layer.target_weights.shape == (3, M, N) and layer.initial_weights.shape == (3, M, N)
    single = natspike.run_trials("natural", W0[0], RATES, teacher=layer.target_weights[:, 0], **kw)
    for name, a in single.arrays.items():
        shared = name in ("times", "completed")
        assert np.array_equal(layer.arrays[name] if shared else layer.arrays[name][:, 0], a), name
    ds = layer.to_xarray()
    assert ds.weights.dims == ("trial", "neuron", "time", "synapse") and ds.completed.dims == ("trial",)
    stored = natspike.run_trials("natural", W0, RATES, teacher=layer.target_weights, neurons=M, store=tmp_path, **kw)
    resumed = natspike.run_trials("natural", W0, RATES, teacher=layer.target_weights, neurons=M, store=tmp_path, **kw)
    assert np.array_equal(stored.weights, layer.weights) and np.array_equal(resumed.weights, layer.weights)
    assert np.array_equal(natspike.run_trials(**layer.params).weights, layer.weights)
    one_worker = natspike.run_trials(**{**layer.params, "workers": 1})
    assert np.array_equal(one_worker.weights, layer.weights) and np.array_equal(one_worker.kl, layer.kl)


def test_sweep_of_layers_has_a_neuron_axis():
    kw = dict(rule="natural", weights=W0, rates=RATES, teacher=[20.0, 30.0, 40.0], neurons=M, n_trials=2, seed=4)
    ds = natspike.sweep({"eta": [1e-3, 2e-3]}, duration=DURATION, record_every=200 * D["dt"], **kw)
    assert ds.weights.dims == ("eta", "trial", "neuron", "time", "synapse") and ds.kl.shape == (2, 2, M, 3)
    alone = natspike.run_trials(
        "natural", W0, RATES, teacher=[20.0, 30.0, 40.0], neurons=M, n_trials=2, seed=4, eta=2e-3,
        duration=DURATION, record_every=200 * D["dt"],
    )  # fmt: skip
    assert np.array_equal(ds.weights.sel(eta=2e-3).values, alone.weights)


def test_a_layers_recorded_spikes_are_each_neurons_own_in_every_export():
    # Neuron 0 records the spikes of the same neuron trained alone (bit for bit, its streams are the alone
    # neuron's); every neuron's train reaches Result.spikes, to_xarray (flat, with spike_neuron), a sweep
    # (padded, with a neuron axis) and to_neo (one SpikeTrain per neuron, annotated).
    kw = dict(teacher=[20.0, 30.0, 40.0], eta=2e-3, seed=4, duration=DURATION, record_spikes=True)
    layer = natspike.train("natural", W0, RATES, **kw)
    alone = natspike.train("natural", W0[0], RATES, **{**kw, "teacher": 20.0})
    assert len(layer.spikes) == M and all(t.size > 0 for t in layer.spikes)
    assert np.array_equal(layer.spikes[0], alone.spikes) and np.array_equal(
        layer.teacher_spikes[0], alone.teacher_spikes
    )
    assert not np.array_equal(layer.spikes[1], layer.spikes[2])  # streams of their own
    ds = layer.to_xarray()
    for j in range(M):
        assert np.array_equal(ds.spike_time.values[ds.spike_neuron.values == j], layer.spikes[j])
        assert np.array_equal(
            ds.teacher_spike_time.values[ds.teacher_spike_neuron.values == j], layer.teacher_spikes[j]
        )
    swept = natspike.sweep({"eta": [2e-3]}, rule="natural", weights=W0, rates=RATES, neurons=M, n_trials=2,
                           **{k: v for k, v in kw.items() if k != "eta"})  # fmt: skip
    trials = natspike.run_trials("natural", W0, RATES, neurons=M, n_trials=2, **kw)
    assert swept.spike_time.dims == ("eta", "trial", "neuron", "spike")
    for i in range(2):
        for j in range(M):
            padded = swept.spike_time.values[0, i, j]
            assert np.array_equal(padded[np.isfinite(padded)], trials.spikes[i][j])
    neo = pytest.importorskip("neo")
    trains = {st.name: st for st in layer.to_neo().segments[0].spiketrains}
    assert all(isinstance(st, neo.SpikeTrain) for st in trains.values()) and len(trains) == 2 * M
    for j in range(M):
        st = trains[f"student neuron {j}"]
        assert st.annotations["neuron"] == j and np.array_equal(st.magnitude, layer.spikes[j])
        assert np.array_equal(trains[f"teacher neuron {j}"].magnitude, layer.teacher_spikes[j])


def _bad_train(**kw):
    args = dict(weights=W0, teacher=WSTAR)
    args.update(kw)
    return natspike.train("natural", args.pop("weights"), args.pop("rates", RATES), duration=DURATION, eta=1e-3,
                          seed=0, **args)  # fmt: skip


@pytest.mark.parametrize(
    "kw,error,match",
    [
        (
            {"teacher": WSTAR[:2]},
            ValueError,
            r"teacher of a layer of 3 neurons must be target weights of shape \(3, 12\)",
        ),
        ({"teacher": WSTAR[:, :5]}, ValueError, r"shape \(3, 12\)"),
        ({"teacher": WSTAR[0]}, ValueError, r"teacher rates of a layer of 3 neurons must have shape \(3,\)"),
        ({"teacher": [10.0, 20.0]}, ValueError, r"teacher rates of a layer of 3 neurons"),
        ({"teacher": [10.0, -1.0, 20.0]}, ValueError, "neuron 1: teacher rate must be >= 0"),
        ({"teacher": _trains(1)[:2]}, ValueError, "needs 3 spike trains"),
        ({"teacher": _trains(1)[0]}, TypeError, "a list of 3 spike trains"),
        ({"teacher": _trains(1)[:2] + [20.0]}, TypeError, r"not a mix; teacher\[2\] is a float"),
        ({"teacher": np.ones((M, N), bool)}, TypeError, "bool array"),
        ({"rates": RATES[:5]}, ValueError, r"weights of a layer must have shape \(m, 5\)"),
        ({"weights": np.zeros((0, N))}, ValueError, "at least one neuron"),
        ({"weights": np.zeros((M, 0))}, ValueError, "weights must not be empty"),
        ({"weights": np.vstack([W0[:2], np.zeros(N)])}, ValueError, r"weights\[2\] \(neuron 2\)"),
        ({"weights": np.full((M, N), np.nan)}, ValueError, "weights must be finite"),
    ],
)
def test_bad_layers_name_the_parameter(kw, error, match):
    with pytest.raises(error, match=match):
        _bad_train(**kw)


def test_a_layer_too_large_for_memory_names_it():
    w = np.full((1000, 100), 0.01)
    with pytest.raises(MemoryError, match=r"record_every \(a layer of 1000 neurons\)"):
        natspike.train("euclidean", w, np.full(100, 10.0), teacher=w, duration=1e3, eta=1e-4, record_every=D["dt"])


@pytest.mark.parametrize(
    "kw,error,match",
    [
        ({"neurons": 0}, ValueError, r"neurons must be None \(off\) or >= 1, got 0"),
        ({"neurons": 2.0}, TypeError, "neurons must be an int"),
        ({"neurons": 2, "teacher": 20.0}, ValueError, r"weights must have shape \(2, 12\) or \(2, 2, 12\)"),
        ({"neurons": M, "teacher": _trains(1)}, ValueError, "cannot be shared by independent trials"),
        ({"neurons": M, "teacher": WSTAR[:2]}, ValueError, "teacher of a layer of 3 neurons"),
    ],
)
def test_bad_layer_trials_name_the_parameter(kw, error, match):
    args = dict(teacher=WSTAR, n_trials=2, seed=0, duration=DURATION, eta=1e-3)
    args.update(kw)
    with pytest.raises(error, match=match):
        natspike.run_trials("natural", W0, RATES, **args)


def test_a_layers_teacher_in_the_fields_formats():
    """Rate Quantities (one or m) and neo.SpikeTrains give the numbers of their plain forms; run_trials too."""
    import neo
    import quantities as pq

    rates = [20.0, 30.0, 40.0]
    plain = _train("natural", W0, rates)
    assert np.array_equal(_train("natural", W0, np.array(rates) * pq.Hz).weights, plain.weights)
    assert np.array_equal(_train("natural", W0, [r * pq.Hz for r in rates]).weights, plain.weights)
    same = _train("natural", W0, 25.0)
    assert np.array_equal(_train("natural", W0, 0.025 * pq.kHz).weights, same.weights)
    trains = _trains(8)
    as_neo = [neo.SpikeTrain(t.times * pq.s, t_stop=t.t_stop * pq.s) for t in trains]
    assert np.array_equal(_train("euclidean", W0, as_neo).weights, _train("euclidean", W0, trains).weights)
    segment = neo.Segment()  # a Neo segment's spiketrains are a SpikeTrainList, not a list
    segment.spiketrains.extend(as_neo)
    assert np.array_equal(_train("euclidean", W0, segment.spiketrains).weights, _train("euclidean", W0, trains).weights)
    unsorted = as_neo[:2] + [neo.SpikeTrain(as_neo[2].times[::-1], t_stop=as_neo[2].t_stop)]
    with pytest.raises(ValueError, match=r"teacher\[2\] times must be sorted"):
        _train("euclidean", W0, unsorted)
    kw = dict(n_trials=2, seed=1, duration=DURATION, eta=1e-3, neurons=M)
    a = natspike.run_trials("natural", W0, RATES, teacher=np.array(rates) * pq.Hz, **kw)
    assert np.array_equal(a.weights, natspike.run_trials("natural", W0, RATES, teacher=rates, **kw).weights)
