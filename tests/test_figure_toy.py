"""Adding a figure is one row in experiments.FIGURES plus its modules: a toy figure, registered from this test
only, shows up wherever figures are enumerated (experiments, plotting, the command line, the smoke test)."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import test_figure_registry as registry_tests
import test_figure_time_units as smoke
import xarray as xr
from natspike import __main__ as cli
from natspike import experiments, plotting
from natspike.experiments._common import figure_dataset, provenance, root
from natspike.plotting._style import minutes

GALLERY = Path(__file__).resolve().parents[1] / "docs" / "gallery.md"
KEY, NAME, MODULE = "toy", "figure_toy", "_figure_toy"


def _toy_experiment(minutes=False):
    @figure_dataset
    def figure_toy(*, duration=2.0, seed=2022, progress=True):
        seed = root(seed)
        t = np.arange(1, 5) * duration / 4
        ds = xr.Dataset({"kl": ("time", np.exp(-t))}, coords={"time": t / 60 if minutes else t})
        ds["time"].attrs["units"] = "min" if minutes else "s"
        ds.attrs.update(provenance("toy", seed))
        return ds

    figure_toy.__module__ = f"natspike.experiments.{MODULE}"
    return figure_toy


def _plot(ds):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot(minutes(ds["time"]), ds["kl"])
    return fig


def _claim(ds):
    return f"toy: D_KL fell from {float(ds['kl'][0]):.3f} to {float(ds['kl'][-1]):.3f}"


@pytest.fixture
def toy(monkeypatch):
    """Register the toy figure: its two modules and its one row in FIGURES, nothing else."""
    exp = types.ModuleType(f"natspike.experiments.{MODULE}")
    exp.figure_toy, exp.claim_figure_toy = _toy_experiment(), _claim
    plot = types.ModuleType(f"natspike.plotting.{MODULE}")
    plot.figure_toy = _plot
    monkeypatch.setattr(_claim, "__module__", exp.__name__)
    monkeypatch.setattr(_plot, "__module__", plot.__name__)
    monkeypatch.setitem(sys.modules, exp.__name__, exp)
    monkeypatch.setitem(sys.modules, plot.__name__, plot)
    monkeypatch.setitem(experiments.FIGURES, KEY, (NAME, MODULE))
    return exp


def test_the_toy_figure_has_an_experiment_a_plot_a_claim_and_takes_seeds(toy):
    registry_tests.test_every_figure_has_an_experiment_a_plot_and_a_claim(KEY)
    registry_tests.test_every_experiment_takes_seeds_as_train_does(KEY)
    assert NAME in dir(experiments) and f"claim_{NAME}" in dir(experiments) and NAME in dir(plotting)


def test_the_command_line_lists_and_runs_the_toy_figure(toy, tmp_path, capsys):
    choices = next(
        a for a in cli._parser()._subparsers._group_actions[0].choices["figure"]._actions if a.dest == "name"
    )
    assert KEY in choices.choices
    assert cli.main(["figure", KEY, "--seed", "3", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("toy: D_KL fell from 0.607 to 0.135")  # exp(-0.5), exp(-2)
    back = xr.open_dataset(tmp_path / f"figure{KEY}.nc", engine="scipy")
    np.testing.assert_array_equal(back["time"].values, [0.5, 1.0, 1.5, 2.0])
    assert back.attrs["seed"] == 3 and (tmp_path / f"figure{KEY}.png").stat().st_size > 0


def test_the_smoke_test_asks_for_a_row_and_checks_the_toy_figure_times(toy, monkeypatch):
    with pytest.raises(AssertionError):
        smoke.test_every_figure_has_a_smoke_row()  # registered without a smoke-size row: the suite fails
    monkeypatch.setitem(smoke.SMOKE, KEY, dict(duration=1.0))
    smoke.test_every_figure_has_a_smoke_row()
    smoke.test_every_time_is_in_seconds(KEY)
    assert experiments.figure_toy(duration=1.0)["time"].attrs["long_name"] == "time (seconds)"
    toy.figure_toy = _toy_experiment(minutes=True)  # a figure whose times are in minutes fails the rule
    with pytest.raises(AssertionError, match="'min'"):
        smoke.test_every_time_is_in_seconds(KEY)


def gallery_figures():
    """The registry keys of the figures in docs/gallery.md (``notebooks/gallery/figure<key>.png``)."""
    return set(re.findall(r"\.\./notebooks/gallery/figure(\w+)\.png", GALLERY.read_text()))


def test_the_docs_gallery_shows_exactly_the_registered_figures():
    assert gallery_figures() == set(experiments.FIGURES)


def test_the_gallery_check_names_a_registered_figure_the_gallery_lacks(toy):
    assert set(experiments.FIGURES) - gallery_figures() == {KEY}
