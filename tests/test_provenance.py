"""Figure, trial and sweep Datasets carry the numbers version of the engine that computed them, next to natspike's
version."""

import natspike
import numpy as np
import xarray as xr
from natspike import _native
from natspike import experiments as ex
from natspike.experiments._common import provenance


def test_a_figure_dataset_records_the_engine_numbers_version(tmp_path):
    ds = ex.figure10(samples=5, rates=[5.0, 25.0])
    assert ds.attrs["numbers_version"] == _native.numbers_version()
    assert ds.attrs["version"] == natspike.__version__
    ds.to_netcdf(tmp_path / "f10.nc", engine="scipy")  # netCDF3 keeps it, as an integer
    with xr.open_dataset(tmp_path / "f10.nc", engine="scipy") as opened:
        assert int(opened.attrs["numbers_version"]) == _native.numbers_version()


def test_the_numbers_version_is_the_engine_s_at_the_time(monkeypatch):
    monkeypatch.setattr(_native, "numbers_version", lambda: 987654)
    assert provenance("x", 1)["numbers_version"] == 987654


def test_trial_and_sweep_datasets_record_the_engine_numbers_version():
    n = 4
    shared = dict(weights=np.zeros(n), rates=np.full(n, 10.0), teacher=np.full(n, 0.01), duration=0.5, eta=1e-4)
    res = natspike.run_trials("euclidean", n_trials=2, seed=1, **shared)
    assert res.numbers_version == _native.numbers_version()
    assert res.to_xarray().attrs["numbers_version"] == _native.numbers_version()
    ds = natspike.sweep(
        {"eta": [1e-4, 2e-4]}, seed=1, rule="euclidean", **{k: v for k, v in shared.items() if k != "eta"}
    )
    assert ds.attrs["numbers_version"] == _native.numbers_version()


def test_a_result_of_unknown_numbers_version_exports_none():
    res = natspike.train("euclidean", np.zeros(3), np.full(3, 10.0), eta=1e-4, teacher=np.full(3, 0.01), duration=0.1)
    res.numbers_version = None  # as loaded from a file saved before numbers versions
    assert "numbers_version" not in res.to_xarray().attrs
