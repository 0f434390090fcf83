"""record_spikes=True: the student's and the teacher's spikes in Result, save/load, the results store and
to_xarray; recording changes no other number."""

import json
import subprocess
import sys
import textwrap

import natspike
import numpy as np
import pytest

N, DT = 10, 0.0005
RATES = np.linspace(10.0, 50.0, N)
W0, WSTAR = np.random.default_rng(5).uniform(-0.05, 0.15, (2, N))
KW = dict(teacher=WSTAR, eta=1e-3, seed=3, record_every=0.05)


def test_recording_spikes_changes_no_other_number():
    plain = natspike.train("natural", W0, RATES, duration=0.5, trace_every=0.001, **KW)
    rec = natspike.train("natural", W0, RATES, duration=0.5, trace_every=0.001, record_spikes=True, **KW)
    assert plain.spikes is None and plain.teacher_spikes is None
    assert set(rec.arrays) - set(plain.arrays) == {"spike_bits", "teacher_spike_bits"}
    for name, a in plain.arrays.items():
        np.testing.assert_array_equal(rec.arrays[name], a, err_msg=name)
    many = natspike.run_trials("natural", W0, RATES, n_trials=3, duration=0.3, **KW)
    many_rec = natspike.run_trials("natural", W0, RATES, n_trials=3, duration=0.3, record_spikes=True, **KW)
    for name, a in many.arrays.items():
        np.testing.assert_array_equal(many_rec.arrays[name], a, err_msg=name)
    assert len(many_rec.spikes) == 3 and len({t.size for t in many_rec.spikes}) > 1


def test_student_spike_count_matches_the_summed_rate():
    """The count is a sum of Bernoulli(phi(V_k) dt) over bins: with phi traced every bin, within 5 sigma
    of sum phi dt (sigma^2 = sum p(1-p)); spikes fall on bin starts in [0, duration)."""
    res = natspike.train("natural", W0, RATES, duration=20.0, trace_every=DT, record_spikes=True, **KW)
    p = res.rate * DT
    mean, sigma = p.sum(), np.sqrt((p * (1 - p)).sum())
    assert mean > 300 and abs(res.spikes.size - mean) < 5 * sigma, (res.spikes.size, mean, sigma)
    k = res.spikes / DT
    np.testing.assert_allclose(k, np.round(k), atol=1e-9)
    assert res.spikes.min() >= 0 and res.spikes.max() < 20.0 and (np.diff(res.spikes) > 0).all()
    # a bin's spike follows its own rate: the mean phi at spike bins exceeds the overall mean
    assert res.rate[np.round(k).astype(int)].mean() > res.rate.mean()


def test_teacher_spikes_are_the_replayed_train():
    bins = np.zeros(1000)
    bins[np.random.default_rng(1).choice(1000, 40, replace=False)] = 1
    teacher = natspike.SpikeTrain.from_bins(bins, dt=DT)
    res = natspike.train("natural", W0, RATES, teacher=teacher, duration=0.5, eta=1e-3, seed=2, record_spikes=True)
    np.testing.assert_array_equal(res.teacher_spikes, teacher.times)


_TOY = textwrap.dedent(
    """
    import json, sys
    import numpy as np, natspike
    from natspike import _describe

    _describe.register_debug_output()
    rates, w0 = np.full(6, 20.0), np.full(6, 0.05)
    kw = dict(n_trials=4, duration=1.0, eta=1e-3, seed=9, record_spikes=True)
    poisson = natspike.run_trials("natural", w0, rates, teacher=40.0, **kw)
    real = natspike.run_trials("natural", w0, rates, teacher=np.linspace(0, 0.2, 6), **kw)
    print(json.dumps({name: [[len(t) for t in r.teacher_spikes], r.debug_teacher_spikes.tolist()]
                      for name, r in (("poisson", poisson), ("realizable", real))}))
    """
)


def test_teacher_spikes_are_those_the_rule_saw():
    """The test-only Go output debug_teacher_spikes sums the teacher spike of every bin as the rule used
    it; the recorded teacher trains have exactly those counts, per trial."""
    out = subprocess.run([sys.executable, "-c", _TOY], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for name, (recorded, seen) in json.loads(out.stdout).items():
        assert recorded == seen and sum(recorded) > 0, name


def test_spikes_survive_save_load_and_the_store(tmp_path):
    kw = dict(n_trials=3, duration=0.3, record_spikes=True, **KW)
    direct = natspike.run_trials("natural", W0, RATES, **kw)
    stored = natspike.run_trials("natural", W0, RATES, store=tmp_path / "s", chunk_size=2, **kw)
    again = natspike.run_trials("natural", W0, RATES, store=tmp_path / "s", chunk_size=2, **kw)
    direct.save(tmp_path / "r.npz")
    loaded = natspike.load(tmp_path / "r.npz")
    for r in (stored, again, loaded):
        for a, b in zip(r.spikes + r.teacher_spikes, direct.spikes + direct.teacher_spikes):
            np.testing.assert_array_equal(a, b)


def test_spikes_in_xarray_are_flat_with_a_trial_index(tmp_path):
    pytest.importorskip("h5netcdf")
    res = natspike.run_trials("natural", W0, RATES, n_trials=3, duration=0.3, record_spikes=True, **KW)
    ds = res.to_xarray()
    assert "spike_bits" not in ds and ds["spike_time"].dims == ("spike",) and ds["spike_time"].attrs["units"] == "s"
    for i in range(3):
        np.testing.assert_array_equal(ds["spike_time"].values[ds["spike_trial"].values == i], res.spikes[i])
        np.testing.assert_array_equal(
            ds["teacher_spike_time"].values[ds["teacher_spike_trial"].values == i], res.teacher_spikes[i]
        )
    ds.to_netcdf(tmp_path / "r.nc", engine="h5netcdf")
    import xarray as xr

    with xr.open_dataset(tmp_path / "r.nc", engine="h5netcdf") as back:
        np.testing.assert_array_equal(back["spike_time"].values, ds["spike_time"].values)
    one = natspike.train("natural", W0, RATES, duration=0.3, record_spikes=True, **KW).to_xarray()
    assert "spike_trial" not in one and one["spike_time"].size > 0


def test_record_spikes_must_be_a_bool():
    with pytest.raises(TypeError, match="record_spikes must be a bool"):
        natspike.train("natural", W0, RATES, duration=0.1, record_spikes=1, **KW)


def test_sweep_holds_the_spikes_padded_per_grid_point_and_trial():
    pytest.importorskip("xarray")
    grid = {"eta": [1e-3, 2e-3]}
    kw = dict(rule="natural", weights=W0, rates=RATES, n_trials=2, duration=0.3, seed=6, teacher=WSTAR)
    ds = natspike.sweep(grid, record_spikes=True, **kw)
    assert ds["spike_time"].dims == ("eta", "trial", "spike") and "spike_bits" not in ds
    for j, eta in enumerate(grid["eta"]):
        one = natspike.run_trials(eta=eta, record_spikes=True, **kw)
        for i in range(2):
            got = ds["spike_time"].values[j, i]
            np.testing.assert_array_equal(got[~np.isnan(got)], one.spikes[i])
            got = ds["teacher_spike_time"].values[j, i]
            np.testing.assert_array_equal(got[~np.isnan(got)], one.teacher_spikes[i])
