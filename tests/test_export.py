"""to_xarray carries every recorded array with coordinates and units; netCDF-4 round trip; time_to_threshold."""

import natspike
import numpy as np
import pytest
import xarray as xr
from natspike.experiments import crossing_times

N, RATES = 5, np.linspace(10.0, 50.0, 5)
W0, WSTAR = np.random.default_rng(3).uniform(-0.2, 0.2, (2, N))


@pytest.fixture(scope="module")
def single():
    return natspike.train(
        "natural", W0, RATES, teacher=WSTAR, duration=0.2, eta=1e-3, record_every=0.05, trace_every=0.01, seed=9
    )


@pytest.fixture(scope="module")
def many():
    return natspike.run_trials(
        "natural", W0, RATES, teacher=WSTAR, n_trials=3, seed=9, duration=0.2, eta=1e-3, record_every=0.05
    )


def test_a_single_trial_exports_every_recorded_array_with_units(single):
    ds = single.to_xarray()
    for name in (
        "weights",
        "final_weights",
        "initial_weights",
        "target_weights",
        "kl",
        "rate_error",
        "weight_distance",
        "voltage",
        "rate",
    ):
        np.testing.assert_array_equal(ds[name].values, getattr(single, name))
        assert "units" in ds[name].attrs, name
    assert ds["voltage"].attrs["units"] == "mV" and ds["rate"].attrs["units"] == "Hz"
    assert ds["rate_error"].attrs["units"] == "Hz" and ds["time"].attrs["units"] == "s"
    # V of bins 0, 20, 40, …, 380 of the 400 bins: every trace_every = 0.01 s from t = 0.
    np.testing.assert_allclose(ds["trace_time"].values, np.arange(0, 400, 20) * 0.0005, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(ds["synapse"].values, np.arange(N))
    assert ds["voltage"].dims == ("trace_time",) and ds["weights"].dims == ("time", "synapse")


def test_trials_get_a_trial_coordinate_and_every_variable_units(many):
    ds = many.to_xarray()
    np.testing.assert_array_equal(ds["trial"].values, np.arange(3))
    assert ds["initial_weights"].dims == ("trial", "synapse")
    np.testing.assert_array_equal(ds["target_weights"].values, np.broadcast_to(WSTAR, (3, N)))
    assert all("units" in ds[v].attrs for v in list(ds.data_vars) + list(ds.coords)), ds


def test_netcdf4_round_trip_through_h5netcdf(single, many, tmp_path):
    for k, res in enumerate((single, many)):
        path = tmp_path / f"r{k}.nc"
        ds = res.to_xarray()
        ds.to_netcdf(path, engine="h5netcdf")
        with xr.open_dataset(path, engine="h5netcdf") as back:
            xr.testing.assert_identical(back.load(), ds)
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89HDF\r\n\x1a\n"  # an HDF5 file, i.e. netCDF-4


def test_time_to_threshold_finds_the_first_record_below_the_trial_mean(many):
    kl = np.array([[4e-4, 2e-4, 6e-5, 1e-5], [4e-4, 1e-4, 4e-5, 2e-5]])
    times = [0.0, 10.0, 20.0, 30.0]
    assert natspike.time_to_threshold(kl[0], 5e-5, times=times) == 30.0
    np.testing.assert_array_equal(natspike.time_to_threshold(kl, 5e-5, times=times, per_trial=True), [30.0, 20.0])
    assert np.isnan(natspike.time_to_threshold(kl[0], 1e-6, times=times))
    # A Result: the mean over finished trials, in seconds of result.times.
    mean = many.kl.mean(axis=0)
    threshold = float(mean[2]) * 1.0000001
    expected = many.times[np.flatnonzero(mean < threshold)[0]]
    assert natspike.time_to_threshold(many, threshold) == expected
    np.testing.assert_array_equal(
        crossing_times(kl, times), natspike.time_to_threshold(kl, 5e-5, times=times, per_trial=True)
    )


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((np.ones(3), 0.0), ValueError, "threshold must be finite and > 0"),
        ((np.ones(3), "1e-5"), TypeError, "threshold must be a real number"),
        ((np.ones(3), 1e-5), TypeError, "times must be given"),
    ],
)
def test_time_to_threshold_refuses_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        natspike.time_to_threshold(*args)


def test_time_to_threshold_needs_a_kl_curve():
    res = natspike.train("natural", W0, RATES, teacher=natspike.SpikeTrain([], t_stop=0.1), duration=0.1, eta=1e-3)
    with pytest.raises(ValueError, match="replayed spike train"):
        natspike.time_to_threshold(res, 1e-5)
    with pytest.raises(ValueError, match="times must have one entry per record"):
        natspike.time_to_threshold(np.ones(3), 1e-5, times=[0, 1])


def test_sweep_datasets_get_units_and_a_synapse_coordinate():
    ds = natspike.sweep(
        {"eta": [1e-3, 2e-3]}, rule="natural", weights=W0, rates=RATES, teacher=WSTAR, duration=0.1, n_trials=2, seed=1
    )
    np.testing.assert_array_equal(ds["synapse"].values, np.arange(N))
    assert all("units" in ds[v].attrs for v in ("weights", "kl", "rate_error", "completed", "time", "trial"))
    assert ds["rate_error"].attrs["units"] == "Hz"
