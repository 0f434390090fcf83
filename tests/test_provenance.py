"""Figure Datasets carry the numbers version of the engine that computed them, next to natspike's version."""

import natspike
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
