"""The one figure registry (natspike.experiments.FIGURES) drives experiments, plotting, claims and the CLI."""

import inspect

import numpy as np
import pytest
from natspike import __main__ as cli
from natspike import experiments, plotting

FIGURES = experiments.FIGURES


@pytest.mark.parametrize("cli_name", sorted(FIGURES))
def test_every_figure_has_an_experiment_a_plot_and_a_claim(cli_name):
    name, module = FIGURES[cli_name]
    for fn in (getattr(experiments, name), getattr(plotting, name), getattr(experiments, f"claim_{name}")):
        assert callable(fn) and fn.__module__.endswith(module), (cli_name, fn)


def test_the_cli_and_plotting_list_exactly_the_registered_figures():
    choices = next(
        a for a in cli._parser()._subparsers._group_actions[0].choices["figure"]._actions if a.dest == "name"
    )
    assert sorted(choices.choices) == sorted(FIGURES)
    assert sorted(n for n in plotting.__all__ if n.startswith("figure")) == sorted(n for n, _ in FIGURES.values())
    assert {f"claim_{n}" for n, _ in FIGURES.values()} <= set(experiments.__all__)


@pytest.mark.parametrize("cli_name", sorted(FIGURES))
def test_every_experiment_takes_seeds_as_train_does(cli_name):
    name, _ = FIGURES[cli_name]
    seed = inspect.signature(getattr(experiments, name)).parameters["seed"]
    assert seed.default == 2022
    with pytest.raises(TypeError, match=r"seed must be an int, numpy\.random\.SeedSequence"):
        getattr(experiments, name)(seed="1")  # refused before any work
    with pytest.raises(ValueError, match="seed must be in"):
        getattr(experiments, name)(seed=-1)


def test_figure7_accepts_a_seed_sequence_like_train():
    ds = experiments.figure7(grid=2, n_trials=1, duration=0.2, seed=np.random.SeedSequence(1))
    root = int(np.random.SeedSequence(1).generate_state(1, np.uint64)[0])
    assert ds.attrs["seed"] == str(root)
    again = experiments.figure7(grid=2, n_trials=1, duration=0.2, seed=root)
    np.testing.assert_array_equal(ds["change_st"].values, again["change_st"].values)


def test_old_argument_names_still_work_with_a_deprecation_warning():
    kw = dict(grid=2, duration=0.2, seed=5)
    with pytest.warns(DeprecationWarning, match=r"figure7\(trials=\.\.\.\) is deprecated; use n_trials="):
        old = experiments.figure7(trials=1, **kw)
    new = experiments.figure7(n_trials=1, **kw)
    np.testing.assert_array_equal(old["change_st"].values, new["change_st"].values)
    assert new.attrs["n_trials"] == 1
    with pytest.raises(TypeError, match="both trials="):
        experiments.figure7(trials=1, n_trials=1, **kw)
    with pytest.warns(DeprecationWarning, match="duration_minutes"):
        with pytest.raises(ValueError, match="duration_minutes must be finite and > 0"):
            experiments.figure3f(minutes=-1.0)
