"""Every time in a figure Dataset is in seconds and says so, the same way in every figure, at smoke size."""

from __future__ import annotations

import re

import natspike.experiments as ex
import numpy as np
import pytest

#: Smallest runs of each figure of the registry; every figure must have a row.
SMOKE = {
    "3bc": dict(duration_minutes=0.05, repetitions=3, n=10),
    "3de": dict(n_trials=1, duration_minutes=0.05, samples=20, record_every=1.0),
    "3f": dict(n_trials=1, duration_minutes=0.05, n=10, record_every=1.0),
    "4": dict(inverse_attenuation=(1, 2), duration=0.5),
    "5": dict(n_trials=1, tau_s_values=(0.003, 0.01), rate_values=(10.0, 20.0), duration=0.5),
    "7": dict(grid=2, n_trials=1, duration=0.5),
    "7eg": dict(n_trials=1, values=(2.5,), duration=1.0),
    "9": dict(n_trials=1, duration_minutes=0.05, eta_factors=(1.0,), n=10, record_every=1.0),
    "10": dict(samples=2, n=10, rates=(5.0, 15.0)),
    "11": dict(samples=2, usp_samples=2, n=10, rates=(5.0, 15.0), sizes=(10,), usp_bins=50),
    "12ab": dict(n_trials=1, usp_samples=2, n=10, bins=100, patterns=((10.0, 30.0),)),
    "12cf": dict(n_trials=1, duration_minutes=0.05, n=10, record_every=1.0, patterns=((10.0, 30.0),)),
}
#: Units of time that no figure Dataset may use: every time is in seconds (package docstring of experiments).
OTHER_TIME_UNITS = {"min", "minute", "minutes", "ms", "h", "hour", "hours", "bins", "bin"}


def _is_time(name: str) -> bool:
    """A time by its name: ``*time*`` or a time constant (``tau_s``, ``scenario_tau_s``)."""
    return "time" in name or re.search(r"(^|_)tau_[sm]$", name) is not None


def check_times(key, ds):
    """Every time of ``ds`` in seconds, saying so in ``units`` and ``long_name``; nothing else claims a time unit."""
    times = [name for name in ds.variables if _is_time(str(name))]
    for name in times:
        attrs = ds[name].attrs
        assert attrs.get("units") == "s", (key, name, attrs)
        assert str(attrs.get("long_name", "")).endswith("(seconds)"), (key, name, attrs)
    for name, v in ds.variables.items():
        assert v.attrs.get("units") not in OTHER_TIME_UNITS, (key, name, v.attrs)
        if v.attrs.get("units") == "s":
            assert _is_time(str(name)), (key, name)
    if "duration_minutes" in ds.attrs:  # a learning run of duration_minutes ends at 60 * duration_minutes s
        learning = ds["learning_time" if "learning_time" in ds.coords else "time"]
        assert learning.values[-1] == pytest.approx(60 * ds.attrs["duration_minutes"]), (key, learning.values)
        if "record_every" in ds.attrs:  # records every record_every seconds
            np.testing.assert_allclose(np.diff(learning.values), ds.attrs["record_every"], rtol=1e-12)


def test_every_figure_has_a_smoke_row():
    assert set(SMOKE) == set(ex.FIGURES)


@pytest.mark.parametrize("key", sorted(SMOKE))
def test_every_time_is_in_seconds(key):
    check_times(key, getattr(ex, ex.FIGURES[key][0])(**SMOKE[key]))


def test_claim_lines_print_the_crossing_times_in_seconds_as_minutes():
    import xarray as xr

    attrs = dict(n_trials=2, duration_minutes=20.0)
    rules = ["natural", "euclidean"]
    ds = xr.Dataset({"crossing_time": ("rule", [90.0, np.nan])}, coords={"rule": rules}, attrs=attrs)
    assert "natural 1.5 min, euclidean not within 20 min; natural converges before Euclidean: yes" in (
        ex.claim_figure3f(ds)
    )
    conv = xr.Dataset({"convergence_time": (("eta_factor", "rule"), [[600.0, 1170.0]])}, attrs=attrs)
    conv = conv.assign_coords(eta_factor=[1.0], rule=rules)
    assert "x=1: nat 10.0 min, euc 19.5 min" in ex.claim_figure9(conv)
    curves = xr.Dataset(
        {"crossing_time": (("pattern", "rule"), [[30.0, 60.0, np.nan]])},
        coords={"pattern": ["10/30"], "rule": ["approximate", "natural", "euclidean"]},
        attrs=attrs,
    )
    assert "10/30 Hz: app 0.5, nat 1.0, euc >20" in ex.claim_figure12_curves(curves)


def test_plots_draw_the_seconds_of_learning_curves_in_minutes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from natspike import plotting

    ds = ex.figure3f(**SMOKE["3f"])
    old = ds.assign_coords(time=ds["time"] / 60)  # as saved by an earlier version: minutes, units "min"
    old["time"].attrs["units"] = "min"
    for data in (ds, old):
        ax = plotting.figure3f(data)
        np.testing.assert_allclose(ax.lines[0].get_xdata(), [0, 1 / 60, 2 / 60, 3 / 60], rtol=1e-12)
        assert ax.get_xlabel() == "time [min]"
        plt.close(ax.figure)
