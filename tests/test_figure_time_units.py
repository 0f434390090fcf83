"""Every time in a figure Dataset says its unit, the same way in every figure, at smoke size."""

from __future__ import annotations

import re

import natspike.experiments as ex
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
#: The documented unit of every time-valued variable (package docstring of natspike.experiments).
MINUTES = {"learning_time", "crossing_time", "convergence_time"}
LEARNING_CURVES_IN_MINUTES = {"3de", "3f", "9", "12cf"}


def _is_time(name: str) -> bool:
    """A time by its name: ``*time*`` or a time constant (``tau_s``, ``scenario_tau_s``)."""
    return "time" in name or re.search(r"(^|_)tau_[sm]$", name) is not None


def test_every_figure_has_a_smoke_row():
    assert set(SMOKE) == set(ex.FIGURES)


@pytest.mark.parametrize("key", sorted(SMOKE))
def test_every_time_states_its_documented_unit(key):
    ds = getattr(ex, ex.FIGURES[key][0])(**SMOKE[key])
    times = [name for name in ds.variables if _is_time(str(name))]
    for name in times:
        attrs = ds[name].attrs
        minutes = name in MINUTES or (name == "time" and key in LEARNING_CURVES_IN_MINUTES)
        want = ("min", "(minutes)") if minutes else ("s", "(seconds)")
        assert attrs.get("units") == want[0], (key, name, attrs)
        assert str(attrs.get("long_name", "")).endswith(want[1]), (key, name, attrs)
    for name, v in ds.variables.items():  # and nothing else claims a unit of time
        if v.attrs.get("units") in ("s", "min"):
            assert _is_time(str(name)), (key, name)
    if ds.attrs.get("duration_minutes") is not None and "time" in ds.coords and key in LEARNING_CURVES_IN_MINUTES:
        assert ds["time"].values[-1] == pytest.approx(ds.attrs["duration_minutes"])
