"""natspike.resume: a trial continued from its end state equals one longer trial bit for bit."""

import itertools

import natspike
import numpy as np
import pytest

N, DT = 8, 0.0005
RATES = np.linspace(5.0, 45.0, N)
W0, WSTAR = np.random.default_rng(11).uniform(-0.05, 0.2, (2, N))
ALPHA = np.linspace(0.4, 1.0, N)
ETA = {"euclidean": 2e-6, "natural": 2e-3, "approximate": 1.5e-3}
FIRST, SECOND = 0.2, 0.15  # s; record_every divides both


def _kw(rule, dendritic, events, cache, teacher):
    kw = dict(teacher=teacher, eta=ETA[rule], seed=4, record_every=0.05, trace_every=0.005, record_spikes=True)
    kw.update(event_driven=events, coefficient_tolerance=1e-9 if cache else None)
    return kw | ({"attenuation": ALPHA} if dendritic else {})


def _assert_continues(whole, first, second, n_first_records):
    """second continues first exactly as whole went on."""
    for name in ("final_weights", "state"):
        np.testing.assert_array_equal(second.arrays[name], whole.arrays[name], err_msg=name)
    for name in ("weights", "kl", "rate_error", "weight_distance"):
        if whole.arrays.get(name) is not None:
            joined = np.concatenate([first.arrays[name][:n_first_records], second.arrays[name]])
            np.testing.assert_array_equal(joined, whole.arrays[name], err_msg=name)
    np.testing.assert_array_equal(np.concatenate([first.times[:n_first_records], second.times]), whole.times)
    for name in ("voltage", "rate"):
        if whole.arrays.get(name) is not None:
            np.testing.assert_array_equal(np.concatenate([first.arrays[name], second.arrays[name]]), whole.arrays[name])
    for name in ("spikes", "teacher_spikes"):
        np.testing.assert_array_equal(
            np.concatenate([getattr(first, name), getattr(second, name)]), getattr(whole, name)
        )


CASES = list(itertools.product(ETA, (False, True), (False, True), (False, True), ("realizable", "poisson")))


@pytest.mark.parametrize("rule, dendritic, events, cache, teacher", CASES)
def test_train_then_resume_equals_one_train(rule, dendritic, events, cache, teacher):
    if cache and rule == "euclidean":
        pytest.skip("the Euclidean rule has no Fisher coefficients to cache")
    kw = _kw(rule, dendritic, events, cache, WSTAR if teacher == "realizable" else 30.0)
    whole = natspike.train(rule, W0, RATES, duration=FIRST + SECOND, keep_state=True, **kw)
    first = natspike.train(rule, W0, RATES, duration=FIRST, keep_state=True, **kw)
    second = natspike.resume(first, duration=SECOND)
    assert second.times[0] == FIRST and second.spikes.size > 0
    _assert_continues(whole, first, second, len(first.times) - 1)
    np.testing.assert_array_equal(second.initial_weights, first.final_weights)


@pytest.mark.parametrize("rule, dendritic", list(itertools.product(ETA, (False, True))))
def test_resume_off_the_record_grid_equals_one_train_by_default(rule, dendritic):
    """The default evaluation (event-driven, coefficient cache) continues bit for bit at any split."""
    kw = dict(eta=ETA[rule], seed=5, record_every=0.05, record_spikes=True, teacher=WSTAR)
    kw |= {"attenuation": ALPHA} if dendritic else {}
    whole = natspike.train(rule, W0, RATES, duration=0.35, keep_state=True, **kw)
    first = natspike.train(rule, W0, RATES, duration=0.1825, keep_state=True, **kw)  # between records
    second = natspike.resume(first, duration=0.1675)
    for name in ("final_weights", "state"):
        np.testing.assert_array_equal(second.arrays[name], whole.arrays[name], err_msg=name)
    np.testing.assert_array_equal(first.weights, whole.weights[: len(first.times)])
    np.testing.assert_array_equal(np.concatenate([first.spikes, second.spikes]), whole.spikes)
    assert not np.array_equal(whole.final_weights, W0)


@pytest.mark.parametrize("rule, dendritic", list(itertools.product(ETA, (False, True))))
def test_records_do_not_change_the_default_numbers(rule, dendritic):
    """Records every 0.1 s, every 0.25 s or none: the same weights at common times and at the end."""
    kw = dict(eta=ETA[rule], seed=6, teacher=WSTAR) | ({"attenuation": ALPHA} if dendritic else {})
    runs = [natspike.train(rule, W0, RATES, duration=1.0, record_every=every, **kw) for every in (0.1, 0.25, None)]
    for run in runs[1:]:
        np.testing.assert_array_equal(run.final_weights, runs[0].final_weights)
    np.testing.assert_array_equal(runs[0].weights[::5], runs[1].weights[::2])  # t = 0, 0.5, 1 s
    np.testing.assert_allclose(runs[0].times[::5], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(runs[1].times[::2], [0.0, 0.5, 1.0])


def test_resume_after_save_and_load_and_twice(tmp_path):
    kw = _kw("natural", False, False, False, WSTAR)
    whole = natspike.train("natural", W0, RATES, duration=0.45, keep_state=True, **kw)
    first = natspike.train("natural", W0, RATES, duration=0.15, keep_state=True, **kw)
    first.save(tmp_path / "first.npz")
    second = natspike.resume(natspike.load(tmp_path / "first.npz"), duration=0.15)
    second.save(tmp_path / "second.npz")
    third = natspike.resume(natspike.load(tmp_path / "second.npz"), duration=0.15)
    np.testing.assert_array_equal(third.final_weights, whole.final_weights)
    np.testing.assert_array_equal(third.state, whole.state)
    np.testing.assert_array_equal(np.concatenate([first.spikes, second.spikes, third.spikes]), whole.spikes)


def test_resume_with_replayed_inputs_and_teacher():
    rng = np.random.default_rng(3)
    bins_1, bins_2 = round(FIRST / DT), round(SECOND / DT)
    inputs = rng.random((bins_1 + bins_2, N)) < RATES * DT
    teacher = rng.random(bins_1 + bins_2) < 0.02
    train = natspike.SpikeTrain.from_bins

    def run(rows, duration, **kw):
        return natspike.train(
            "natural",
            W0,
            RATES,
            inputs=inputs[rows],
            teacher=train(teacher[rows], dt=DT),
            duration=duration,
            eta=2e-3,
            seed=4,
            record_every=0.05,
            trace_every=0.005,
            record_spikes=True,
            keep_state=True,
        )

    whole = run(slice(None), FIRST + SECOND)
    first = run(slice(0, bins_1), FIRST)
    second = natspike.resume(first, duration=SECOND, inputs=inputs[bins_1:], teacher=train(teacher[bins_1:], dt=DT))
    _assert_continues(whole, first, second, len(first.times) - 1)
    with pytest.raises(ValueError, match="inputs: the result replayed given inputs"):
        natspike.resume(first, duration=SECOND, teacher=train(teacher[bins_1:], dt=DT))
    with pytest.raises(ValueError, match="teacher: the result replayed given teacher"):
        natspike.resume(first, duration=SECOND, inputs=inputs[bins_1:])


@pytest.mark.parametrize("form", ["pair", "trains"])
def test_a_late_spike_time_in_a_continuation_says_where_its_times_count_from(form):
    # A Brian2 or NEST user continuing a run passes the monitor's times of the next second, which count from the
    # start of the trial; the continuation's count from its own start. The error says so and by how much.
    rng = np.random.default_rng(5)
    times = [np.sort(rng.choice(round(2 * FIRST / DT), 8, replace=False)) * DT + DT / 2 for _ in range(N)]
    idx = np.concatenate([np.full(t.size, i) for i, t in enumerate(times)])
    flat = np.concatenate(times)

    def inputs(lo, hi, shift=0.0):
        if form == "pair":
            keep = (flat >= lo) & (flat < hi)
            return idx[keep], flat[keep] - shift
        return [t[(t >= lo) & (t < hi)] - shift for t in times]

    kw = dict(teacher=WSTAR, eta=2e-3, seed=4, keep_state=True)
    first = natspike.train("natural", W0, RATES, inputs=inputs(0, FIRST), duration=FIRST, **kw)
    with pytest.raises(
        ValueError,
        match=rf"at or after the end of the run .*count from its start \({FIRST:g} s into the trial: subtract",
    ):
        natspike.resume(first, duration=FIRST, inputs=inputs(FIRST, 2 * FIRST))
    with pytest.raises(ValueError, match=r"at or after the end of the run \([0-9.]+ s\); plain numbers are seconds"):
        natspike.train("natural", W0, RATES, inputs=inputs(FIRST, 2 * FIRST), duration=FIRST, **kw)
    shifted = natspike.resume(first, duration=FIRST, inputs=inputs(FIRST, 2 * FIRST, shift=FIRST))  # the remedy
    assert shifted.times[0] == FIRST and np.isfinite(shifted.final_weights).all()


def test_resume_every_trial_of_run_trials():
    kw = dict(teacher=WSTAR, eta=2e-3, seed=8, n_trials=4, record_every=0.05, record_spikes=True, keep_state=True)
    weights = lambda rng: rng.uniform(-0.05, 0.2, N)
    whole = natspike.run_trials("natural", weights, RATES, duration=FIRST + SECOND, **kw)
    first = natspike.run_trials("natural", weights, RATES, duration=FIRST, **kw)
    second = natspike.resume(first, duration=SECOND, workers=2)
    np.testing.assert_array_equal(second.final_weights, whole.final_weights)
    np.testing.assert_array_equal(second.state, whole.state)
    k = len(first.times) - 1
    np.testing.assert_array_equal(np.concatenate([first.kl[:, :k], second.kl], axis=1), whole.kl)
    for i in range(4):
        np.testing.assert_array_equal(np.concatenate([first.spikes[i], second.spikes[i]]), whole.spikes[i])
    assert len({s.tobytes() for s in second.final_weights}) == 4


def _altered(kept, *, params=None, state=None):
    """``kept`` with other parameters or another state, everything else (versions too) as it is."""
    arrays = kept.arrays if state is None else {**kept.arrays, "state": state}
    return natspike.Result(
        arrays,
        params=kept.params if params is None else params,
        seed=kept.seed,
        version=kept.version,
        numbers_version=kept.numbers_version,
    )


def test_resume_refuses_what_it_cannot_continue():
    plain = natspike.train("natural", W0, RATES, teacher=WSTAR, duration=0.05, eta=2e-3, seed=1)
    with pytest.raises(ValueError, match="no state to resume from: run it with keep_state=True"):
        natspike.resume(plain, duration=0.05)
    with pytest.raises(TypeError, match=r"result must be a natspike\.Result"):
        natspike.resume(plain.arrays, duration=0.05)
    kept = natspike.train("natural", W0, RATES, teacher=WSTAR, duration=0.05, eta=2e-3, seed=1, keep_state=True)
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="duration must be finite and > 0"):
            natspike.resume(kept, duration=bad)
    with pytest.raises(TypeError, match="duration must be a real number"):
        natspike.resume(kept, duration="1 s")
    with pytest.raises(ValueError, match="inputs: the result did not replay"):
        natspike.resume(kept, duration=0.05, inputs=np.zeros((100, N)))
    old = natspike.Result(kept.arrays, params=kept.params, seed=kept.seed, version="0.0.1")
    with pytest.raises(ValueError, match=r"made by natspike 0\.0\.1"):
        natspike.resume(old, duration=0.05)
    other = _altered(kept, params={**kept.params, "eta": 1e-3})
    with pytest.raises(ValueError, match="belongs to another configuration"):
        natspike.resume(other, duration=0.05)
    damaged = np.array(kept.state)
    damaged[40] += 1
    hurt = _altered(kept, state=damaged)
    with pytest.raises(ValueError, match="the state is damaged"):
        natspike.resume(hurt, duration=0.05)
    format2 = np.concatenate([kept.state, np.zeros(10 + N)])  # before the counter-based streams: 10 + n words more
    format2[1] = 2
    older = _altered(kept, state=format2)
    with pytest.raises(ValueError, match="format 2, written by a natspike release before the counter-based"):
        natspike.resume(older, duration=0.05)
    with pytest.raises(ValueError, match="not available with input_pool_size"):
        natspike.train(
            "natural", W0, RATES, teacher=WSTAR, duration=0.05, eta=2e-3, seed=1, keep_state=True, input_pool_size=2
        )


def test_resume_refuses_a_state_of_another_numbers_version(tmp_path, monkeypatch):
    """A state computed by an engine of another numbers version (or saved before numbers versions) is refused,
    naming both versions, before anything runs; the numbers version travels through save and load."""
    from natspike import _native

    kept = natspike.train("natural", W0, RATES, teacher=WSTAR, duration=0.05, eta=2e-3, seed=1, keep_state=True)
    current = _native.numbers_version()
    assert kept.numbers_version == current
    kept.save(tmp_path / "kept.npz")
    loaded = natspike.load(tmp_path / "kept.npz")
    assert loaded.numbers_version == current
    np.testing.assert_array_equal(
        natspike.resume(loaded, duration=0.05).final_weights, natspike.resume(kept, duration=0.05).final_weights
    )
    monkeypatch.setattr(_native, "numbers_version", lambda: current + 1)
    with pytest.raises(
        ValueError, match=rf"numbers version {current}; this engine computes numbers version {current + 1}"
    ):
        natspike.resume(loaded, duration=0.05)
    monkeypatch.undo()
    unversioned = natspike.Result(kept.arrays, params=kept.params, seed=kept.seed, version=kept.version)
    with pytest.raises(ValueError, match=rf"predates numbers versions .* numbers version {current}"):
        natspike.resume(unversioned, duration=0.05)
    unversioned.save(tmp_path / "old.npz")  # a file of before numbers versions: no numbers_version in its record
    old = natspike.load(tmp_path / "old.npz")
    assert old.numbers_version is None
    with pytest.raises(ValueError, match="predates numbers versions"):
        natspike.resume(old, duration=0.05)


def test_a_saved_result_resumes_in_another_process(tmp_path):
    """The state (and its configuration digest) does not depend on the process that wrote it."""
    import subprocess
    import sys

    kw = _kw("natural", True, False, True, WSTAR)
    whole = natspike.train("natural", W0, RATES, duration=FIRST + SECOND, keep_state=True, **kw)
    natspike.train("natural", W0, RATES, duration=FIRST, keep_state=True, **kw).save(tmp_path / "first.npz")
    code = f"import natspike; natspike.resume(natspike.load({str(tmp_path / 'first.npz')!r}), duration={SECOND})"
    code += f".save({str(tmp_path / 'second.npz')!r})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    second = natspike.load(tmp_path / "second.npz")
    np.testing.assert_array_equal(second.final_weights, whole.final_weights)
    ds = second.to_xarray()
    assert ds["time"].values[0] == FIRST and ds["trace_time"].values[0] == FIRST
    np.testing.assert_array_equal(ds["spike_time"].values, whole.spikes[whole.spikes >= FIRST])


M = 3  # neurons of a layer
W0_LAYER = np.vstack([W0 * (1 + j / 4) for j in range(M)])


def _layer_teacher(kind, rng, bins):
    if kind == "realizable":
        return np.vstack([np.roll(WSTAR, j) for j in range(M)])
    if kind == "poisson":
        return [20.0, 30.0, 40.0]
    return [np.flatnonzero(rng.random(bins) < 0.02) * DT + DT / 2 for _ in range(M)]


def _assert_layer_continues(whole, first, second):
    """Layer run second continues first exactly as whole went on: per neuron, along each output's time axis."""
    k = len(first.times) - 1
    np.testing.assert_array_equal(second.final_weights, whole.final_weights)
    np.testing.assert_array_equal(second.state, whole.state)
    np.testing.assert_array_equal(np.concatenate([first.weights[..., :k, :], second.weights], axis=-2), whole.weights)
    np.testing.assert_array_equal(np.concatenate([first.voltage, second.voltage], axis=-1), whole.voltage)
    for name in ("spikes", "teacher_spikes"):
        for j in range(M):
            joined = np.concatenate([getattr(first, name)[j], getattr(second, name)[j]])
            np.testing.assert_array_equal(joined, getattr(whole, name)[j], err_msg=f"{name} of neuron {j}")
    assert all(t.size > 0 for t in second.spikes)


@pytest.mark.parametrize("teacher", ["realizable", "poisson", "replay"])
def test_a_layer_resumed_equals_one_layer_for_every_teacher(teacher):
    # Every neuron of the layer keeps its own end state; resume continues them together on the same inputs
    # (drawn, or here for a replayed teacher given per neuron), bit for bit as one longer run, spikes included.
    rng = np.random.default_rng(9)
    target = _layer_teacher(teacher, rng, round((FIRST + SECOND) / DT))
    kw = dict(eta=2e-3, seed=6, record_every=0.05, trace_every=0.005, record_spikes=True, keep_state=True)

    def run(duration, part=slice(None)):
        if teacher != "replay":
            return natspike.train("natural", W0_LAYER, RATES, teacher=target, duration=duration, **kw)
        trains = [
            natspike.SpikeTrain(t[(t >= part.start) & (t < part.stop)] - part.start, t_stop=duration) for t in target
        ]
        return natspike.train("natural", W0_LAYER, RATES, teacher=trains, duration=duration, **kw)

    whole = run(FIRST + SECOND, slice(0, FIRST + SECOND))
    first = run(FIRST, slice(0, FIRST))
    more = {}
    if teacher == "replay":
        more["teacher"] = [natspike.SpikeTrain(t[t >= FIRST] - FIRST, t_stop=SECOND) for t in target]
        with pytest.raises(ValueError, match="teacher: the result replayed given teacher"):
            natspike.resume(first, duration=SECOND)
    second = natspike.resume(first, duration=SECOND, **more)
    assert second.state.shape == (M, first.state.shape[-1]) and second.times[0] == FIRST
    _assert_layer_continues(whole, first, second)


def test_run_trials_of_layers_resume_every_trial_and_neuron():
    kw = dict(
        teacher=[20.0, 30.0, 40.0],
        eta=2e-3,
        seed=8,
        n_trials=3,
        neurons=M,
        record_every=0.05,
        record_spikes=True,
        keep_state=True,
    )
    weights = lambda rng: rng.uniform(-0.05, 0.2, (M, N))
    whole = natspike.run_trials("natural", weights, RATES, duration=FIRST + SECOND, **kw)
    first = natspike.run_trials("natural", weights, RATES, duration=FIRST, **kw)
    second = natspike.resume(first, duration=SECOND, workers=2)
    assert second.state.shape == (3, M, first.state.shape[-1])
    np.testing.assert_array_equal(second.final_weights, whole.final_weights)
    np.testing.assert_array_equal(second.state, whole.state)
    for i in range(3):
        for j in range(M):
            joined = np.concatenate([first.spikes[i][j], second.spikes[i][j]])
            np.testing.assert_array_equal(joined, whole.spikes[i][j], err_msg=f"trial {i}, neuron {j}")


@pytest.mark.parametrize("layer", [False, True])
@pytest.mark.parametrize("other", ["rate", "rates", "bins", "target weights"])
def test_a_replayed_teacher_is_continued_by_spike_trains_only(layer, other):
    # A rate, a list of rates, a 0/1 array or target weights would make the continuation another teacher's
    # (refused later as "another configuration"); resume says at once what the continuation needs.
    rng = np.random.default_rng(2)
    trains = [natspike.SpikeTrain(np.flatnonzero(rng.random(800) < 0.02) * DT, t_stop=0.4) for _ in range(M)]
    w0, teacher = (W0_LAYER, trains) if layer else (W0, trains[0])
    first = natspike.train("natural", w0, RATES, teacher=teacher, duration=0.4, eta=1e-3, seed=1, keep_state=True)
    value = {"rate": 20.0, "rates": [20.0] * M, "bins": np.zeros(800), "target weights": np.zeros_like(w0)}[other]
    with pytest.raises(TypeError, match=r"teacher: the result replayed given teacher spike trains; give the continu"):
        natspike.resume(first, duration=0.2, teacher=value)
    assert natspike.resume(first, duration=0.2, teacher=teacher).times[0] == 0.4
