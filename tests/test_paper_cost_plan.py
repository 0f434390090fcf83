"""The paper-cost estimator (tests/benchmarks/paper_cost.py) measures what ``paper --full`` runs: every figure
of the paper command, and for the figures it measures on a subset, the paper-size protocol with fewer units of
work. Checked on each figure's first learning run, captured as it is planned and never run."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from natspike import _trials, experiments
from natspike.experiments import FIGURES, _paper

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
import paper_cost


class _Planned(Exception):
    """Raised with the first learning run a figure plans, instead of running it."""


def _first_run(monkeypatch, name, full, sizes):
    """The first set of trials figure ``name`` plans when the paper command runs it with these options (for
    Fig 3D–E with the sizes of its cost landscape, which is not computed)."""
    plan, landscape = _trials._prepare, {}

    def capture(*args, **kwargs):
        raise _Planned(plan(*args, **kwargs), landscape)

    for module in [m for n, m in sys.modules.items() if n.startswith("natspike")]:  # every module that binds it
        if getattr(module, "_prepare", None) is plan:
            monkeypatch.setattr(module, "_prepare", capture)
    if name == "3de":
        from natspike.experiments import _figure3de as fig

        def cost(w1, w2, *args):
            landscape["cost_grid"] = w1
            return np.zeros((w1.size, w2.size))

        usps = fig.sample_usps
        monkeypatch.setattr(
            fig, "sample_usps", lambda r, samples, **kw: landscape.setdefault("usps", usps(r, samples, **kw))
        )
        monkeypatch.setattr(fig, "poisson_cost", cost)
        monkeypatch.setattr(fig, "_mean_update", lambda rule, points, *args: np.ones_like(points))
    options = _paper._figure_options(name, full, paper_cost.SEED, sizes)
    with pytest.raises(_Planned) as planned:
        getattr(experiments, FIGURES[name][0])(**options)
    monkeypatch.undo()
    return planned.value.args


def _same_protocol(a, b):
    (run_a, landscape_a), (run_b, landscape_b) = a, b
    assert run_a.cfg == run_b.cfg
    np.testing.assert_array_equal(run_a.job.rates, run_b.job.rates)
    assert landscape_a.keys() == landscape_b.keys()
    for key in landscape_a:
        np.testing.assert_array_equal(landscape_a[key], landscape_b[key])


def test_the_estimator_measures_every_figure_of_the_paper_command():
    assert paper_cost.figures() == _paper._names(None) == list(FIGURES)
    assert set(paper_cost.subsets()) <= set(FIGURES)


@pytest.mark.timeout(300)  # if a figure planned its trials another way, it would run them at the paper's size
@pytest.mark.parametrize("name", sorted(paper_cost.subsets()))
def test_a_subset_is_the_paper_size_protocol_with_fewer_units(name, monkeypatch):
    """At the paper's count the estimator's sizes plan exactly the trials of ``full=True`` (configuration,
    rates, every trial's initial and target weights); its measured subsets differ only in their count."""
    s = paper_cost.subsets()[name]
    full = _first_run(monkeypatch, name, True, {})
    same = _first_run(monkeypatch, name, False, s.sizes(s.paper_units))
    _same_protocol(full, same)
    (run, _), (run_same, _) = full, same
    assert run_same.n_trials == run.n_trials == (s.paper_units if s.unit == "trials" else 600 * 600)
    np.testing.assert_array_equal(run_same.w0, run.w0)
    if run.tw is not None:
        np.testing.assert_array_equal(run_same.tw, run.tw)
    for k in s.measured:
        small = _first_run(monkeypatch, name, False, s.sizes(k))
        _same_protocol(full, small)
        assert small[0].n_trials == k
        if s.unit == "trials":
            np.testing.assert_array_equal(small[0].w0, run.w0[:k])


def test_extrapolation_separates_the_fixed_part():
    """10 s fixed + 3 s per unit, measured at 2 and 4 units, is 3010 s at 1000 units."""
    got = paper_cost.extrapolate((2, 4), (16.0, 22.0), 1000)
    assert got == pytest.approx({"fixed_cpu_s": 10.0, "cpu_s_per_unit": 3.0, "paper_cpu_s": 3010.0})
    noisy = paper_cost.extrapolate((2, 4), (16.0, 15.0), 1000)  # the larger subset cheaper: no fixed part
    assert noisy["paper_cpu_s"] == pytest.approx(15.0 / 4 * 1000)
