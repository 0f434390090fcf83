"""The experiments take their learning time in minutes (``duration_minutes``): a whole number of minutes is
not a plain number of seconds whose unit is in doubt, so it raises no UnitWarning ("did you mean ms?"), which
a plain ``duration=1020`` given to ``train`` does."""

import warnings

import natspike
import numpy as np
import pytest
from natspike import experiments as ex

MINUTES = 17  # 1020 s: an int of seconds >= 1000 is what the plausibility check questions

CALLS = {
    "figure3f": lambda: ex.figure3f(n_trials=1, duration_minutes=MINUTES, n=10, record_every=340.0),
    "figure9": lambda: ex.figure9(
        n_trials=1, duration_minutes=MINUTES, n=10, eta_factors=(1.0, 2.0), record_every=340.0
    ),
    "figure12_curves": lambda: ex.figure12_curves(
        n_trials=1, duration_minutes=MINUTES, n=10, patterns=[(10.0, 50.0)], record_every=340.0
    ),
    "figure3bc": lambda: ex.figure3bc(duration_minutes=MINUTES, repetitions=2, n=10),
    "figure3de": lambda: ex.figure3de(n_trials=1, duration_minutes=MINUTES, samples=5, record_every=340.0),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_whole_minutes_raise_no_unit_warning(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", natspike.UnitWarning)
        CALLS[name]()


def test_the_same_seconds_as_a_plain_int_do_warn_in_train():
    # the check the experiments must not trip: without this warning the test above would prove nothing
    with pytest.warns(natspike.UnitWarning, match="duration = 1020 is read in seconds"):
        natspike.train("natural", np.full(4, 0.01), np.full(4, 10.0), teacher=np.zeros(4), duration=MINUTES * 60,
                       eta=1e-3, seed=1)  # fmt: skip
